import type { ApiEvent } from '../../contracts/api-event.js';
import { API_KEY_HEADERS, fnv1a, type CredentialFacts } from '../../redact/credential-facts.js';
import { hashRange } from './bounded.js';
import { jsonPair, nextJsonPair, rangeEquals, type JsonPair } from './json-scan.js';
import { lowerCase } from '../../util/ascii-case.js';

/**
 * What the behavioural detectors need to know about an endpoint and a request, read once per endpoint (from
 * its template) or only on the few events that need it (login bodies, admin calls): whether an endpoint is a
 * login or an admin operation, the username a login tried, and the class of a principal. Set lookups on
 * lower-cased segments, no regular expression: templates hold attacker-chosen literals.
 */

/** Last segments of a login endpoint (`POST /v1/auth/login`, `/oauth/token`, `/auth/session`). */
const LOGIN_LAST = new Set(['login', 'log-in', 'logon', 'signin', 'sign-in', 'sign_in', 'authenticate', 'session', 'sessions', 'token', 'auth']);
/** Segments that mark an administrative operation wherever they appear. */
const ADMIN_SEGMENTS = new Set([
  'admin', 'admins', 'administrator', 'administration', 'internal', 'manage', 'management', 'config', 'configuration',
  'roles', 'permissions', 'privileges', 'grants', 'sudo', 'superuser', 'impersonate', 'actuator', 'debug', 'ops', 'staff',
]);
/** Collections whose bulk deletion is administrative (`DELETE /users`). */
const ACCOUNT_COLLECTIONS = new Set(['users', 'accounts', 'customers', 'employees', 'members', 'tenants', 'organizations', 'orgs', 'groups']);
/** Request fields that carry the username of a login. */
const USERNAME_FIELDS = ['username', 'email', 'login', 'user', 'user_name', 'userName', 'userid', 'account', 'identifier'];
/** Claims whose values say what kind of principal a JWT is for. */
const CLASS_CLAIMS = ['role', 'roles', 'scope', 'scp', 'groups', 'permissions', 'authorities', 'cognito:groups', 'realm_access'];

/** Characters of a username hashed; longer ones are still one username. */
const USERNAME_CHARS = 256;
/** Characters of a request body searched for the username. */
const BODY_SCAN = 16_384;
const MAX_SEGMENTS = 32;

export interface EndpointTraits {
  login: boolean;
  admin: boolean;
  /** Indexes (in `path.split('/')`) of the templated segments, at most 8. */
  params: number[];
  /** The last segment is a literal (a collection, a singleton like `/users/me`, an action). */
  literalLast: boolean;
}

/** Traits of an endpoint from its method and template (computed once per endpoint). */
export function endpointTraits(method: string, template: string, names: readonly (string | null)[]): EndpointTraits {
  const segs = template.split('/', MAX_SEGMENTS).map((s) => s.toLowerCase());
  const literal = (s: string | undefined) => s !== undefined && s !== '' && !(s.startsWith('{') && s.endsWith('}'));
  let last = segs.length - 1;
  while (last > 0 && segs[last] === '') last--;
  const lastSeg = segs[last];
  const literalLast = literal(lastSeg);
  const params: number[] = [];
  for (let i = 0; i < names.length && params.length < 8; i++) if (names[i]) params.push(i);
  const login = method === 'POST' && literalLast && LOGIN_LAST.has(lastSeg!);
  let admin = segs.some((s) => literal(s) && ADMIN_SEGMENTS.has(s));
  if (method === 'DELETE' && literalLast && ACCOUNT_COLLECTIONS.has(lastSeg!)) admin = true;
  return { login, admin: admin && !login, params, literalLast };
}

/**
 * Hash of the username a login request tried (JSON or form body; ASCII case folded), or null when the body
 * names none. Reads at most 16 KiB of the body, once, pair by pair into `p` (the engine passes its scratch pair).
 */
