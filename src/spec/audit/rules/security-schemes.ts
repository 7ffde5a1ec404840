import type { OAuthFlowName, SpecModel, SpecSecurityScheme } from '../../model.js';
import { factsOf } from '../facts.js';
import type { RuleHit } from '../rule.js';
import { compact, firstField, isPlainTransport, type AuditRule } from './kit.js';

/**
 * Security schemes and their strength: how credentials are carried (`components/securitySchemes`,
 * Swagger 2.0 `securityDefinitions`). Each finding points at the scheme, or at its offending field.
 */

const FLOW_NAMES: readonly OAuthFlowName[] = ['authorizationCode', 'clientCredentials', 'password', 'implicit'];

/**
 * A flow's two places: `at`, where the flow itself is named (`…/flows/implicit`; Swagger 2.0: the scheme's
 * `flow` field), and `fields`, the object holding its URLs and scopes (Swagger 2.0: the scheme itself).
 */
function* flowsOf(model: SpecModel, s: SpecSecurityScheme) {
  if (s.type !== 'oauth2') return;
  const at = factsOf(model).at;
  for (const name of FLOW_NAMES) {
    const flow = s.flows[name];
    if (!flow) continue;
    const own = `${s.pointer}/flows/${name}`;
    if (at(own) !== undefined) yield { name, flow, at: own, fields: own };
    else yield { name, flow, at: firstField(at, s.pointer, ['flow']), fields: s.pointer };
  }
}

/** The `scheme` field of an `http` scheme, or Swagger 2.0's `type: basic`. */
const schemeField = (model: SpecModel, s: SpecSecurityScheme) => firstField(factsOf(model).at, s.pointer, ['scheme', 'type']);

/** IANA HTTP authentication scheme registry, plus AWS Signature V4 (widely used, not registered). */
const REGISTERED_HTTP_SCHEMES = new Set(['basic', 'bearer', 'concealed', 'digest', 'dpop', 'gnap', 'hoba', 'mutual', 'negotiate', 'ntlm', 'oauth', 'privatetoken', 'scram-sha-1', 'scram-sha-256', 'vapid', 'aws4-hmac-sha256']);
const INSECURE_HTTP_SCHEMES: Record<string, string> = {
  negotiate: 'Negotiate (SPNEGO, falls back to NTLM)',
  ntlm: 'NTLM',
  oauth: 'OAuth 1.0',
};

/** Scope names that grant everything. */
function isBroadScope(scope: string): boolean {
  const s = scope.trim().toLowerCase();
  if (s === '*' || s.endsWith(':*') || s.endsWith('.*') || s.endsWith('/*')) return true;
  return ['all', 'full', 'fullaccess', 'root', 'superuser', 'everything', 'allaccess', 'any'].includes(compact(s));
}

/** Every scheme name some security requirement refers to (a webhook's own `security` counts: the scheme is in use). */
function referencedSchemes(model: SpecModel): Set<string> {
  const used = new Set<string>();
  for (const req of model.security ?? []) for (const k of Object.keys(req)) used.add(k);
  for (const op of [...model.operations, ...model.webhooks]) for (const req of op.security) for (const k of Object.keys(req)) used.add(k);
  return used;
}

const isJwtScheme = (s: SpecSecurityScheme) => s.type === 'oauth2' || s.type === 'openIdConnect' || (s.bearerFormat ?? '').toLowerCase().includes('jwt');

