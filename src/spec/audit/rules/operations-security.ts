import type { SecurityRequirement, SpecModel, SpecOperation } from '../../model.js';
import { factsOf } from '../facts.js';
import {
  compact,
  hasAnonymousAlternative,
  hasStatus,
  isTemplateSegment,
  matchesName,
  opLabel,
  pathSegments,
  READ_METHODS,
  requirementPointer,
  securityPointer,
  words,
  WRITE_METHODS,
  type AuditRule,
} from './kit.js';

/**
 * Which operations are protected, by what, and the operations whose purpose needs more than the
 * default: admin and management functions, authentication endpoints, state changes.
 */

/** No credential is needed: no requirement, or only empty ones (`security: [{}]`). */
const noAuthRequired = (op: SpecOperation) => op.security.every((r) => Object.keys(r).length === 0);

const ADMIN_WORDS = new Set(['admin', 'admins', 'administrator', 'administrators', 'administration', 'superuser', 'backoffice', 'sudo']);

/** An administrative function, by its path (`/admin/…`, `/users/{id}/admin`) or its tag (`admin`). */
export function isAdminOperation(op: SpecOperation): boolean {
  for (const seg of pathSegments(op.path)) {
    if (isTemplateSegment(seg)) continue;
    if (words(seg).some((w) => ADMIN_WORDS.has(w))) return true;
  }
  return op.tags.some((t) => ADMIN_WORDS.has(compact(t)));
}

const MANAGEMENT_SEGMENTS = new Set(['actuator', 'debug', 'heapdump', 'threaddump', 'jolokia', 'phpinfo', 'serverstatus', 'pprof', 'profiler', 'console', 'h2console', 'jmx']);
/** Only as the first segment after an optional version: `/metrics`, not `/campaigns/{id}/metrics`. */
const MANAGEMENT_ROOTS = new Set(['metrics', 'prometheus', 'env', 'configprops', 'dump', 'trace']);
const isVersionSegment = (seg: string) => seg.length > 1 && (seg[0] === 'v' || seg[0] === 'V') && [...seg.slice(1)].every((c) => (c >= '0' && c <= '9') || c === '.');

function managementSegment(path: string): string | null {
  const segs = pathSegments(path).filter((s) => !isTemplateSegment(s));
  const first = segs.findIndex((s) => !isVersionSegment(s) && compact(s) !== 'api');
  for (const [i, seg] of segs.entries()) {
    const c = compact(seg);
    if (MANAGEMENT_SEGMENTS.has(c) || (i === first && MANAGEMENT_ROOTS.has(c))) return seg;
  }
  return null;
}

const STATE_CHANGING_VERBS = new Set(['delete', 'remove', 'destroy', 'create', 'add', 'insert', 'update', 'modify', 'edit', 'set', 'reset', 'cancel', 'approve', 'reject', 'revoke', 'disable', 'enable', 'activate', 'deactivate', 'purge', 'transfer', 'pay', 'refund', 'unsubscribe', 'subscribe', 'ban', 'block', 'unblock', 'grant', 'assign', 'send']);
/** In a path segment only unambiguous verbs count: `/archive` or `/transfer` are as often nouns. */
const STATE_CHANGING_SEGMENTS = new Set(['delete', 'remove', 'destroy', 'create', 'update', 'reset', 'cancel', 'approve', 'reject', 'revoke', 'disable', 'enable', 'activate', 'deactivate', 'purge', 'unsubscribe', 'ban', 'unblock', 'grant']);

/** The verb a GET operation names: the first word of the operationId's last part (`repos/delete-hook` -> `delete`), or the last literal path segment (`/users/{id}/delete`). */
function stateChangingVerb(op: SpecOperation): string | null {
  if (op.operationId) {
    const action = op.operationId.split('/').pop()!.split('.').pop()!;
    const first = words(action)[0];
    if (first && STATE_CHANGING_VERBS.has(first)) return first;
  }
  const last = pathSegments(op.path).pop();
  if (last && !isTemplateSegment(last)) {
    const c = compact(last);
    if (STATE_CHANGING_SEGMENTS.has(c)) return c;
  }
  return null;
}