export function loginUsernameHash(event: ApiEvent, p: JsonPair = jsonPair()): number | null {
  const body = event.request.body;
  const text = body?.text;
  if (text === undefined || text === '' || body?.encoding === 'base64') return null;
  const ct = lowerCase(body?.contentType ?? event.request.headers['content-type'] ?? '');
  if (ct.includes('x-www-form-urlencoded')) return formUsername(text);
  const end = Math.min(text.length, BODY_SCAN);
  for (let i = 0; nextJsonPair(text, i, end, p); i = p.next) {
    if (p.isString && isUsernameField(text, p.keyStart, p.keyEnd)) return hashRange(text, p.valueStart, Math.min(p.valueEnd, p.valueStart + USERNAME_CHARS), true);
  }
  return null;
}

/** Whether `text[start, end)` is one of `USERNAME_FIELDS`. */
function isUsernameField(text: string, start: number, end: number): boolean {
  for (let k = 0; k < USERNAME_FIELDS.length; k++) if (rangeEquals(text, start, end, USERNAME_FIELDS[k]!)) return true;
  return false;
}

function formUsername(text: string): number | null {
  const n = Math.min(text.length, BODY_SCAN);
  let start = 0;
  while (start < n) {
    let amp = text.indexOf('&', start);
    if (amp < 0 || amp > n) amp = n;
    const eq = text.indexOf('=', start);
    if (eq > start && eq < amp && isUsernameField(text, start, eq)) {
      return hashRange(text, eq + 1, Math.min(amp, eq + 1 + USERNAME_CHARS), true);
    }
    start = amp + 1;
  }
  return null;
}

/** Decoded class claims by token, bounded: the same token comes with every call of a session. */
export function createClassReader(cacheSize = 4096): (event: ApiEvent, facts: CredentialFacts) => string {
  const cache = new Map<string, string>();

  function jwtClass(token: string): string {
    let c = cache.get(token);
    if (c !== undefined) return c;
    c = claimsClass(token);
    if (cache.size >= cacheSize) cache.clear();
    cache.set(token, c);
    return c;
  }

  /**
   * The kind of principal behind a request, for BFLA: the credential kind plus, for a JWT, a hash of its role,
   * scope and group claims; for an API key, its prefix (`sk_live`, `pk_test`); else the kind alone.
   *
   * @example
   * classOf(event, facts) // 'bearer-jwt:3k2j1a' (customers), 'bearer-jwt:1x9q0c' (admins), 'api-key-header:sk_live', 'none'
   */
  return (event, facts) => {
    if (facts.kind === 'none') return 'none';
    if (facts.jwt !== null) {
      const authz = event.request.headers.authorization;
      const space = authz?.indexOf(' ') ?? -1;
      if (authz !== undefined && space > 0 && authz.length <= 16_384) return `${facts.kind}:${jwtClass(authz.slice(space + 1).trim())}`;
      return facts.kind;
    }
    if (facts.kind === 'api-key-header') {
      for (const name in event.request.headers) if (API_KEY_HEADERS.has(name)) return `${facts.kind}:${keyPrefix(event.request.headers[name] ?? '')}`;
    }
    return facts.kind;
  };
}

/** `sk_live_abc...` -> `sk_live`; keys without a separator in their first 16 characters have no prefix. */
export function keyPrefix(key: string): string {
  const head = key.slice(0, 16);
  const cut = Math.max(head.lastIndexOf('_'), head.lastIndexOf('-'));
  return cut >= 2 ? head.slice(0, cut) : '';
}

function claimsClass(token: string): string {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first < 0 || second < 0 || second - first > 8192) return 'jwt';
  let payload: Record<string, unknown>;
  try {
    const v: unknown = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8'));
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'jwt';
    payload = v as Record<string, unknown>;
  } catch {
    return 'jwt';
  }
  const values: string[] = [];
  const take = (v: unknown): void => {
    if (typeof v === 'string') values.push(...v.split(' ', 32).filter(Boolean).map((s) => s.slice(0, 64)));
    else if (Array.isArray(v)) for (const x of v.slice(0, 32)) take(x);
    else if (v !== null && typeof v === 'object' && 'roles' in v) take((v as { roles: unknown }).roles);
  };
  for (const claim of CLASS_CLAIMS) take(payload[claim]);
  if (values.length === 0) return 'jwt';
  return fnv1a(values.sort().join(' ')).toString(36);
}
