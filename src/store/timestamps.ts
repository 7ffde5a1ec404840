/**
 * Epoch milliseconds for ordering. Unparseable text sorts as the epoch rather than failing a write: the
 * timestamp is stored as given either way, only its position in a sort is affected.
 */
export function timestampMs(value: string): number {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? 0 : ms;
}

/** The later of two timestamps by instant, not by text (offsets differ). Ties keep `a`. */
export function laterOf(a: string, b: string): string {
  return timestampMs(b) > timestampMs(a) ? b : a;
}

export function earlierOf(a: string, b: string): string {
  return timestampMs(b) < timestampMs(a) ? b : a;
}
