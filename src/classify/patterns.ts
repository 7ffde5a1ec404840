/**
 * Every regular expression the classifier and the redactor run, in one place, so that `redos.test.ts`
 * can check each of them with `redos-detector` and time them on adversarial input.
 *
 * Rules for adding one: anchor it when it validates a whole candidate; bound every quantifier; prefer a
 * literal prefix search plus a hand-written scan over an unanchored pattern with long quantifiers, because
 * an unanchored `x{1,N}` retried at every start offset is O(N * length) even when it cannot backtrack.
 */

/** Whole-value email. Bounded labels; file names like `icon@2x.png` are rejected in code. */
export const EMAIL = /^[A-Za-z0-9._%+'-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}$/;

/** First domain label of retina asset names (`icon@2x.png`). */
export const RETINA_LABEL = /^\d{1,4}x$/i;

export const ASCII_LETTER = /[A-Za-z]/;

/** Whole-value JWS compact serialisation; the header is then decoded and must be JSON with `alg`. */
export const JWT = /^eyJ[A-Za-z0-9_-]{2,8192}\.[A-Za-z0-9_-]{2,16384}\.[A-Za-z0-9_-]{0,8192}$/;

export const AWS_ACCESS_KEY_ID = /^(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}$/;
export const GITHUB_TOKEN = /^gh[pousr]_[A-Za-z0-9]{36,251}$/;
export const GITHUB_PAT = /^github_pat_[A-Za-z0-9_]{22,244}$/;
export const STRIPE_SECRET_KEY = /^[rs]k_(?:live|test)_[A-Za-z0-9]{10,247}$/;
export const STRIPE_PUBLISHABLE_LIVE_KEY = /^pk_live_[A-Za-z0-9]{10,247}$/;
export const SLACK_TOKEN = /^xox[baprs]-[A-Za-z0-9-]{10,250}$/;
export const SLACK_WEBHOOK = /^https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,12}\/B[A-Z0-9]{6,12}\/[A-Za-z0-9]{16,32}$/;
export const GOOGLE_API_KEY = /^AIza[0-9A-Za-z_-]{35}$/;

/**
 * Literal prefixes of the known secret formats, for scanning free text. Only literals and a single
 * character class, so the engine never backtracks; the candidate is then cut out by a linear scan and
 * validated with the anchored pattern above.
 */
export const SECRET_PREFIX_G = /AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|[rs]k_(?:live|test)_|pk_live_|xox[baprs]-|AIza|hooks\.slack\.com\/services\//g;

/** Start of a possible IBAN in free text (country code + check digits). */
export const IBAN_START_G = /[A-Z]{2}\d{2}/g;

export const US_SSN = /^(\d{3})([- ]?)(\d{2})\2(\d{4})$/;
export const UK_NINO = /^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]$/;
/** Fourth character is the holder type: Person, Company, HUF, Firm, AOP, Trust, BOI, Local authority, AJP, Government. */
export const IN_PAN = /^[A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z]$/;
/** CMS Medicare Beneficiary Identifier; letters S, L, O, I, B, Z are never used. */
export const MEDICARE_MBI = /^[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y]{2}\d{2}$/;

/** North American numbering plan: area and exchange codes never start with 0 or 1. */
export const NANP_PHONE = /^(?:\+?1[ .-]?)?(?:\([2-9]\d{2}\)|[2-9]\d{2})[ .-]?[2-9]\d{2}[ .-]?\d{4}$/;
/** National format with a trunk 0 and at least one separator, e.g. `020 7946 0958`, `07700 900123`. */
export const TRUNK_PHONE = /^0\d{1,4}[ -]\d{3,4}[ -]?\d{3,4}$/;
/** E.164 with optional grouping; digit count and separator rules are checked in code. */
export const E164_PHONE = /^\+[1-9][0-9 ().-]{6,24}$/;
/** Phone characters only, for values under a phone-ish key. */
export const PHONE_CHARS = /^\+?[0-9 ().-]{7,24}$/;

export const DATE_ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T[0-9:.+Z-]{0,30})?$/;
export const DATE_NUMERIC = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
export const DATE_COMPACT = /^(\d{4})(\d{2})(\d{2})$/;

