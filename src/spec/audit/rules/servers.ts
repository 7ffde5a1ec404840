import { pointerSegment, type SpecModel, type SpecOperation, type SpecServer } from '../../model.js';
import { RULE_PATTERNS } from './patterns.js';
import { factsOf } from '../facts.js';
import { isPlainTransport, opLabel, words, type AuditRule } from './kit.js';

/**
 * Transport and servers: where the API is served, over what, and whether the description says which
 * environment and audience each server is for.
 */

/** Every distinct server (document, path and operation level), by pointer, in document order of first use. */
function distinctServers(model: SpecModel): SpecServer[] {
  const out = new Map<string, SpecServer>();
  for (const s of model.servers) out.set(s.pointer, s);
  for (const op of model.operations) for (const s of op.servers) if (!out.has(s.pointer)) out.set(s.pointer, s);
  return [...out.values()];
}

/** OpenAPI 3 `servers` entries (Swagger 2.0 has `host`/`schemes`, handled by `spec-server-scheme-http`). */
const serverObjects = (model: SpecModel) => (model.dialect === 'swagger-2.0' ? [] : distinctServers(model));

/** Swagger 2.0 `schemes` that apply to an operation: its own, else the document's. */
function swaggerSchemes(model: SpecModel, op: SpecOperation | null): { pointer: string; schemes: unknown[] } | null {
  const at = factsOf(model).at;
  const own = op ? at(`${op.pointer}/schemes`) : undefined;
  if (Array.isArray(own)) return { pointer: `${op!.pointer}/schemes`, schemes: own };
  const global = at('/schemes');
  return Array.isArray(global) ? { pointer: '/schemes', schemes: global } : null;
}

const isPlainScheme = (s: unknown) => typeof s === 'string' && (s.toLowerCase() === 'http' || s.toLowerCase() === 'ws');

/** Host part of a server URL, lower-cased, or null when relative or templated. */
export function serverHost(url: string): string | null {
  const i = url.indexOf('://');
  if (i < 0) return null;
  let rest = url.slice(i + 3);
  const end = [...'/?#'].map((c) => rest.indexOf(c)).filter((n) => n >= 0);
  if (end.length) rest = rest.slice(0, Math.min(...end));
  const at = rest.lastIndexOf('@');
  if (at >= 0) rest = rest.slice(at + 1);
  if (rest.startsWith('[')) return rest.slice(0, rest.indexOf(']') + 1).toLowerCase() || null;
  const colon = rest.indexOf(':');
  const host = (colon >= 0 ? rest.slice(0, colon) : rest).toLowerCase();
  return host && !host.includes('{') ? host : null;
}

/** User info (`user:password@`) written in a server URL. */
function hasUserInfo(url: string): boolean {
  const i = url.indexOf('://');
  if (i < 0) return false;
  const rest = url.slice(i + 3);
  const end = [...'/?#'].map((c) => rest.indexOf(c)).filter((n) => n >= 0);
  const authority = end.length ? rest.slice(0, Math.min(...end)) : rest;
  return authority.includes('@');
}

function ipv4(host: string): number[] | null {
  const parts = host.split('.');
  if (parts.length !== 4) return null;
  const nums = parts.map((p) => (RULE_PATTERNS.octet.test(p) ? Number(p) : NaN));
  return nums.every((n) => n >= 0 && n <= 255) ? nums : null;
}

const INTERNAL_SUFFIXES = ['.local', '.internal', '.corp', '.lan', '.intranet', '.localdomain', '.home.arpa'];

/** Why a host is internal (loopback, private range, internal domain), or null. */
export function internalHostReason(host: string): string | null {
  if (host === 'localhost' || host.endsWith('.localhost')) return 'a loopback host';
  if (host === '[::1]') return 'a loopback address';
  if (host.startsWith('[fd') || host.startsWith('[fc') || host.startsWith('[fe80')) return 'a private IPv6 address';
  const ip = ipv4(host);
  if (ip) {
    const [a, b] = ip as [number, number, number, number];
    if (a === 127) return 'a loopback address';
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'a private network address';
    if (a === 169 && b === 254) return 'a link-local address';
    return null;
  }
  const suffix = INTERNAL_SUFFIXES.find((s) => host.endsWith(s));
  return suffix ? `an internal domain (${suffix})` : null;
}

