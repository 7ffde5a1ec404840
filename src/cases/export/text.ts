/**
 * Bounding text for wire formats: by characters (never splitting a surrogate pair) and by UTF-8 bytes
 * (never splitting a character).
 *
 * @example clip('abcdef', 4) // 'abc…'; truncateUtf8('é', 1) // ''
 */

/** At most `max` UTF-16 units; a cut value ends with `…` so the reader sees it was cut. */
export function clip(value: string, max: number): string {
  if (value.length <= max) return value;
  let end = max - 1;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1; // a high surrogate whose low half would be cut off
  return value.slice(0, end) + '…';
}

/** The longest prefix of `value` that takes at most `maxBytes` in UTF-8. */
export function truncateUtf8(value: string, maxBytes: number): string {
  const buf = Buffer.from(value, 'utf8');
  if (buf.length <= maxBytes) return value;
  let end = Math.max(0, maxBytes);
  // buf[end] is the first byte left out: if it continues a character, that character started before the cut.
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return buf.subarray(0, end).toString('utf8');
}

/** Every character outside printable ASCII as a JSON `\uXXXX` escape: still the same JSON, now pure ASCII. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}