/** House number at the start of a street address; the street-type word is then checked in code. */
export const STREET_NUMBER = /^\d{1,6}[A-Za-z]? /;

export const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
export const SEMVER = /^v?\d{1,9}\.\d{1,9}\.\d{1,9}(?:[-+][0-9A-Za-z.-]{1,64})?$/;

/** Characters dropped when normalising a key name (`X-Api-Key`, `api_key`, `apiKey` all become `apikey`). */
export const NON_KEY_CHARS_G = /[^a-z0-9]+/g;

/** `Bearer <token>` in free text (log lines that echo an Authorization header). */
export const BEARER_G = /\bbearer[ \t]{1,8}/gi;

/** Content types whose base64 bodies are decoded and scanned as text (plus any `+json`/`+xml`, checked in code). */
export const TEXTUAL_CONTENT_TYPE = /^(?:text\/|application\/(?:x-www-form-urlencoded|javascript|graphql|x-ndjson|json|xml))/;

/** A body without a content type is tried as JSON when it starts like one. */
export const JSON_START = /^\s{0,64}[[{]/;

/** Id of a class from config. */
export const CUSTOM_CLASS_ID = /^custom-[a-z0-9-]{1,40}$/;

/** The list checked by the ReDoS test. Add every new pattern here. */
export const BUILTIN_PATTERNS: ReadonlyArray<{ readonly name: string; readonly pattern: RegExp }> = [
  { name: 'EMAIL', pattern: EMAIL },
  { name: 'RETINA_LABEL', pattern: RETINA_LABEL },
  { name: 'ASCII_LETTER', pattern: ASCII_LETTER },
  { name: 'JWT', pattern: JWT },
  { name: 'AWS_ACCESS_KEY_ID', pattern: AWS_ACCESS_KEY_ID },
  { name: 'GITHUB_TOKEN', pattern: GITHUB_TOKEN },
  { name: 'GITHUB_PAT', pattern: GITHUB_PAT },
  { name: 'STRIPE_SECRET_KEY', pattern: STRIPE_SECRET_KEY },
  { name: 'STRIPE_PUBLISHABLE_LIVE_KEY', pattern: STRIPE_PUBLISHABLE_LIVE_KEY },
  { name: 'SLACK_TOKEN', pattern: SLACK_TOKEN },
  { name: 'SLACK_WEBHOOK', pattern: SLACK_WEBHOOK },
  { name: 'GOOGLE_API_KEY', pattern: GOOGLE_API_KEY },
  { name: 'SECRET_PREFIX_G', pattern: SECRET_PREFIX_G },
  { name: 'IBAN_START_G', pattern: IBAN_START_G },
  { name: 'US_SSN', pattern: US_SSN },
  { name: 'UK_NINO', pattern: UK_NINO },
  { name: 'IN_PAN', pattern: IN_PAN },
  { name: 'MEDICARE_MBI', pattern: MEDICARE_MBI },
  { name: 'NANP_PHONE', pattern: NANP_PHONE },
  { name: 'TRUNK_PHONE', pattern: TRUNK_PHONE },
  { name: 'E164_PHONE', pattern: E164_PHONE },
  { name: 'PHONE_CHARS', pattern: PHONE_CHARS },
  { name: 'DATE_ISO', pattern: DATE_ISO },
  { name: 'DATE_NUMERIC', pattern: DATE_NUMERIC },
  { name: 'DATE_COMPACT', pattern: DATE_COMPACT },
  { name: 'STREET_NUMBER', pattern: STREET_NUMBER },
  { name: 'UUID', pattern: UUID },
  { name: 'ISO_TIMESTAMP', pattern: ISO_TIMESTAMP },
  { name: 'SEMVER', pattern: SEMVER },
  { name: 'NON_KEY_CHARS_G', pattern: NON_KEY_CHARS_G },
  { name: 'BEARER_G', pattern: BEARER_G },
  { name: 'CUSTOM_CLASS_ID', pattern: CUSTOM_CLASS_ID },
  { name: 'TEXTUAL_CONTENT_TYPE', pattern: TEXTUAL_CONTENT_TYPE },
  { name: 'JSON_START', pattern: JSON_START },
];
