import { normalizeKey } from '../classify/index.js';

/*
 * Header and query parameter names whose values are credentials by convention. Their values are redacted
 * whatever they look like: a short or low-entropy API key is still an API key. Names are normalised
 * (`X-Api-Key` -> `xapikey`).
 */

/** Header name -> class used when the value itself does not say more (a JWT still becomes `jwt`). */
export const CREDENTIAL_HEADERS: ReadonlyMap<string, string> = new Map([
  ['xapikey', 'api-key'],
  ['apikey', 'api-key'],
  ['xauthtoken', 'api-key'],
  ['xaccesstoken', 'api-key'],
  ['xrefreshtoken', 'api-key'],
  ['xidtoken', 'api-key'],
  ['xamzsecuritytoken', 'api-key'],
  ['xgoogapikey', 'api-key'],
  ['ocpapimsubscriptionkey', 'api-key'],
  ['xfunctionskey', 'api-key'],
  ['privatetoken', 'api-key'],
  ['xshopifyaccesstoken', 'api-key'],
  ['xvaulttoken', 'api-key'],
  ['xgitlabtoken', 'api-key'],
  ['xapitoken', 'api-key'],
  ['xapisecret', 'secret'],
  ['xclientsecret', 'secret'],
  ['xhubsignature', 'secret'],
  ['xhubsignature256', 'secret'],
  ['stripesignature', 'secret'],
  ['xsignature', 'secret'],
  ['xcsrftoken', 'session-token'],
  ['xxsrftoken', 'session-token'],
  ['xsessiontoken', 'session-token'],
  ['xsessionid', 'session-token'],
  ['xauth', 'api-key'],
  ['xauthorization', 'api-key'],
  ['xapiauth', 'api-key'],
  ['xsession', 'session-token'],
  ['xclientkey', 'api-key'],
  ['xkey', 'api-key'],
  ['xjwt', 'api-key'],
]);

/**
 * Words that make any other header name a credential header (`x-tenant-token`, `x-partner-secret`),
 * checked in this order: the first word found names the class. A JWT value still becomes `jwt`.
 */
const CREDENTIAL_HEADER_WORDS: ReadonlyArray<readonly [string, string]> = [
  ['password', 'password'],
  ['passwd', 'password'],
  ['secret', 'secret'],
  ['signature', 'secret'],
  ['credential', 'api-key'],
  ['session', 'session-token'],
  ['cookie', 'session-token'],
  ['jwt', 'api-key'],
  ['token', 'api-key'],
  ['auth', 'api-key'],
  ['key', 'api-key'],
];

/**
 * Headers whose names contain one of those words but whose values are not secrets: challenges and CORS
 * lists name credentials without carrying one; an idempotency key or a WebSocket nonce is single-use by design.
 */
const NON_CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  'wwwauthenticate',
  'proxyauthenticate',
  'accesscontrolallowcredentials',
  'accesscontrolallowheaders',
  'accesscontrolexposeheaders',
  'accesscontrolrequestheaders',
  'idempotencykey',
  'secwebsocketkey',
  'secwebsocketaccept',
  'xcachekey',
  'cachekey',
]);

/**
 * Name endings that describe a credential rather than carry one (`x-auth-type: oauth`, `x-session-ttl: 900`,
 * `x-signature-algorithm`, `x-key-id`). Such values still go through ordinary value classification.
 */
const DESCRIPTIVE_SUFFIXES: readonly string[] = [
  'type', 'scheme', 'method', 'mode', 'version', 'algorithm', 'alg', 'realm', 'status', 'ttl', 'timeout',
  'expires', 'expiry', 'expiresat', 'maxage', 'keyid', 'kid', 'required', 'enabled', 'provider', 'timestamp',
  'date',
];

