import type { AttackCategory } from '../detect/types.js';

/**
 * What the cases module says about each attack family: a title for case titles and summaries, and the fix a
 * "flag for a fix" finding asks the owning team for. Data, not code; the `Record` type makes every category
 * of `ATTACK_CATEGORIES` have an entry. Categories outside the list (a newer detector) still read well.
 */
export interface CategoryInfo {
  /** Singular noun phrase: "SQL injection", used as "SQL injection against shop". */
  title: string;
  /** What the owning team should change, in a sentence or three. */
  remediation: string;
}

export const CATEGORY_INFO: Readonly<Record<AttackCategory, CategoryInfo>> = {
  sqli: {
    title: 'SQL injection',
    remediation: 'Use parameterised queries or an ORM for every value that reaches SQL; validate input types and lengths against the spec; run the database account with least privilege.',
  },
  nosqli: {
    title: 'NoSQL injection',
    remediation: 'Reject operator keys ($ne, $gt, $where) in user input; cast values to the expected scalar types before they reach the query; disable server-side JavaScript in the database.',
  },
  xss: {
    title: 'Cross-site scripting',
    remediation: 'Encode output for its context (HTML, attribute, JavaScript, URL); validate input against the schema; send a restrictive Content-Security-Policy and JSON with the right content type.',
  },
  'command-injection': {
    title: 'Command injection',
    remediation: 'Do not build shell commands from input: call programs with argument arrays and no shell, or use a library; allow-list the values that may reach a command.',
  },
  'path-traversal': {
    title: 'Path traversal',
    remediation: 'Resolve file names against a fixed base directory and refuse anything that leaves it; prefer ids mapped to files over file names from the client.',
  },
  ssrf: {
    title: 'Server-side request forgery',
    remediation: 'Allow-list the hosts the server may call; resolve and refuse private, link-local and metadata addresses after DNS resolution; disable redirects or re-check them.',
  },
  xxe: {
    title: 'XML external entity injection',
    remediation: 'Disable DTDs and external entities in every XML parser; prefer JSON; validate XML against a schema that allows no DOCTYPE.',
  },
  ssti: {
    title: 'Server-side template injection',
    remediation: 'Never compile templates from user input; pass input as data to fixed templates; use a sandboxed or logic-less template engine.',
  },
  log4shell: {
    title: 'Log4Shell JNDI lookup',
    remediation: 'Upgrade Log4j to 2.17.1 or later (or remove the JndiLookup class); block outbound LDAP/RMI from application hosts.',
  },
  'crlf-injection': {
    title: 'CRLF injection',
    remediation: 'Refuse CR and LF in values copied into headers, redirects or cookies; use the framework header API, which encodes them.',
  },
  'log-forging': {
    title: 'Log forging',
    remediation: 'Log structured fields (JSON) instead of concatenated text; escape CR, LF and control characters in logged values.',
  },
  'cookie-injection': {
    title: 'Cookie injection',
    remediation: 'Do not deserialize objects from cookies; keep session state server-side or in signed, typed tokens; reject unexpected cookie formats.',
  },
  scanner: {
    title: 'Scanner activity',
    remediation: 'Make sure the probed files and paths do not exist or answer 404; rate-limit and block known scanners at the gateway when they are not your own.',
  },
  anomaly: {
    title: 'Anomalous input',
    remediation: 'Validate every parameter against a strict schema (types, formats, lengths, enumerations) so that values outside the learned profile are refused.',
  },
  bola: {
    title: 'Broken object level authorization',
    remediation: 'Check on every request that the caller may access the object the id names (ownership or policy), not only that the caller is authenticated; prefer unguessable ids.',
  },
  enumeration: {
    title: 'Enumeration',
    remediation: 'Answer the same for unknown and forbidden objects and accounts; rate-limit per actor; use unguessable identifiers.',
  },
  'credential-stuffing': {
    title: 'Credential stuffing',
    remediation: 'Rate-limit logins per account and per client; require MFA; check passwords against breached-password lists; answer failures uniformly.',
  },
  'rate-anomaly': {
    title: 'Unusual request rate',
    remediation: 'Set per-actor rate limits and quotas at the gateway for this endpoint; make expensive operations asynchronous or paginated.',
  },
  scraping: {
    title: 'Scraping',
    remediation: 'Limit page sizes and per-actor volume; require authentication for bulk data; return only the fields clients need.',
  },
  'data-exposure': {
    title: 'Excessive data exposure',
    remediation: 'Return only the fields the client needs (response schemas with no additional properties); mask personal and financial data; check the caller may see each field.',
  },
  bfla: {
    title: 'Broken function level authorization',
    remediation: 'Enforce role checks on every privileged operation server-side (deny by default); keep administrative functions on separate routes with their own authorization.',
  },
  'token-misuse': {
    title: 'Token misuse',
    remediation: 'Validate token signature, issuer, audience and expiry on every call; bind tokens to their client; revoke and rotate tokens that were shared or replayed.',
  },
};

const FALLBACK_REMEDIATION = 'Review the triggering requests, validate input against a strict schema, and fix the handling the detector flagged.';

/** The title of a category; an unknown one reads as itself ("rate-anomaly" -> "rate anomaly"). */
export function categoryTitle(category: string): string {
  return (CATEGORY_INFO as Record<string, CategoryInfo | undefined>)[category]?.title ?? category.replace(/-/g, ' ');
}

export function categoryRemediation(category: string): string {
  return (CATEGORY_INFO as Record<string, CategoryInfo | undefined>)[category]?.remediation ?? FALLBACK_REMEDIATION;
}
