/**
 * Bounds applied to every event at the door. Everything in an event is attacker-controlled, so every
 * size that downstream stages iterate over is capped here, once.
 *
 * @example
 * normalizeEvent(input, { source: 'ndjson', limits: { ...DEFAULT_LIMITS, maxBodyBytes: 4096 } });
 */
export interface NormalizeLimits {
  /** Bodies above this many bytes are cut at a UTF-8 boundary and flagged `truncated` (not rejected). */
  readonly maxBodyBytes: number;
  /** More headers than this (request or response) rejects the event. */
  readonly maxHeaders: number;
  /** A single header value above this many bytes rejects the event. */
  readonly maxHeaderBytes: number;
  /** A URL (or path plus query) above this many bytes rejects the event. */
  readonly maxUrlBytes: number;
  /** JSON nesting deeper than this in a body rejects the event. */
  readonly maxJsonDepth: number;
  /** Any other single string (query value, cookie, header name, client address...) above this rejects. */
  readonly maxFieldBytes: number;
  /** More query parameters or cookies than this rejects the event. */
  readonly maxQueryParams: number;
}

export const DEFAULT_LIMITS: NormalizeLimits = Object.freeze({
  maxBodyBytes: 65_536,
  maxHeaders: 200,
  maxHeaderBytes: 16_384,
  maxUrlBytes: 8_192,
  maxJsonDepth: 64,
  maxFieldBytes: 4_096,
  maxQueryParams: 1_000,
});