/** Query parameter name -> fallback class. `key` is here because Google-style APIs put keys in `?key=`. */
export const CREDENTIAL_QUERY_PARAMS: ReadonlyMap<string, string> = new Map([
  ['apikey', 'api-key'],
  ['key', 'api-key'],
  ['token', 'api-key'],
  ['accesstoken', 'api-key'],
  ['refreshtoken', 'api-key'],
  ['idtoken', 'api-key'],
  ['authtoken', 'api-key'],
  ['auth', 'api-key'],
  ['jwt', 'api-key'],
  ['xamzsecuritytoken', 'api-key'],
  ['xamzcredential', 'api-key'],
  ['sig', 'secret'],
  ['signature', 'secret'],
  ['xamzsignature', 'secret'],
  ['secret', 'secret'],
  ['clientsecret', 'secret'],
  ['password', 'password'],
  ['passwd', 'password'],
  ['pwd', 'password'],
  ['pass', 'password'],
  ['sessionid', 'session-token'],
  ['sid', 'session-token'],
  ['ticket', 'session-token'],
  ['otp', 'password'],
  ['code', 'api-key'],
  ['xgoogsignature', 'secret'],
  ['xgoogcredential', 'api-key'],
]);

/**
 * Credential parameter names common enough as ordinary words that a word-like value under them is kept:
 * `?code=DE`, `?ticket=open`, `?code=summer-sale`. An OAuth code, OTP or CAS ticket has digits or is long.
 */
const WEAK_CREDENTIAL_QUERY_PARAMS: ReadonlySet<string> = new Set(['code', 'ticket']);

/** Response and request headers whose value is a URL (or, for `Link`, a list of `<URL>`s). */
export const URL_HEADERS: ReadonlySet<string> = new Set(['location', 'content-location', 'referer', 'link', 'refresh']);

/** Headers that carry client IP addresses, comma-separated. */
export const IP_LIST_HEADERS: ReadonlySet<string> = new Set([
  'x-forwarded-for',
  'x-real-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'x-client-ip',
  'x-cluster-client-ip',
  'x-original-forwarded-for',
  'fastly-client-ip',
]);

/** Structural headers that never carry personal data or secrets; skipped to keep the hot path short. */
export const STRUCTURAL_HEADERS: ReadonlySet<string> = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'accept-ranges',
  'age',
  'cache-control',
  'connection',
  'content-encoding',
  'content-language',
  'content-length',
  'content-type',
  'date',
  'etag',
  'expires',
  'host',
  'if-modified-since',
  'if-none-match',
  'keep-alive',
  'last-modified',
  'pragma',
  'server',
  'strict-transport-security',
  'te',
  'transfer-encoding',
  'upgrade',
  'vary',
  'x-content-type-options',
  'x-frame-options',
  'sec-fetch-dest',
  'sec-fetch-mode',
  'sec-fetch-site',
  'sec-fetch-user',
]);

/**
 * Class of a header whose value is a credential by its name, or undefined. Known names first, then any name
 * containing a credential word, unless it is a known non-secret header or only describes a credential.
 *
 * @example
 * credentialClassForHeader('X-Tenant-Token') // 'api-key'
 * credentialClassForHeader('X-Auth-Type')    // undefined
 */
export function credentialClassForHeader(name: string): string | undefined {
  const n = normalizeKey(name);
  const known = CREDENTIAL_HEADERS.get(n);
  if (known !== undefined || NON_CREDENTIAL_HEADERS.has(n)) return known;
  for (const [word, cls] of CREDENTIAL_HEADER_WORDS) {
    const at = n.indexOf(word);
    // `x-author` names a person, not a credential.
    if (at === -1 || (word === 'auth' && n.startsWith('author', at) && !n.startsWith('authoriz', at))) continue;
    for (const suffix of DESCRIPTIVE_SUFFIXES) if (n.endsWith(suffix)) return undefined;
    return cls;
  }
  return undefined;
}

/** A short word (letters, `-`, `_`): what `code` or `ticket` holds when it is not a credential. */
function isWordLike(value: string): boolean {
  if (value.length > 16) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (!(((c | 32) >= 97 && (c | 32) <= 122) || c === 45 || c === 95)) return false;
  }
  return true;
}

/**
 * Class of a query, form or URL parameter whose value is a credential by its name, or undefined. Pass the
 * value to let weak names (`code`, `ticket`) keep an ordinary word.
 */
export function credentialClassForQuery(name: string, value?: string): string | undefined {
  const n = normalizeKey(name);
  const cls = CREDENTIAL_QUERY_PARAMS.get(n);
  if (cls === undefined || value === undefined || !WEAK_CREDENTIAL_QUERY_PARAMS.has(n)) return cls;
  return isWordLike(value) ? undefined : cls;
}
