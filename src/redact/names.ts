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
]);

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
]);

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

export function credentialClassForHeader(name: string): string | undefined {
  return CREDENTIAL_HEADERS.get(normalizeKey(name));
}

export function credentialClassForQuery(name: string): string | undefined {
  return CREDENTIAL_QUERY_PARAMS.get(normalizeKey(name));
}
