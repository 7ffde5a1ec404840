/**
 * Limits shared by the server and the console. Plain constants with no zod, so that the console can
 * import them as values without bundling the schema library.
 */

/** List caps: no list route returns more than this many rows a page. */
export const MAX_PAGE_SIZE = 500;

/** Largest spec text the registry takes, in UTF-8 bytes: the server's default body limit. */
export const MAX_SPEC_BYTES = 16 * 1024 * 1024;