const AUTH_SEGMENTS = new Set(['login', 'logon', 'signin', 'authenticate', 'auth', 'token', 'tokens', 'session', 'sessions', 'otp', 'mfa', '2fa', 'totp', 'passcode', 'password', 'passwordreset', 'resetpassword', 'forgotpassword', 'changepassword', 'verifyotp']);
const AUTH_WORDS = new Set(['login', 'logon', 'signin', 'authenticate', 'otp', 'totp', 'mfa', '2fa']);
const AUTH_PHRASES = ['sign in', 'log in', 'log on', 'reset password', 'forgot password', 'change password', 'verify otp'];

/** An endpoint that checks a secret a caller can guess: login, token, password reset, one-time codes. */
function isAuthenticationEndpoint(op: SpecOperation): boolean {
  if (op.method !== 'post' && op.method !== 'put') return false;
  if (op.operationId) {
    // Whole words: `createForAuthenticatedUser` is not a login.
    const ws = words(op.operationId);
    const text = ` ${ws.join(' ')} `;
    if (ws.some((w) => AUTH_WORDS.has(w)) || AUTH_PHRASES.some((p) => text.includes(` ${p} `))) return true;
  }
  const last = pathSegments(op.path).filter((s) => !isTemplateSegment(s)).pop();
  return last !== undefined && AUTH_SEGMENTS.has(compact(last));
}

const CREDENTIAL_NAMES = { exact: ['authorization', 'proxyauthorization'], contains: ['apikey', 'accesstoken', 'authtoken', 'bearer', 'secret', 'password', 'sessionid', 'clientsecret'], words: ['token'], unless: ['csrf', 'xsrf'] };
const CSRF_HEADER = { contains: ['csrf', 'xsrf'] };

function canonical(req: SecurityRequirement): string {
  return JSON.stringify(Object.keys(req).sort().map((k) => [k, [...(req[k] ?? [])].sort()]));
}

/** Every declared scope of an OAuth 2.0 scheme, over all its flows. */
function declaredScopes(model: SpecModel, name: string): Set<string> | null {
  const s = factsOf(model).schemeByName.get(name);
  if (!s || s.type !== 'oauth2') return null;
  const out = new Set<string>();
  for (const flow of Object.values(s.flows)) for (const scope of flow?.scopes ?? []) out.add(scope);
  return out;
}

