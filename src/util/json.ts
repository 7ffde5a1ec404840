/**
 * `JSON.parse` for text that may not be JSON: the parsed value in a box, or undefined. The box tells a
 * body that is the JSON `null` from one that is not JSON at all.
 *
 * @example tryParseJson('{"a":1}') // { value: { a: 1 } }; tryParseJson('a=1') // undefined
 */
export function tryParseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}
