export { createRedactor, DEFAULT_MAX_SCAN_BYTES, TRUNCATION_MARK } from './redactor.js';
export type { RedactionResult, Redactor, RedactorOptions } from './redactor.js';
export { createPlaceholder } from './placeholder.js';
export type { PlaceholderFn } from './placeholder.js';
export { isBenignCookieValue } from './cookies.js';
export { MAX_JSON_DEPTH } from './json-body.js';
