import type { DetectorInfo } from '../types.js';

/**
 * The behavioural detectors as records (rules as data): one per signal, each with its OWASP API Top 10 2023
 * category, CWE and MITRE ATT&CK technique. The functions live in the family modules (`objects.ts`,
 * `login.ts`, `volume.ts`, `access.ts`, `tokens.ts`); `engine.ts` runs them on every event.
 */

const d = (r: DetectorInfo): DetectorInfo => Object.freeze(r);
/** What the login detectors share: the OWASP category and the weakness they exploit. */
const LOGIN = { category: 'credential-stuffing', owasp: 'API2:2023', cwe: 'CWE-307' } as const;

export const BOLA_DISTINCT_IDS = d({
  id: 'bola-distinct-ids',
  title: "Reads of many objects never returned to the actor (BOLA)",
  category: 'bola',
  severity: 'high',
  owasp: 'API1:2023',
  cwe: 'CWE-639',
  mitre: 'T1213',
  rationale:
    "An authenticated caller that reads, with success, many distinct object ids of an endpoint that anonymous callers cannot use, ids that no earlier response gave it, is walking other users' objects: the API checks that the caller is logged in, not that the object is theirs.",
  remediation:
    'Check object ownership (or an explicit grant) on every read and write, server-side, from the authenticated principal, not from an id the client sends; prefer unguessable ids as defence in depth, and rate-limit per principal.',
});

export const ENUM_OBJECT_IDS = d({
  id: 'enum-object-ids',
  title: 'Enumeration of object ids (mostly 401, 403 or 404)',
  category: 'enumeration',
  severity: 'medium',
  owasp: 'API1:2023',
  cwe: 'CWE-200',
  mitre: 'T1595.003',
  rationale:
    'Many distinct ids on one endpoint, most of them refused or missing, is someone guessing ids: the misses show the guessing, and the hits are objects the guesser now knows exist (and may read, if authorisation is weak).',
  remediation:
    'Answer missing and forbidden objects alike (404) so guesses learn nothing, use unguessable ids, and rate-limit distinct-id lookups per actor; check the hits for objects the actor should not see.',
});

export const ENUM_FORCED_BROWSING = d({
  id: 'enum-forced-browsing',
  title: 'Forced browsing (many distinct paths answered 403 or 404)',
  category: 'enumeration',
  severity: 'medium',
  owasp: 'API9:2023',
  cwe: 'CWE-425',
  mitre: 'T1595.003',
  rationale:
    'An actor requesting many distinct paths of a host that do not exist or are forbidden is running a wordlist against it, looking for unlisted, old or administrative endpoints (shadow and zombie APIs).',
  remediation:
    'Retire unused endpoints and keep the inventory complete; block or slow down the source at the edge; make sure every path that answers requires the authorisation it should.',
});

export const STUFFING_MANY_USERNAMES = d({
  ...LOGIN,
  id: 'stuffing-many-usernames',
  title: 'Credential stuffing: many usernames failing from one source',
  severity: 'high',
  mitre: 'T1110.004',
  rationale:
    "One address trying many different accounts on a login endpoint, most of them failing, is replaying leaked username and password pairs: the few that succeed are account takeovers. A NAT or proxy with many users shows many usernames too, but mostly successful ones.",
  remediation:
    'Rate-limit login attempts per source and per account, require MFA, check passwords against breach corpora, and answer failures slowly and uniformly; review the accounts that logged in successfully from this source.',
});

export const STUFFING_MANY_SOURCES = d({
  ...LOGIN,
  id: 'stuffing-many-sources',
  title: 'Distributed guessing: one username failing from many sources',
  severity: 'high',
  mitre: 'T1110.001',
  rationale:
    'Failed logins for one account from many addresses is a password-guessing attack spread over a botnet so that per-address limits never trigger.',
  remediation:
    'Limit failed attempts per account (with a lockout or a growing delay that does not lock the real user out), require MFA, and notify the account owner.',
});

export const STUFFING_FAILURE_SPIKE = d({
  ...LOGIN,
  id: 'stuffing-failure-spike',
  title: 'Spike of failed logins on a login endpoint',
  severity: 'high',
  mitre: 'T1110.004',
  rationale:
    "Failed logins far above the endpoint's learned normal, from whatever sources, is credential stuffing spread over many addresses, each of which stays under any per-address limit.",
  remediation:
    'Turn on bot mitigation (challenges, device fingerprinting) for the login endpoint, check passwords against breach corpora, require MFA, and review accounts that logged in successfully during the spike.',
});

export const BRUTEFORCE_401_BURST = d({
  ...LOGIN,
  id: 'bruteforce-401-burst',
  title: 'Burst of failed authentications from one source',
  severity: 'medium',
  mitre: 'T1110.001',
  rationale:
    'Many failed logins, or many credentialed calls answered 401, from one address in a few minutes is password or token guessing (a broken client retrying with a stale token looks the same: check the user agent).',
  remediation:
    'Rate-limit authentication failures per source, lock or slow down guessed accounts, and make tokens long and random enough that guessing is hopeless.',
});

export const RATE_ENDPOINT_ANOMALY = d({
  id: 'rate-endpoint-anomaly',
  title: "Request rate far above the endpoint's learned normal",
  category: 'rate-anomaly',
  severity: 'medium',
  owasp: 'API4:2023',
  cwe: 'CWE-770',
  mitre: 'T1499.003',
  rationale:
    "An actor calling one endpoint many times more often per minute than its busiest normal callers is automating it: scraping, brute force, or exhausting a costly operation.",
  remediation:
    'Set per-actor rate limits on the endpoint (at the gateway) sized from the learned normal, and return 429 with Retry-After beyond them.',
});

