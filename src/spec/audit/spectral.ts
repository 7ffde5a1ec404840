/**
 * The rules of the Spectral OWASP ruleset (`@stoplight/spectral-owasp-ruleset`, 2023 edition) that the
 * built-in rules must cover between them (each rule's `spectral` field names the ones it covers; the
 * registry test checks the union). Used by the coverage benchmark against Spectral too.
 */
export const SPECTRAL_OWASP_2023_RULES: readonly string[] = Object.freeze([
  'owasp:api1:2023-no-numeric-ids',
  'owasp:api2:2023-no-http-basic',
  'owasp:api2:2023-no-api-keys-in-url',
  'owasp:api2:2023-no-credentials-in-url',
  'owasp:api2:2023-auth-insecure-schemes',
  'owasp:api2:2023-jwt-best-practices',
  'owasp:api2:2023-short-lived-access-tokens',
  'owasp:api2:2023-write-restricted',
  'owasp:api2:2023-read-restricted',
  'owasp:api3:2023-no-additionalProperties',
  'owasp:api3:2023-constrained-additionalProperties',
  'owasp:api4:2023-rate-limit',
  'owasp:api4:2023-rate-limit-retry-after',
  'owasp:api4:2023-rate-limit-responses-429',
  'owasp:api4:2023-array-limit',
  'owasp:api4:2023-string-limit',
  'owasp:api4:2023-string-restricted',
  'owasp:api4:2023-integer-limit',
  'owasp:api4:2023-integer-limit-legacy',
  'owasp:api4:2023-integer-format',
  'owasp:api8:2023-define-cors-origin',
  'owasp:api8:2023-define-error-responses-401',
  'owasp:api8:2023-define-error-responses-500',
  'owasp:api8:2023-define-error-validation',
  'owasp:api8:2023-no-scheme-http',
  'owasp:api8:2023-no-server-http',
  'owasp:api9:2023-inventory-access',
  'owasp:api9:2023-inventory-environment',
]);
