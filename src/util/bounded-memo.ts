/**
 * `of(key)`, remembered per key in process memory; the memo is dropped whole when it holds `size` keys. For
 * functions of names (header, parameter, JSON key names) that recur on every event, never of raw values.
 *
 * @example const classOf = boundedMemo(2048, (name: string) => credentialClassForHeader(name) ?? null);
 */
export function boundedMemo<T extends NonNullable<unknown> | null>(size: number, of: (key: string) => T): (key: string) => T {
  const memo = new Map<string, T>();
  return (key) => {
    let v = memo.get(key);
    if (v === undefined) {
      v = of(key);
      if (memo.size >= size) memo.clear();
      memo.set(key, v);
    }
    return v;
  };
}
