/**
 * `obj[key] = value` for keys that come from traffic. `__proto__` must become an own property like any other name
 * (JSON.parse makes it one): plain assignment would hit the prototype setter instead, dropping the key and
 * replacing the object's prototype.
 *
 * @example setOwn(query, '__proto__', ['x']) // Object.keys(query) includes '__proto__'; the prototype is untouched
 */
export function setOwn<V>(obj: Record<string, V>, key: string, value: V): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
