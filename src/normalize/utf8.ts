/**
 * UTF-8 helpers that avoid encoding a string when its length alone settles the question:
 * a JS string of n UTF-16 units is at most 3n UTF-8 bytes.
 */

export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** True when `s` is certainly at most `max` UTF-8 bytes; encodes only when the cheap bound is not enough. */
export function fitsBytes(s: string, max: number): boolean {
  if (s.length * 3 <= max) return true;
  if (s.length > max) return false;
  return Buffer.byteLength(s, 'utf8') <= max;
}

/**
 * Cut `s` to at most `maxBytes` UTF-8 bytes without splitting a character.
 * @example truncateUtf8('héllo', 2) // 'h' (the 2-byte 'é' would not fit)
 */
export function truncateUtf8(s: string, maxBytes: number): string {
  if (s.length * 3 <= maxBytes) return s;
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= maxBytes) return s;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) so the cut lands on the first byte of a character.
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--;
  return buf.toString('utf8', 0, end);
}

/** JS strings cannot hold invalid UTF-8, but a lone surrogate (e.g. from JSON "\ud800") cannot be encoded. */
export function isWellFormed(s: string): boolean {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}