export const SCRAPING_RESPONSE_SIZE = d({
  id: 'scraping-response-size',
  title: "Response far larger than the endpoint's normal",
  category: 'scraping',
  severity: 'medium',
  owasp: 'API4:2023',
  cwe: 'CWE-770',
  mitre: 'T1119',
  rationale:
    'A successful response many times larger than the endpoint ever sends is usually a page size or filter the API should have capped (`limit=100000`), used to pull a whole collection in a few calls.',
  remediation:
    'Cap page sizes server-side, paginate every collection, and return only the fields the client needs.',
});

export const SCRAPING_OBJECT_SWEEP = d({
  id: 'scraping-object-sweep',
  title: 'Sweep of many distinct objects or pages',
  category: 'scraping',
  severity: 'medium',
  owasp: 'API6:2023',
  cwe: 'CWE-799',
  mitre: 'T1119',
  rationale:
    "An actor reading, with success, far more distinct objects or pages of an endpoint than its heaviest normal callers is harvesting it (catalogue, prices, profiles), even slowly enough to stay under rate limits.",
  remediation:
    'Limit distinct objects per actor and day, require authentication for bulk access, and watch for the same sweep spread over several actors.',
});

export const EXPOSURE_SENSITIVE_UNAUTHENTICATED = d({
  id: 'exposure-sensitive-unauthenticated',
  title: 'Sensitive data served to an anonymous caller',
  category: 'data-exposure',
  severity: 'high',
  owasp: 'API3:2023',
  cwe: 'CWE-200',
  mitre: 'T1213',
  rationale:
    'An endpoint that normally answers only authenticated callers returned personal, financial or credential data with 2xx to a caller with no credentials at all: authentication was bypassed or is not enforced on every path.',
  remediation:
    'Enforce authentication on the endpoint for every method and path variant (trailing slash, case, encoded segments), and return only the fields the caller is entitled to.',
});

export const BFLA_UNSEEN_ADMIN_OPERATION = d({
  id: 'bfla-unseen-admin-operation',
  title: 'Admin operation called by a kind of principal never seen on it',
  category: 'bfla',
  severity: 'high',
  owasp: 'API5:2023',
  cwe: 'CWE-285',
  mitre: 'T1078',
  rationale:
    "Administrative operations are called by a few kinds of principal (roles, scopes, key types). A call by a kind never seen on them while learning is someone probing, or using, functions outside their role; answered 2xx, the API let them.",
  remediation:
    'Check the caller\'s role or scope on every administrative operation, deny by default, and keep administrative functions on separate paths or hosts behind their own authorisation.',
});

export const TOKEN_MANY_ADDRESSES = d({
  id: 'token-many-addresses',
  title: 'One credential used from many addresses',
  category: 'token-misuse',
  severity: 'high',
  owasp: 'API2:2023',
  cwe: 'CWE-294',
  mitre: 'T1550.001',
  rationale:
    'A token, key or session used from many client addresses in a short time, most requests from a different one, has leaked and is being replayed (or shared by a bot network).',
  remediation:
    'Revoke the credential, bind tokens to the client (DPoP, mTLS, device binding) where possible, shorten token lifetimes, and find where it leaked.',
});

export const TOKEN_ALG_NONE_ACCEPTED = d({
  id: 'token-alg-none-accepted',
  title: "Unsigned JWT (alg 'none') accepted",
  category: 'token-misuse',
  severity: 'critical',
  owasp: 'API2:2023',
  cwe: 'CWE-347',
  mitre: 'T1606',
  rationale:
    "A JWT with algorithm 'none' carries no signature, so anyone can write one for any subject. Answered 2xx on an API whose clients send signed tokens, it is a forged token that the API accepted.",
  remediation:
    "Verify every JWT with an explicit allow-list of algorithms (never 'none') and a key bound to the issuer; reject tokens whose header names any other algorithm.",
});

export const TOKEN_EXPIRED_ACCEPTED = d({
  id: 'token-expired-accepted',
  title: 'Expired JWT accepted',
  category: 'token-misuse',
  severity: 'high',
  owasp: 'API2:2023',
  cwe: 'CWE-613',
  mitre: 'T1550.001',
  rationale:
    'A JWT whose `exp` is in the past was answered 2xx: the API does not check expiry, so a token stolen once works for ever.',
  remediation:
    'Validate `exp` (and `nbf`) on every request with a small clock-skew allowance, and revoke long-lived tokens.',
});

/** Every behavioural detector, in a fixed order (docs, the console, the stage's detector list). */
export const BEHAVIOUR_DETECTORS: readonly DetectorInfo[] = Object.freeze([
  BOLA_DISTINCT_IDS,
  ENUM_OBJECT_IDS,
  ENUM_FORCED_BROWSING,
  STUFFING_MANY_USERNAMES,
  STUFFING_MANY_SOURCES,
  STUFFING_FAILURE_SPIKE,
  BRUTEFORCE_401_BURST,
  RATE_ENDPOINT_ANOMALY,
  SCRAPING_RESPONSE_SIZE,
  SCRAPING_OBJECT_SWEEP,
  EXPOSURE_SENSITIVE_UNAUTHENTICATED,
  BFLA_UNSEEN_ADMIN_OPERATION,
  TOKEN_MANY_ADDRESSES,
  TOKEN_ALG_NONE_ACCEPTED,
  TOKEN_EXPIRED_ACCEPTED,
]);
