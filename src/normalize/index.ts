export { normalizeEvent, type NormalizeContext, type NormalizeResult } from './normalize-event.js';
export { DEFAULT_LIMITS, type NormalizeLimits } from './limits.js';
export { parseTimestamp, parseClfTime, epochToMs, msToIso } from './timestamp.js';
export { truncateUtf8, utf8Length } from './utf8.js';