export const OPERATION_SECURITY_RULES: readonly AuditRule[] = [
  {
    id: 'spec-security-write-unprotected',
    title: 'Write operation without authentication',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 'CWE-306',
    category: 'security',
    tags: ['authentication', 'operation'],
    spectral: ['owasp:api2:2023-write-restricted'],
    detects: 'A `post`, `put`, `patch` or `delete` operation whose effective security (its own `security`, else the document\'s) is missing, empty (`security: []`) or only `{}`. The finding points at the operation\'s `security` when it has one, else at the operation.',
    rationale: 'Anyone who can reach the API can create, change or delete data through this operation; nothing identifies or limits the caller.',
    remediation: 'Require a security scheme on the operation (or set a global `security` default and stop overriding it with `security: []`), and check authorization on each object it touches.',
    falsePositives: 'Operations that are public on purpose (sign-up, password-reset requests, webhook receivers verified by signature): document why in the description and switch the rule off for them with an override.',
    *check(model) {
      for (const op of model.operations) {
        if (WRITE_METHODS.has(op.method) && noAuthRequired(op)) yield { pointer: securityPointer(op), message: `${opLabel(op)} changes data without requiring authentication` };
      }
    },
  },
  {
    id: 'spec-security-read-unprotected',
    title: 'Read operation without authentication',
    severity: 'medium',
    owasp: 'API2:2023',
    cwe: 'CWE-306',
    category: 'security',
    tags: ['authentication', 'operation'],
    spectral: ['owasp:api2:2023-read-restricted'],
    detects: 'A `get` or `head` operation whose effective security is missing, empty or only `{}`.',
    rationale: 'Unauthenticated reads expose whatever the operation returns to anyone, invite scraping, and cannot be rate-limited per consumer.',
    remediation: 'Require a security scheme, or confirm the data is public and mark the operation as deliberately public (`security: []` with a description saying so) and switch the rule off for it.',
    falsePositives: 'Genuinely public reads (health checks, public catalogues, discovery documents).',
    *check(model) {
      for (const op of model.operations) {
        if (READ_METHODS.has(op.method) && noAuthRequired(op)) yield { pointer: securityPointer(op), message: `${opLabel(op)} can be read without authentication` };
      }
    },
  },
  {
    id: 'spec-security-optional-auth',
    title: 'Authentication is optional',
    severity: 'medium',
    owasp: 'API2:2023',
    cwe: 'CWE-287',
    category: 'security',
    tags: ['authentication', 'operation'],
    detects: 'An operation whose security alternatives include an empty requirement `{}` next to real ones, so a call without any credential is accepted too.',
    rationale: 'Optional authentication doubles the code paths: the anonymous one is easily forgotten in authorization checks and lets callers drop a rejected credential and try again anonymously.',
    remediation: 'Remove `{}` from the security list; if anonymous access is needed, serve it from a separate, explicitly public operation with its own limits.',
    *check(model) {
      for (const op of model.operations) {
        if (hasAnonymousAlternative(op) && !noAuthRequired(op)) {
          const i = op.security.findIndex((r) => Object.keys(r).length === 0);
          yield { pointer: requirementPointer(op, i), message: `${opLabel(op)} also accepts calls without credentials ({} in security)` };
        }
      }
    },
  },
  {
    id: 'spec-security-undefined-scheme',
    title: 'Security requirement names an undefined scheme',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 'CWE-287',
    category: 'security',
    tags: ['authentication', 'operation'],
    detects: 'A security requirement (document or operation level) whose key is not a defined security scheme.',
    rationale: 'The operation looks protected but the protection cannot be resolved: gateways that enforce the spec reject or silently skip it, and generated clients send no credential.',
    remediation: 'Define the scheme under `components/securitySchemes` (`securityDefinitions` in Swagger 2.0) or fix the name in the requirement.',
    *check(model) {
      const facts = factsOf(model);
      for (const op of model.operations) {
        for (const [i, req] of op.security.entries()) {
          for (const name of Object.keys(req)) {
            if (!facts.schemeByName.has(name)) yield { pointer: requirementPointer(op, i), message: `security requirement refers to undefined scheme "${name}"` };
          }
        }
      }
    },
  },
  {
    id: 'spec-security-undefined-scope',
    title: 'Security requirement names an undeclared scope',
    severity: 'medium',
    owasp: 'API5:2023',
    cwe: 'CWE-285',
    category: 'security',
    tags: ['authorization', 'oauth', 'operation'],
    detects: 'A requirement on an OAuth 2.0 scheme that lists a scope none of the scheme\'s flows declares.',
    rationale: 'A scope the authorization server does not know is never granted, so the operation is either unusable or its check is not the one the spec shows; reviewers cannot see what access the operation really requires.',
    remediation: 'Declare the scope in the scheme\'s flows or correct the scope name in the requirement.',
    *check(model) {
      for (const op of model.operations) {
        for (const [i, req] of op.security.entries()) {
          for (const [name, scopes] of Object.entries(req)) {
            const declared = declaredScopes(model, name);
            if (!declared) continue;
            for (const scope of scopes) if (!declared.has(scope)) yield { pointer: requirementPointer(op, i), message: `scope "${scope}" of scheme "${name}" is not declared by the scheme` };
          }
        }
      }
    },
  },
  {
    id: 'spec-security-no-global-default',
    title: 'No global security default',
    severity: 'low',
    owasp: 'API5:2023',
    cwe: 'CWE-1188',
    category: 'security',
    tags: ['authentication', 'secure-defaults'],
    detects: 'A document that defines security schemes but has no top-level `security` (or an empty one, or only `{}`).',
    rationale: 'Without a document-wide default, every new operation is public until someone remembers to protect it: the secure state has to be opted into instead of opted out of.',
    remediation: 'Set a top-level `security` requirement so operations are protected by default; mark the few public ones with `security: []` explicitly.',
    *check(model) {
      if (model.securitySchemes.length === 0 || model.operations.length === 0) return;
      const global = model.security ?? [];
      if (global.some((r) => Object.keys(r).length > 0)) return;
      yield { pointer: factsOf(model).field('', 'security'), message: 'the document sets no default security requirement: operations are public unless they opt in' };
    },
  },
  {
    id: 'spec-security-oauth-no-scope',
    title: 'OAuth-protected operation requires no scope',
    severity: 'low',
    owasp: 'API5:2023',
    cwe: 'CWE-285',
    category: 'security',
    tags: ['authorization', 'oauth', 'operation'],
    detects: 'A security requirement on an OAuth 2.0 scheme that declares scopes, with an empty scope list (`oauth: []`).',
    rationale: 'Any valid token, whatever it was granted for, can call the operation: a token issued to a read-only integration works for this function too.',
    remediation: 'Require the narrowest scope that fits the operation (`orders:write` for a write, an admin scope for administrative functions).',
    *check(model) {
      for (const op of model.operations) {
        for (const [i, req] of op.security.entries()) {
          for (const [name, scopes] of Object.entries(req)) {
            const declared = declaredScopes(model, name);
            if (declared && declared.size > 0 && scopes.length === 0) yield { pointer: requirementPointer(op, i), message: `${opLabel(op)} accepts any token of scheme "${name}" whatever its scopes` };
          }
        }
      }
    },
  },
  {
    id: 'spec-security-admin-unprotected',
    title: 'Administrative operation without authentication',
    severity: 'critical',
    owasp: 'API5:2023',
    cwe: 'CWE-306',
    category: 'security',
    tags: ['authorization', 'admin', 'operation'],
    detects: 'An administrative operation (a path segment such as `admin`, `administration`, `superuser`, `backoffice`, `sudo`, or an `admin` tag) that requires no credential or also accepts `{}`.',
    rationale: 'Administrative functions manage users, roles and configuration; reachable without a credential they hand the whole system to anyone who finds the path.',
    remediation: 'Require authentication and a dedicated administrative scope or role on every administrative operation; consider serving them from a separate, internal-only API.',
    *check(model) {
      for (const op of model.operations) {
        if (isAdminOperation(op) && (noAuthRequired(op) || hasAnonymousAlternative(op))) yield { pointer: securityPointer(op), message: `administrative operation ${opLabel(op)} can be called without authentication` };
      }
    },
  },
  {
    id: 'spec-security-admin-shared-scheme',
    title: 'Administrative operation accepts ordinary credentials',
    severity: 'medium',
    owasp: 'API5:2023',
    cwe: 'CWE-285',
    category: 'security',
    tags: ['authorization', 'admin', 'operation'],
    spectral: ['owasp:api5:2023-admin-security-unique'],
    detects: 'An administrative operation (see `spec-security-admin-unprotected`) with a security alternative, schemes and scopes alike, that a non-administrative operation uses too.',
    rationale: 'When admin functions accept exactly the credential ordinary users hold, function-level authorization rests entirely on code checks the spec does not show; one missing check makes every user an administrator.',
    remediation: 'Protect administrative operations with a distinct requirement: an admin scope (`oauth: [admin]`) or a separate scheme used only by them.',
    *check(model) {
      const ordinary = new Set<string>();
      for (const op of model.operations) if (!isAdminOperation(op)) for (const r of op.security) if (Object.keys(r).length) ordinary.add(canonical(r));
      for (const op of model.operations) {
        if (!isAdminOperation(op)) continue;
        const i = op.security.findIndex((r) => Object.keys(r).length > 0 && ordinary.has(canonical(r)));
        if (i >= 0) yield { pointer: securityPointer(op, i), message: `administrative operation ${opLabel(op)} accepts the same credentials as non-administrative operations` };
      }
    },
  },
  {
    id: 'spec-security-management-endpoint',
    title: 'Management or debug endpoint in the API',
    severity: 'medium',
    owasp: 'API8:2023',
    cwe: 'CWE-489',
    category: 'security',
    tags: ['misconfiguration', 'operation'],
    detects: 'An operation on a framework management or debugging path: a segment such as `actuator`, `debug`, `heapdump`, `threaddump`, `jolokia`, `phpinfo`, `server-status`, `pprof`, `console`, or `metrics`/`prometheus`/`env`/`dump`/`trace` as the first segment after the version.',
    rationale: 'Management endpoints expose heap dumps, environment variables (often with secrets), configuration and internal metrics; published in the API description they are an invitation.',
    remediation: 'Serve management endpoints on a separate port or network that is not exposed publicly, protect them with their own credentials, and remove them from the public description.',
    *check(model) {
      for (const op of model.operations) {
        const seg = managementSegment(op.path);
        if (seg) yield { pointer: op.pointer, message: `${opLabel(op)} exposes the management endpoint "${seg}"` };
      }
    },
  },
  {
    id: 'spec-security-trace-method',
    title: 'TRACE operation',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-693',
    category: 'security',
    tags: ['misconfiguration', 'operation'],
    detects: 'An operation with the HTTP method `trace`.',
    rationale: 'TRACE echoes the request back, including headers such as `Authorization` and cookies; combined with a script injection it reads credentials that `HttpOnly` was meant to protect (cross-site tracing).',
    remediation: 'Disable TRACE on the server and gateway and remove the operation.',
    *check(model) {
      for (const op of model.operations) if (op.method === 'trace') yield { pointer: op.pointer, message: `${opLabel(op)} allows the TRACE method` };
    },
  },
  {
    id: 'spec-security-state-change-via-get',
    title: 'GET operation that changes state',
    severity: 'medium',
    owasp: 'API8:2023',
    cwe: 'CWE-650',
    category: 'security',
    tags: ['csrf', 'operation'],
    detects: 'A `get` operation whose `operationId` action starts with a state-changing verb (`delete`, `create`, `update`, `reset`, `cancel`, `approve`, `revoke`, `transfer`…; for `repos/delete-hook` the action is `delete-hook`) or whose last literal path segment is an unambiguous verb (`/users/{id}/delete`, `/cancel`, `/approve`, `/reset`; not `/archive` or `/transfer`, which are as often nouns).',
    rationale: 'GET requests are sent by links, images and prefetchers, are cached and logged with their parameters, and are exempt from most CSRF defences: a state change behind GET can be triggered by any page a user visits.',
    remediation: 'Use POST, PUT, PATCH or DELETE for operations with side effects, and keep GET safe and idempotent.',
    *check(model) {
      for (const op of model.operations) {
        if (op.method !== 'get') continue;
        const verb = stateChangingVerb(op);
        if (verb) yield { pointer: op.pointer, message: `${opLabel(op)} appears to ${verb} state with GET` };
      }
    },
  },
  {
    id: 'spec-security-method-override',
    title: 'HTTP method override accepted',
    severity: 'low',
    owasp: 'API5:2023',
    cwe: 'CWE-650',
    category: 'security',
    tags: ['authorization', 'operation'],
    detects: 'A header parameter `X-HTTP-Method-Override`, `X-HTTP-Method` or `X-Method-Override`, or a query parameter `_method`.',
    rationale: 'Method overrides let a POST (or GET) be treated as DELETE or PUT after the gateway, WAF or CSRF protection made its decision based on the real method, bypassing method-based access rules.',
    remediation: 'Drop method-override support; if a legacy client needs it, allow it only for POST and re-run method-based authorization on the overridden method.',
    *check(model) {
      for (const { param } of factsOf(model).parameters) {
        const c = compact(param.name);
        const override = (param.in === 'header' && (c === 'xhttpmethodoverride' || c === 'xhttpmethod' || c === 'xmethodoverride')) || (param.in === 'query' && param.name === '_method');
        if (override) yield { pointer: param.pointer, message: `${param.in} parameter "${param.name}" overrides the HTTP method` };
      }
    },
  },
  {
    id: 'spec-security-cookie-auth-no-csrf',
    title: 'Cookie authentication without CSRF protection',
    severity: 'medium',
    owasp: 'API8:2023',
    cwe: 'CWE-352',
    category: 'security',
    tags: ['csrf', 'authentication', 'operation'],
    detects: 'A `post`, `put`, `patch` or `delete` operation that accepts an `apiKey` scheme carried `in: cookie` and declares no CSRF token header parameter (a header whose name contains `csrf` or `xsrf`).',
    rationale: 'Browsers attach cookies to cross-site requests: any page the user visits can submit this operation with the user\'s session unless a token the attacker cannot read is required too.',
    remediation: 'Require an anti-CSRF token header (`X-CSRF-Token`) on state-changing operations, set `SameSite=Strict` or `Lax` on the cookie, or use header-borne tokens instead of cookies.',
    falsePositives: 'APIs that rely solely on `SameSite` cookies or on checking `Origin`: say so in the scheme description and switch the rule off.',
    *check(model) {
      const facts = factsOf(model);
      for (const op of model.operations) {
        if (!WRITE_METHODS.has(op.method)) continue;
        const cookieScheme = op.security.flatMap((r) => Object.keys(r)).find((n) => {
          const s = facts.schemeByName.get(n);
          return s?.type === 'apiKey' && s.in === 'cookie';
        });
        if (!cookieScheme) continue;
        if (op.parameters.some((p) => p.in === 'header' && matchesName(p.name, CSRF_HEADER))) continue;
        yield { pointer: securityPointer(op), message: `${opLabel(op)} accepts cookie authentication ("${cookieScheme}") without a CSRF token header` };
      }
    },
  },
  {
    id: 'spec-security-auth-endpoint-no-rate-limit',
    title: 'Authentication endpoint without rate limiting',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 'CWE-307',
    category: 'security',
    tags: ['authentication', 'rate-limiting', 'operation'],
    detects: 'A `post` or `put` operation that checks a guessable secret (last literal path segment such as `login`, `signin`, `token`, `sessions`, `password`, `reset-password`, `otp`, `mfa`, or an operationId with the word `login`, `signin`, `authenticate`, `otp`, `mfa` or the phrase sign in, log in, reset password, forgot password…) with no `429` (or `4XX`) response.',
    rationale: 'Login, token, password-reset and one-time-code endpoints are the targets of credential stuffing and brute force; without a documented limit there is no sign the API throttles or locks out guessing.',
    remediation: 'Rate-limit these endpoints per account and per client (stricter than the rest of the API), add lockout or back-off, and document it with a `429` response and `Retry-After`.',
    *check(model) {
      for (const op of model.operations) {
        if (isAuthenticationEndpoint(op) && !hasStatus(op, '429')) yield { pointer: `${op.pointer}/responses`, message: `authentication endpoint ${opLabel(op)} documents no rate limiting (429)` };
      }
    },
  },
  {
    id: 'spec-security-credentials-as-parameter',
    title: 'Credential described as a parameter',
    severity: 'low',
    owasp: 'API2:2023',
    cwe: 'CWE-1059',
    category: 'security',
    tags: ['authentication', 'documentation', 'parameter'],
    detects: 'A header or cookie parameter named `Authorization`, `Proxy-Authorization` or like a credential (`api_key`, `X-Auth-Token`, `session_id`, `client_secret`…; CSRF tokens excepted).',
    rationale: 'OpenAPI ignores an `Authorization` header parameter, and a credential described as a plain parameter is invisible to the security model: tools report the operation as unauthenticated, and gateways do not enforce it.',
    remediation: 'Describe the credential as a security scheme (`http` bearer, or `apiKey` in header or cookie) and reference it from `security`; remove the parameter.',
    *check(model) {
      for (const { param } of factsOf(model).parameters) {
        if ((param.in === 'header' || param.in === 'cookie') && matchesName(param.name, CREDENTIAL_NAMES)) yield { pointer: param.pointer, message: `${param.in} parameter "${param.name}" carries a credential outside the security schemes` };
      }
    },
  },
];