/** Spectral's environment vocabulary (matched anywhere in the description, any case). */
const ENVIRONMENT_TERMS = ['local', 'sandbox', 'alpha', 'beta', 'test', 'stag', 'prod', 'next', 'preprod', 'preproduction', 'development', 'dev', 'qa', 'uat', 'live'];
const NON_PRODUCTION_WORDS = new Set(['dev', 'development', 'test', 'testing', 'staging', 'stage', 'stg', 'qa', 'uat', 'preprod', 'preproduction', 'integration', 'int', 'debug']);

function nonProductionWord(s: SpecServer): string | null {
  const host = serverHost(s.url) ?? '';
  for (const w of [...words(s.description ?? ''), ...words(host)]) if (NON_PRODUCTION_WORDS.has(w)) return w;
  return null;
}

export const SERVER_RULES: readonly AuditRule[] = [
  {
    id: 'spec-server-http',
    title: 'Server over plain HTTP',
    severity: 'high',
    owasp: 'API8:2023',
    cwe: 'CWE-319',
    category: 'security',
    tags: ['transport', 'server'],
    spectral: ['owasp:api8:2023-no-server-http'],
    detects: 'A `servers` entry (document, path or operation level) whose `url` starts with `http://` or `ws://`. The finding points at the `url`.',
    rationale: 'Without TLS, credentials, tokens and personal data cross the network in clear text, and anyone on the path can read or change requests and responses.',
    remediation: 'Serve the API over HTTPS (or WSS) only, redirect or refuse plain HTTP, send HSTS, and change the server URL to `https://`.',
    falsePositives: '`http://localhost` servers for local development: keep them out of the published description, or accept the finding for that entry.',
    *check(model) {
      const facts = factsOf(model);
      for (const s of serverObjects(model)) if (isPlainTransport(s.url)) yield { pointer: facts.field(s.pointer, 'url'), message: `server ${s.url} does not use TLS` };
    },
  },
  {
    id: 'spec-server-scheme-http',
    title: 'Swagger 2.0 scheme http',
    severity: 'high',
    owasp: 'API8:2023',
    cwe: 'CWE-319',
    category: 'security',
    tags: ['transport', 'server'],
    spectral: ['owasp:api8:2023-no-scheme-http'],
    detects: 'In a Swagger 2.0 document, `http` or `ws` among the `schemes` (top level or of an operation). The finding points at the scheme entry.',
    rationale: 'Without TLS, credentials, tokens and personal data cross the network in clear text, and anyone on the path can read or change requests and responses.',
    remediation: 'List only `https` (or `wss`) in `schemes` and serve the API over TLS only.',
    *check(model) {
      if (model.dialect !== 'swagger-2.0') return;
      const lists = [swaggerSchemes(model, null), ...model.operations.map((op) => swaggerSchemes(model, op))];
      const seen = new Set<string>();
      for (const list of lists) {
        if (!list || seen.has(list.pointer)) continue;
        seen.add(list.pointer);
        for (const [i, s] of list.schemes.entries()) if (isPlainScheme(s)) yield { pointer: `${list.pointer}/${i}`, message: `scheme "${String(s)}" serves the API without TLS` };
      }
    },
  },
  {
    id: 'spec-server-credentials-over-http',
    title: 'Credentials sent to a plain-HTTP server',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 'CWE-319',
    category: 'security',
    tags: ['transport', 'authentication', 'credentials'],
    detects: 'An operation that requires credentials (a non-empty security requirement) and is served by at least one server whose URL starts with `http://`/`ws://` (Swagger 2.0: an `http`/`ws` scheme).',
    rationale: 'Clients following the description send passwords, API keys or tokens in clear text to this server, where anyone on the network path can capture and replay them.',
    remediation: 'Remove plain-HTTP servers from operations that take credentials, serve them over HTTPS only, and rotate any credential that was sent over HTTP.',
    *check(model) {
      for (const op of model.operations) {
        if (!op.security.some((r) => Object.keys(r).length > 0)) continue;
        let plain: string | null = null;
        if (model.dialect === 'swagger-2.0') {
          const s = swaggerSchemes(model, op)?.schemes.find(isPlainScheme);
          if (s !== undefined) plain = `${String(s)} scheme`;
        } else {
          const s = op.servers.find((x) => isPlainTransport(x.url));
          if (s) plain = s.url;
        }
        if (plain) yield { pointer: op.pointer, message: `${opLabel(op)} takes credentials and is served over ${plain}` };
      }
    },
  },
  {
    id: 'spec-server-missing',
    title: 'No server declared',
    severity: 'low',
    owasp: 'API9:2023',
    cwe: 'CWE-1059',
    category: 'data-validation',
    tags: ['inventory', 'server'],
    detects: 'A document with operations and no server: no `servers` anywhere (OpenAPI 3), or no `host` (Swagger 2.0).',
    rationale: 'An API inventory must say where each API runs; without servers, nobody can tell which hosts expose it, which environment a scan targets, or whether a host found in traffic is documented.',
    remediation: 'List the servers the API is deployed on, with a description naming each environment.',
    *check(model) {
      if (model.operations.length === 0) return;
      if (model.dialect === 'swagger-2.0') {
        if (typeof factsOf(model).at('/host') !== 'string') yield { pointer: '', message: 'the document declares no host' };
        return;
      }
      if (model.servers.length === 0 && model.operations.every((op) => op.servers.length === 0)) yield { pointer: '', message: 'the document declares no server' };
    },
  },
  {
    id: 'spec-server-internal-address',
    title: 'Internal address in a server URL',
    severity: 'low',
    owasp: 'API9:2023',
    cwe: 'CWE-200',
    category: 'security',
    tags: ['inventory', 'server', 'information-disclosure'],
    detects: 'A server URL (Swagger 2.0: `host`) whose host is loopback (`localhost`, `127.0.0.0/8`, `::1`), a private or link-local address (`10/8`, `172.16/12`, `192.168/16`, `169.254/16`, `fc00::/7`), or an internal domain (`.local`, `.internal`, `.corp`, `.lan`, `.intranet`).',
    rationale: 'A published description that names internal hosts maps the internal network for an attacker and shows that internal deployments exist, which are rarely as hardened as the public one.',
    remediation: 'Publish only public server URLs; keep internal and local servers in a separate, internal description or in environment-specific configuration.',
    *check(model) {
      const facts = factsOf(model);
      if (model.dialect === 'swagger-2.0') {
        const host = facts.at('/host');
        const reason = typeof host === 'string' ? internalHostReason(host.toLowerCase().split(':')[0]!) : null;
        if (reason) yield { pointer: '/host', message: `host ${String(host)} is ${reason}` };
        return;
      }
      for (const s of serverObjects(model)) {
        const host = serverHost(s.url);
        const reason = host ? internalHostReason(host) : null;
        if (reason) yield { pointer: facts.field(s.pointer, 'url'), message: `server ${s.url} is ${reason}` };
      }
    },
  },
  {
    id: 'spec-server-url-credentials',
    title: 'Credentials in a server URL',
    severity: 'critical',
    owasp: 'API2:2023',
    cwe: 'CWE-798',
    category: 'security',
    tags: ['credentials', 'server'],
    detects: 'A server URL with user information in its authority (`https://user:password@host/…`).',
    rationale: 'The credential is published with the description, copied into generated clients, documentation portals and logs, and cannot be rotated without changing every copy.',
    remediation: 'Remove the credential from the URL, rotate it now, and describe authentication with a security scheme.',
    *check(model) {
      const facts = factsOf(model);
      for (const s of serverObjects(model)) if (hasUserInfo(s.url)) yield { pointer: facts.field(s.pointer, 'url'), message: 'server URL embeds credentials (user information before @)' };
    },
  },
  {
    id: 'spec-server-variable-unbounded',
    title: 'Server variable without enum',
    severity: 'low',
    owasp: 'API9:2023',
    cwe: 'CWE-1059',
    category: 'data-validation',
    tags: ['inventory', 'server'],
    detects: 'A server variable (`servers[*].variables.<name>`) used in the host part of the URL with no `enum`.',
    rationale: 'A free host variable means the description does not say which hosts serve the API: the inventory cannot be checked against traffic, and consoles built from the description send credentials to whatever host a user types.',
    remediation: 'List the allowed values of the variable in `enum` (one per deployment or region).',
    *check(model) {
      const facts = factsOf(model);
      for (const s of serverObjects(model)) {
        const vars = facts.at(`${s.pointer}/variables`);
        if (!vars || typeof vars !== 'object') continue;
        const i = s.url.indexOf('://');
        const authority = i >= 0 ? s.url.slice(i + 3).split('/')[0]! : i === -1 && s.url.startsWith('{') ? s.url.split('/')[0]! : '';
        for (const [name, def] of Object.entries(vars as Record<string, unknown>)) {
          if (!authority.includes(`{${name}}`)) continue;
          const e = def && typeof def === 'object' ? (def as Record<string, unknown>).enum : undefined;
          if (!Array.isArray(e) || e.length === 0) yield { pointer: `${s.pointer}/variables/${pointerSegment(name)}`, message: `server variable "${name}" may be any host` };
        }
      }
    },
  },
  {
    id: 'spec-server-environment-undeclared',
    title: 'Server environment not declared',
    severity: 'low',
    owasp: 'API9:2023',
    cwe: 'CWE-1059',
    category: 'data-validation',
    tags: ['inventory', 'server'],
    spectral: ['owasp:api9:2023-inventory-environment'],
    detects: 'A `servers` entry whose `description` does not name an environment (`production`, `prod`, `staging`, `test`, `sandbox`, `local`, `dev`, `beta`, `live`…, anywhere in the text, any case) and that has no `x-environment`.',
    rationale: 'Without the environment, readers cannot tell production from test servers: test data gets exposed, or a production-like staging host with weaker security is used and attacked.',
    remediation: 'Name the environment in each server\'s `description` ("Production", "Staging") or set `x-environment`.',
    *check(model) {
      const facts = factsOf(model);
      for (const s of serverObjects(model)) {
        const d = (s.description ?? '').toLowerCase();
        if (ENVIRONMENT_TERMS.some((t) => d.includes(t)) || facts.at(`${s.pointer}/x-environment`) !== undefined) continue;
        yield { pointer: facts.field(s.pointer, 'description'), message: `server ${s.url} does not say which environment it is` };
      }
    },
  },
  {
    id: 'spec-server-audience-undeclared',
    title: 'Server audience not declared',
    severity: 'low',
    owasp: 'API9:2023',
    cwe: 'CWE-1059',
    category: 'data-validation',
    tags: ['inventory', 'server'],
    spectral: ['owasp:api9:2023-inventory-access'],
    detects: 'A `servers` entry without the `x-internal` extension (`true` for internal servers, `false` for public ones).',
    rationale: 'Whether a server is meant for the public or for internal consumers decides how it must be protected and monitored; undeclared, internal servers end up published and public ones unreviewed.',
    remediation: 'Add `x-internal: true` or `x-internal: false` to every server.',
    *check(model) {
      const facts = factsOf(model);
      for (const s of serverObjects(model)) if (facts.at(`${s.pointer}/x-internal`) === undefined) yield { pointer: s.pointer, message: `server ${s.url} does not declare x-internal` };
    },
  },
  {
    id: 'spec-server-nonproduction-exposed',
    title: 'Non-production server in the description',
    severity: 'low',
    owasp: 'API9:2023',
    cwe: 'CWE-668',
    category: 'security',
    tags: ['inventory', 'server'],
    detects: 'Among two or more servers, one whose description or host names a non-production environment (`dev`, `development`, `test`, `staging`, `stg`, `qa`, `uat`, `preprod`, `integration`) and that is not marked `x-internal: true`.',
    rationale: 'Development and staging deployments are usually less hardened (debug modes, test accounts, weaker rate limits) yet often share production data or credentials; publishing them hands attackers the soft way in.',
    remediation: 'Remove non-production servers from the published description, or mark them `x-internal: true` and restrict access to them.',
    falsePositives: 'Public sandboxes meant for integrators (they are not flagged when described as `sandbox`).',
    *check(model) {
      const facts = factsOf(model);
      const servers = serverObjects(model);
      if (servers.length < 2) return;
      for (const s of servers) {
        if (facts.at(`${s.pointer}/x-internal`) === true) continue;
        const w = nonProductionWord(s);
        if (w) yield { pointer: s.pointer, message: `server ${s.url} is a non-production environment (${w}) published with the others` };
      }
    },
  },
];