export const SECURITY_SCHEME_RULES: readonly AuditRule[] = [
  {
    id: 'spec-scheme-http-basic',
    title: 'HTTP Basic authentication',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 'CWE-522',
    category: 'security',
    tags: ['authentication', 'security-scheme'],
    spectral: ['owasp:api2:2023-no-http-basic'],
    detects: 'A security scheme of type `http` with `scheme: basic` (any case), or a Swagger 2.0 scheme of `type: basic`. The finding points at the `scheme` (or `type`) field.',
    rationale: 'Basic authentication sends a reusable user name and password, only base64-encoded, with every request. It has no expiry, no scope and no replay protection; every log, proxy or tool that records headers captures the password itself.',
    remediation: 'Replace Basic with short-lived tokens: OAuth 2.0 (authorization code with PKCE for users, client credentials for machines) or OpenID Connect, or mutual TLS between services. Until then serve it over HTTPS only and rate-limit failed attempts.',
    falsePositives: 'A token endpoint that takes the OAuth client id and secret with Basic, as RFC 6749 allows: switch the rule off for that spec, or describe the client authentication in the OAuth scheme instead.',
    *check(model) {
      for (const s of model.securitySchemes) {
        if (s.type === 'http' && s.scheme === 'basic') yield { pointer: schemeField(model, s), message: `security scheme "${s.name}" uses HTTP Basic authentication` };
      }
    },
  },
  {
    id: 'spec-scheme-http-digest',
    title: 'HTTP Digest authentication',
    severity: 'medium',
    owasp: 'API2:2023',
    cwe: 'CWE-328',
    category: 'security',
    tags: ['authentication', 'security-scheme', 'cryptography'],
    detects: 'A security scheme of type `http` with `scheme: digest`.',
    rationale: 'Digest authentication is in practice MD5 over a password the server must store in a recoverable or MD5-equivalent form; a captured exchange can be brute-forced offline, and clients are open to downgrade to Basic.',
    remediation: 'Use OAuth 2.0 / OpenID Connect bearer tokens or mutual TLS instead of Digest.',
    *check(model) {
      for (const s of model.securitySchemes) {
        if (s.type === 'http' && s.scheme === 'digest') yield { pointer: schemeField(model, s), message: `security scheme "${s.name}" uses HTTP Digest authentication` };
      }
    },
  },
  {
    id: 'spec-scheme-http-insecure',
    title: 'Outdated HTTP authentication scheme',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 'CWE-1390',
    category: 'security',
    tags: ['authentication', 'security-scheme'],
    spectral: ['owasp:api2:2023-auth-insecure-schemes'],
    detects: 'A security scheme of type `http` whose `scheme` is `negotiate`, `ntlm` or `oauth` (OAuth 1.0).',
    rationale: 'NTLM (and Negotiate, which falls back to it) is open to relay and pass-the-hash attacks and ties the API to a Windows domain; OAuth 1.0 is superseded and its signature schemes are hard to implement safely.',
    remediation: 'Move to OAuth 2.0 or OpenID Connect bearer tokens (or mutual TLS for services); describe them with an `oauth2` or `openIdConnect` scheme.',
    *check(model) {
      for (const s of model.securitySchemes) {
        const name = s.type === 'http' && s.scheme ? INSECURE_HTTP_SCHEMES[s.scheme] : undefined;
        if (name) yield { pointer: schemeField(model, s), message: `security scheme "${s.name}" uses ${name}, an outdated authentication scheme` };
      }
    },
  },
  {
    id: 'spec-scheme-http-unregistered',
    title: 'Unknown HTTP authentication scheme',
    severity: 'low',
    owasp: 'API2:2023',
    cwe: 'CWE-1059',
    category: 'data-validation',
    tags: ['authentication', 'security-scheme', 'documentation'],
    detects: 'A security scheme of type `http` whose `scheme` is not in the IANA HTTP Authentication Scheme Registry (AWS `AWS4-HMAC-SHA256` is accepted too), such as `jwt` or `token`.',
    rationale: 'Gateways, client generators and scanners only know registered schemes: an unknown one is not enforced or tested by them, and usually means a bearer token was described the wrong way.',
    remediation: 'Use a registered scheme: a JWT or opaque token is `scheme: bearer` with `bearerFormat: JWT`; a key in a custom header is `type: apiKey`.',
    *check(model) {
      for (const s of model.securitySchemes) {
        if (s.type === 'http' && s.scheme && !REGISTERED_HTTP_SCHEMES.has(s.scheme)) yield { pointer: schemeField(model, s), message: `security scheme "${s.name}" uses the unregistered HTTP scheme "${s.scheme}"` };
      }
    },
  },
  {
    id: 'spec-scheme-apikey-in-url',
    title: 'API key in the query string',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 'CWE-598',
    category: 'security',
    tags: ['authentication', 'security-scheme', 'credentials'],
    spectral: ['owasp:api2:2023-no-api-keys-in-url'],
    detects: 'A security scheme of type `apiKey` with `in: query` (or the invalid `in: path`). The finding points at the `in` field.',
    rationale: 'URLs are written to server, proxy and CDN logs, browser history and `Referer` headers: a key in the query string leaks with them and stays valid until someone rotates it.',
    remediation: 'Carry the key in a header (`in: header`, e.g. `X-API-Key`) or, better, use OAuth 2.0 tokens in the `Authorization` header; reject keys sent in the query string and rotate the ones that were.',
    *check(model) {
      const facts = factsOf(model);
      for (const s of model.securitySchemes) {
        if (s.type !== 'apiKey') continue;
        const written = facts.at(`${s.pointer}/in`);
        if (s.in === 'query' || written === 'path') yield { pointer: facts.field(s.pointer, 'in'), message: `API key "${s.paramName ?? s.name}" of scheme "${s.name}" is sent in the URL (${String(written ?? s.in)})` };
      }
    },
  },
  {
    id: 'spec-scheme-oauth-implicit',
    title: 'OAuth 2.0 implicit flow',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 'CWE-1390',
    category: 'security',
    tags: ['authentication', 'oauth'],
    detects: 'An `oauth2` security scheme with an `implicit` flow (Swagger 2.0: `flow: implicit`).',
    rationale: 'The implicit flow returns the access token in the redirect URL, where browser history, logs and injected scripts can read it; the client is not authenticated and the token cannot be sender-constrained. The OAuth 2.0 Security Best Current Practice (RFC 9700) says it must not be used.',
    remediation: 'Use the authorization code flow with PKCE for browser and mobile clients; remove the implicit flow from the scheme.',
    *check(model) {
      for (const s of model.securitySchemes) {
        for (const f of flowsOf(model, s)) if (f.name === 'implicit') yield { pointer: f.at, message: `security scheme "${s.name}" allows the OAuth 2.0 implicit flow` };
      }
    },
  },
  {
    id: 'spec-scheme-oauth-password',
    title: 'OAuth 2.0 resource owner password flow',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 'CWE-522',
    category: 'security',
    tags: ['authentication', 'oauth', 'credentials'],
    detects: 'An `oauth2` security scheme with a `password` flow (resource owner password credentials).',
    rationale: 'The password flow hands the user\'s password to the client application, which defeats the point of OAuth, rules out multi-factor authentication at the identity provider and trains users to type passwords into third-party apps. RFC 9700 says it must not be used.',
    remediation: 'Use the authorization code flow with PKCE (users) or client credentials (machines); remove the password flow.',
    *check(model) {
      for (const s of model.securitySchemes) {
        for (const f of flowsOf(model, s)) if (f.name === 'password') yield { pointer: f.at, message: `security scheme "${s.name}" allows the OAuth 2.0 password flow` };
      }
    },
  },
  {
    id: 'spec-scheme-oauth-no-refresh',
    title: 'OAuth flow without refresh tokens',
    severity: 'low',
    owasp: 'API2:2023',
    cwe: 'CWE-613',
    category: 'security',
    tags: ['authentication', 'oauth', 'tokens'],
    spectral: ['owasp:api2:2023-short-lived-access-tokens'],
    detects: 'An `authorizationCode` or `password` flow of an OpenAPI 3 `oauth2` scheme without `refreshUrl` (Swagger 2.0 cannot express it and is not checked). Client-credentials flows (which get a new token instead, RFC 6749 §4.4.3) and implicit flows (which cannot refresh; see `spec-scheme-oauth-implicit`) are not flagged.',
    rationale: 'Without refresh tokens, access tokens tend to be long-lived so users are not asked to log in again: a stolen token then stays useful for a long time. Short-lived access tokens plus refresh tokens limit that window.',
    remediation: 'Issue short-lived access tokens (minutes) with refresh tokens, and document it: set `refreshUrl` on the flow (it may equal `tokenUrl`).',
    falsePositives: 'APIs whose tokens are short-lived and re-issued through a new authorization request: describe that in the scheme and switch the rule off.',
    *check(model) {
      // Swagger 2.0 has no refreshUrl: nothing to ask for.
      if (model.dialect === 'swagger-2.0') return;
      for (const s of model.securitySchemes) {
        for (const f of flowsOf(model, s)) {
          if ((f.name === 'authorizationCode' || f.name === 'password') && !f.flow.refreshUrl) yield { pointer: f.at, message: `${f.name} flow of security scheme "${s.name}" declares no refreshUrl` };
        }
      }
    },
  },
  {
    id: 'spec-scheme-url-plain-http',
    title: 'OAuth or OpenID Connect URL over plain HTTP',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 'CWE-319',
    category: 'security',
    tags: ['authentication', 'oauth', 'transport'],
    detects: 'An `authorizationUrl`, `tokenUrl` or `refreshUrl` of an OAuth 2.0 flow, or an `openIdConnectUrl`, that starts with `http://`.',
    rationale: 'Authorization codes, client secrets, tokens and the discovery document that tells clients whom to trust would cross the network in clear text, readable and modifiable by anyone on the path.',
    remediation: 'Serve the authorization server and discovery document over HTTPS only and use `https://` URLs.',
    *check(model) {
      const facts = factsOf(model);
      for (const s of model.securitySchemes) {
        for (const f of flowsOf(model, s)) {
          for (const key of ['authorizationUrl', 'tokenUrl', 'refreshUrl'] as const) {
            const url = f.flow[key];
            if (url && isPlainTransport(url)) yield { pointer: facts.field(f.fields, key), message: `${key} of security scheme "${s.name}" uses plain HTTP: ${url}` };
          }
        }
        if (s.type === 'openIdConnect' && s.openIdConnectUrl && isPlainTransport(s.openIdConnectUrl)) {
          yield { pointer: facts.field(s.pointer, 'openIdConnectUrl'), message: `openIdConnectUrl of security scheme "${s.name}" uses plain HTTP: ${s.openIdConnectUrl}` };
        }
      }
    },
  },
  {
    id: 'spec-scheme-oauth-no-scopes',
    title: 'OAuth flow without scopes',
    severity: 'low',
    owasp: 'API5:2023',
    cwe: 'CWE-285',
    category: 'security',
    tags: ['authorization', 'oauth'],
    detects: 'An OAuth 2.0 flow that declares no scopes (`scopes: {}`).',
    rationale: 'Without scopes every token grants everything the user (or client) may do: a token given to a read-only integration can also write and delete. Scopes are how least privilege is expressed in OAuth.',
    remediation: 'Declare scopes that match the API\'s functions (`orders:read`, `orders:write`, `admin`) and require the narrowest one on each operation.',
    *check(model) {
      const facts = factsOf(model);
      for (const s of model.securitySchemes) {
        for (const f of flowsOf(model, s)) if (f.flow.scopes.length === 0) yield { pointer: facts.field(f.fields, 'scopes'), message: `${f.name} flow of security scheme "${s.name}" declares no scopes` };
      }
    },
  },
  {
    id: 'spec-scheme-oauth-broad-scope',
    title: 'Wildcard or all-powerful OAuth scope',
    severity: 'low',
    owasp: 'API5:2023',
    cwe: 'CWE-250',
    category: 'security',
    tags: ['authorization', 'oauth'],
    detects: 'An OAuth 2.0 scope named `*`, ending in `:*`, `.*` or `/*`, or named like `all`, `full`, `full_access`, `root`, `superuser`.',
    rationale: 'A scope that grants everything is requested by every client "to be safe"; each token then carries full power, and one leak compromises every function of the API.',
    remediation: 'Replace the catch-all scope with scopes per resource and action, and grant administrative power through a separate, audited scope.',
    *check(model) {
      const facts = factsOf(model);
      for (const s of model.securitySchemes) {
        for (const f of flowsOf(model, s)) {
          for (const scope of f.flow.scopes) {
            if (isBroadScope(scope)) yield { pointer: facts.field(f.fields, 'scopes', scope), message: `scope "${scope}" of security scheme "${s.name}" grants everything` };
          }
        }
      }
    },
  },
  {
    id: 'spec-scheme-jwt-rfc8725',
    title: 'JWT scheme does not state RFC 8725 practices',
    severity: 'low',
    owasp: 'API2:2023',
    cwe: 'CWE-347',
    category: 'security',
    tags: ['authentication', 'jwt'],
    spectral: ['owasp:api2:2023-jwt-best-practices'],
    detects: 'An `oauth2` or `openIdConnect` scheme, or a scheme with `bearerFormat` containing `JWT`, whose `description` is missing or does not mention RFC 8725 (`RFC8725` or `RFC 8725`, any case).',
    rationale: 'JWT validation has well-known pitfalls (accepting `alg: none`, algorithm confusion between RS256 and HS256, missing audience and expiry checks). RFC 8725, JSON Web Token Best Current Practices, lists them; stating conformance tells implementers and testers what is required.',
    remediation: 'Validate tokens as RFC 8725 describes (explicit algorithm allow-list, `iss`/`aud`/`exp` checks, key bound to the issuer) and say so in the scheme\'s `description`, e.g. "Tokens are JWS conforming to RFC 8725".',
    *check(model) {
      const facts = factsOf(model);
      for (const s of model.securitySchemes) {
        if (!isJwtScheme(s)) continue;
        const d = (s.description ?? '').toLowerCase();
        if (d.includes('rfc8725') || d.includes('rfc 8725')) continue;
        yield { pointer: facts.field(s.pointer, 'description'), message: `security scheme "${s.name}" carries JWTs but its description does not state RFC 8725 conformance` };
      }
    },
  },
  {
    id: 'spec-scheme-bearer-no-format',
    title: 'Bearer scheme without bearerFormat',
    severity: 'low',
    owasp: 'API2:2023',
    cwe: 'CWE-1059',
    category: 'security',
    tags: ['authentication', 'security-scheme', 'documentation'],
    detects: 'A security scheme of type `http` with `scheme: bearer` and no `bearerFormat`.',
    rationale: 'Without the token format, gateways, testers and client developers cannot tell whether tokens are JWTs to validate locally or opaque tokens to introspect, and token validation is easily left out.',
    remediation: 'Set `bearerFormat` (`JWT`, or e.g. `opaque`) and describe how tokens are issued and validated.',
    *check(model) {
      const facts = factsOf(model);
      for (const s of model.securitySchemes) {
        if (s.type === 'http' && s.scheme === 'bearer' && !s.bearerFormat) yield { pointer: facts.field(s.pointer, 'scheme'), message: `bearer scheme "${s.name}" does not declare bearerFormat` };
      }
    },
  },
  {
    id: 'spec-scheme-incomplete',
    title: 'Incomplete security scheme',
    severity: 'medium',
    owasp: 'API2:2023',
    cwe: 'CWE-287',
    category: 'security',
    tags: ['authentication', 'security-scheme'],
    detects: 'A security scheme missing what its type requires: `apiKey` without `name` or `in`; `http` without `scheme`; `oauth2` without flows, or a flow without its `authorizationUrl`/`tokenUrl`; `openIdConnect` without `openIdConnectUrl`; or an unknown `type`.',
    rationale: 'Gateways and generated clients cannot enforce or use a scheme they cannot read: the operations it "protects" may be deployed without the check, and testers cannot obtain credentials to test them.',
    remediation: 'Complete the scheme as the OpenAPI specification requires for its type.',
    *check(model) {
      for (const s of model.securitySchemes) {
        const missing: string[] = [];
        if (s.type === 'apiKey') {
          if (!s.paramName) missing.push('name');
          if (!s.in) missing.push('in');
        } else if (s.type === 'http') {
          if (!s.scheme) missing.push('scheme');
        } else if (s.type === 'oauth2') {
          const flows = Object.entries(s.flows);
          if (flows.length === 0) missing.push('flows');
          for (const [name, flow] of flows) {
            if ((name === 'implicit' || name === 'authorizationCode') && !flow?.authorizationUrl) missing.push(`${name}.authorizationUrl`);
            if (name !== 'implicit' && !flow?.tokenUrl) missing.push(`${name}.tokenUrl`);
          }
        } else if (s.type === 'openIdConnect') {
          if (!s.openIdConnectUrl) missing.push('openIdConnectUrl');
        } else if (s.type === 'unknown') {
          missing.push('a known type');
        }
        if (missing.length) yield { pointer: s.pointer, message: `security scheme "${s.name}" lacks ${missing.join(', ')}` };
      }
    },
  },
  {
    id: 'spec-scheme-unused',
    title: 'Security scheme never used',
    severity: 'info',
    owasp: 'API9:2023',
    cwe: 'CWE-1164',
    category: 'data-validation',
    tags: ['security-scheme', 'inventory'],
    detects: 'A security scheme that no `security` requirement (document, operation or webhook) refers to.',
    rationale: 'A declared but unused scheme suggests operations that were meant to be protected and are not, or a leftover authentication method that still works at the gateway but is no longer documented or reviewed.',
    remediation: 'Reference the scheme from the operations it protects, or remove it (and its configuration at the gateway).',
    *check(model) {
      const used = referencedSchemes(model);
      for (const s of model.securitySchemes) if (!used.has(s.name)) yield { pointer: s.pointer, message: `security scheme "${s.name}" is not used by any operation` };
    },
  },
  {
    id: 'spec-scheme-none-defined',
    title: 'No security scheme defined',
    severity: 'medium',
    owasp: 'API2:2023',
    cwe: 'CWE-306',
    category: 'security',
    tags: ['authentication'],
    detects: 'A document with at least one operation and no security scheme at all (`components/securitySchemes` or `securityDefinitions` missing or empty).',
    rationale: 'Either the API has no authentication, or its authentication is not described: then gateways cannot enforce it from the spec and testers and consumers cannot see what protects which operation.',
    remediation: 'Declare the authentication the API uses as security schemes and reference them from a global `security` default and the operations.',
    falsePositives: 'Specs of deliberately public APIs (open data): switch the rule off for them.',
    *check(model): Iterable<RuleHit> {
      if (model.operations.length === 0 || model.securitySchemes.length > 0) return;
      const facts = factsOf(model);
      const pointer = model.dialect === 'swagger-2.0' ? facts.field('', 'securityDefinitions') : facts.field('', 'components', 'securitySchemes');
      yield { pointer, message: `${model.operations.length} operation(s) and no security scheme defined` };
    },
  },
];
