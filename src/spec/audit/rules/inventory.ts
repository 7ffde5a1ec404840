import type { SpecModel, SpecOperation } from '../../model.js';
import { factsOf } from '../facts.js';
import { RULE_PATTERNS } from './patterns.js';
import { compact, hasHeader, isTemplateSegment, opLabel, pathSegments, type AuditRule } from './kit.js';

/**
 * Inventory hygiene (OWASP API9): whether the description identifies the API, its owner, its versions
 * and the operations that should not be there any more (or at all).
 */

/** `v1`, `v2`, `v1.1`, `V3`: a version path segment, as a comparable list of numbers. */
function versionOf(seg: string): number[] | null {
  if (seg.length < 2 || (seg[0] !== 'v' && seg[0] !== 'V')) return null;
  const parts = seg.slice(1).split('.');
  if (!parts.every((p) => p.length > 0 && p.length <= 6 && [...p].every((c) => c >= '0' && c <= '9'))) return null;
  return parts.map(Number);
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const RETIREMENT_EXTENSION_WORDS = ['sunset', 'removal', 'retire', 'deprecat', 'eol', 'endoflife'];

/** The operation says when it goes away: a sunset/removal extension, a `Sunset`/`Deprecation` header, or a date in its description. */
function announcesRetirement(op: SpecOperation): boolean {
  if (Object.keys(op.extensions).some((k) => RETIREMENT_EXTENSION_WORDS.some((w) => compact(k).includes(w)))) return true;
  if (op.responses.some((r) => hasHeader(r, 'sunset') || hasHeader(r, 'deprecation'))) return true;
  const text = `${op.summary ?? ''} ${op.description ?? ''}`.toLowerCase();
  return text.includes('sunset') || RULE_PATTERNS.isoDate.test(text);
}

const INTERNAL_SEGMENTS = new Set(['internal', 'private', 'hidden', 'test', 'testing', 'dev']);

function internalReason(op: SpecOperation): string | null {
  if (op.extensions['x-internal'] === true) return 'x-internal: true';
  const seg = pathSegments(op.path).find((s) => !isTemplateSegment(s) && INTERNAL_SEGMENTS.has(compact(s)));
  return seg ? `path segment "${seg}"` : null;
}

/** At least one server of the operation is not marked `x-internal: true`: the description is (also) for outsiders. */
function servedPublicly(model: SpecModel, op: SpecOperation): boolean {
  const at = factsOf(model).at;
  if (op.servers.length === 0) return true;
  return op.servers.some((s) => at(`${s.pointer}/x-internal`) !== true);
}

export const INVENTORY_RULES: readonly AuditRule[] = [
  {
    id: 'spec-inventory-version-missing',
    title: 'API version not stated',
    severity: 'low',
    owasp: 'API9:2023',
    cwe: 'CWE-1059',
    category: 'data-validation',
    tags: ['inventory'],
    detects: '`info.version` missing, empty or blank.',
    rationale: 'Without a version, an inventory cannot tell which release of the API a description belongs to, which deployments run outdated versions, or which findings apply to what is in production.',
    remediation: 'Set `info.version` to the version of the API (not of the OpenAPI format), and change it with every release.',
    *check(model) {
      if ((model.info.version ?? '').trim() === '') yield { pointer: factsOf(model).field('', 'info', 'version'), message: 'the description does not state the API version' };
    },
  },
  {
    id: 'spec-inventory-contact-missing',
    title: 'No owner contact',
    severity: 'low',
    owasp: 'API9:2023',
    cwe: 'CWE-1059',
    category: 'data-validation',
    tags: ['inventory'],
    detects: '`info.contact` missing, or with neither `email` nor `url`.',
    rationale: 'An API without a known owner is how shadow and zombie APIs happen: nobody patches it, retires it or answers a security report about it.',
    remediation: 'Add `info.contact` with the owning team\'s e-mail or URL.',
    *check(model) {
      const c = model.info.contact;
      if (!c || (!c.email && !c.url)) yield { pointer: factsOf(model).field('', 'info', 'contact'), message: c ? 'info.contact has no email or url' : 'the description names no contact for the API' };
    },
  },
  {
    id: 'spec-inventory-deprecated-no-sunset',
    title: 'Deprecated operation without retirement date',
    severity: 'low',
    owasp: 'API9:2023',
    cwe: 'CWE-477',
    category: 'security',
    tags: ['inventory', 'deprecation'],
    detects: 'An operation with `deprecated: true` that does not say when it goes away: no extension about sunset/removal/retirement (`x-sunset`, `x-removal-date`…), no `Sunset` or `Deprecation` response header, and no "sunset" or ISO date (`2026-06-30`) in its summary or description.',
    rationale: 'Deprecated operations without a retirement plan stay in production for years, unmaintained and outside reviews, while still reachable: old versions are where old vulnerabilities live.',
    remediation: 'Announce a retirement date (an `x-sunset` extension and the `Sunset` header, RFC 8594), monitor remaining use, and remove the operation on that date.',
    *check(model) {
      for (const op of model.operations) {
        if (op.deprecated && !announcesRetirement(op)) yield { pointer: factsOf(model).field(op.pointer, 'deprecated'), message: `deprecated operation ${opLabel(op)} has no retirement date` };
      }
    },
  },
  {
    id: 'spec-inventory-multiple-versions',
    title: 'Older API version still served',
    severity: 'low',
    owasp: 'API9:2023',
    cwe: 'CWE-1059',
    category: 'security',
    tags: ['inventory', 'versioning'],
    detects: 'Paths under two or more version segments (`/v1/…` and `/v2/…`). One finding per older version, at its first operation.',
    rationale: 'Older versions kept next to new ones usually lag behind in fixes and controls (rate limits, authorization checks), and attackers target them precisely for that.',
    remediation: 'Retire older versions on a published schedule; until then, give them the same security controls and mark their operations `deprecated` with a sunset date.',
    *check(model) {
      const byVersion = new Map<string, { version: number[]; ops: SpecOperation[] }>();
      for (const op of model.operations) {
        const seg = pathSegments(op.path).find((s) => versionOf(s) !== null);
        if (!seg) continue;
        const key = seg.toLowerCase();
        const entry = byVersion.get(key) ?? { version: versionOf(seg)!, ops: [] };
        entry.ops.push(op);
        byVersion.set(key, entry);
      }
      if (byVersion.size < 2) return;
      const sorted = [...byVersion.entries()].sort((a, b) => compareVersions(a[1].version, b[1].version));
      const latest = sorted[sorted.length - 1]![0];
      for (const [key, { ops }] of sorted.slice(0, -1)) {
        yield { pointer: ops[0]!.pointer, message: `${ops.length} operation(s) still served under ${key} next to ${latest}` };
      }
    },
  },
  {
    id: 'spec-inventory-operation-id-missing',
    title: 'Operation without operationId',
    severity: 'info',
    owasp: 'API9:2023',
    cwe: 'CWE-1059',
    category: 'data-validation',
    tags: ['inventory', 'documentation'],
    detects: 'An operation without `operationId`.',
    rationale: 'The operationId is the stable name that gateways, SDKs, monitoring and security findings use to refer to an operation; without it, tracking an operation across versions and tools relies on its path, which changes.',
    remediation: 'Give every operation a unique, stable `operationId`.',
    *check(model) {
      for (const op of model.operations) if (!op.operationId) yield { pointer: op.pointer, message: `${opLabel(op)} has no operationId` };
    },
  },
  {
    id: 'spec-inventory-operation-id-duplicate',
    title: 'Duplicate operationId',
    severity: 'low',
    owasp: 'API9:2023',
    cwe: 'CWE-694',
    category: 'data-validation',
    tags: ['inventory', 'documentation'],
    detects: 'Two or more operations with the same `operationId` (the finding is on each of them).',
    rationale: 'Code generators, gateways and routers key handlers and policies by operationId: with duplicates, one operation silently gets the other\'s handler, rate limit or authorization policy.',
    remediation: 'Make every `operationId` unique.',
    *check(model) {
      const byId = new Map<string, SpecOperation[]>();
      for (const op of model.operations) if (op.operationId) byId.set(op.operationId, [...(byId.get(op.operationId) ?? []), op]);
      for (const [id, ops] of byId) {
        if (ops.length < 2) continue;
        for (const op of ops) yield { pointer: factsOf(model).field(op.pointer, 'operationId'), message: `operationId "${id}" is used by ${ops.length} operations` };
      }
    },
  },
  {
    id: 'spec-inventory-internal-operation',
    title: 'Internal operation in a public description',
    severity: 'medium',
    owasp: 'API9:2023',
    cwe: 'CWE-668',
    category: 'security',
    tags: ['inventory', 'exposure'],
    detects: 'An operation marked `x-internal: true`, or on a path with a segment `internal`, `private`, `hidden`, `test`, `testing` or `dev`, served by at least one server not marked `x-internal: true` (or by no declared server).',
    rationale: 'Internal and test operations published with the public API are reachable by outsiders and rarely get the scrutiny of public ones: weaker authentication, verbose errors, unvalidated input.',
    remediation: 'Move internal operations to a separate description and deployment (or network), or strip them from the public description and block them at the gateway.',
    *check(model) {
      for (const op of model.operations) {
        const reason = internalReason(op);
        if (reason && servedPublicly(model, op)) yield { pointer: op.pointer, message: `${opLabel(op)} is internal (${reason}) but published with public servers` };
      }
    },
  },
  {
    id: 'spec-inventory-legacy-format',
    title: 'Swagger 2.0 description',
    severity: 'info',
    owasp: 'API9:2023',
    cwe: 'CWE-477',
    category: 'data-validation',
    tags: ['inventory'],
    detects: 'A Swagger 2.0 document (`swagger: "2.0"`).',
    rationale: 'Swagger 2.0 cannot describe bearer tokens, OpenID Connect, cookie API keys, several servers or `oneOf`: the security actually in place is described approximately or not at all, and current tooling supports it less and less.',
    remediation: 'Convert the description to OpenAPI 3.1 (e.g. with swagger2openapi) and describe the authentication precisely.',
    *check(model) {
      if (model.dialect === 'swagger-2.0') yield { pointer: factsOf(model).field('', 'swagger'), message: 'the description uses Swagger 2.0' };
    },
  },
];
