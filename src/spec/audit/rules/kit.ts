import type { SchemaNode, SpecOperation, SpecResponse } from '../../model.js';
import type { SpecRule } from '../rule.js';
import { RULE_PATTERNS } from './patterns.js';

/**
 * What the built-in rules are written as: the shared `SpecRule` record plus the text its docs page is
 * generated from (`docs.ts`). Registered as plain `SpecRule`s; the extra fields are for docs only.
 */
export interface AuditRule extends SpecRule {
  /** Exactly what in the document makes the rule fire: the "What triggers it" section of its docs page. */
  detects: string;
  /** Known false positives and how to tell them apart, when there are any worth a reader's time. */
  falsePositives?: string;
}

export const WRITE_METHODS: ReadonlySet<string> = new Set(['post', 'put', 'patch', 'delete']);
export const READ_METHODS: ReadonlySet<string> = new Set(['get', 'head']);

/** `GET /users/{id}`: how messages name an operation. */
export const opLabel = (op: SpecOperation) => `${op.method.toUpperCase()} ${op.path}`;

/**
 * Where an operation's security is written: its own `security` list (`/paths/…/get/security/0`), else the
 * operation itself (a document-level default applies to every operation, and each needs its own finding).
 */
export function securityPointer(op: SpecOperation, index?: number): string {
  if (op.securitySource !== 'operation') return op.pointer;
  return index === undefined ? `${op.pointer}/security` : `${op.pointer}/security/${index}`;
}

/**
 * Where one alternative of an operation's security is written. A document-level requirement is one place
 * (`/security/0`) whatever the number of operations it applies to: one finding, not one per operation.
 */
export function requirementPointer(op: SpecOperation, index: number): string {
  if (op.securitySource === 'document') return `/security/${index}`;
  return `${op.pointer}/security/${index}`;
}

/** An empty requirement `{}` among the alternatives: credentials are optional. */
export const hasAnonymousAlternative = (op: SpecOperation) => op.security.some((r) => Object.keys(r).length === 0);

/** Whether the operation documents `code` (`401`) exactly or through its range (`4XX`). */
export function hasStatus(op: SpecOperation, code: string): boolean {
  const range = `${code[0]}XX`;
  return op.responses.some((r) => r.status === code || r.status.toUpperCase() === range);
}

export const statusClass = (status: string) => status[0] ?? '';

/** Header lookup, case-insensitive as HTTP headers are. */
export const hasHeader = (r: SpecResponse, name: string) => r.headers.some((h) => h.name.toLowerCase() === name.toLowerCase());

/**
 * Words of an identifier, lower-cased: `X-API-Key` -> `x api key`, `userId` -> `user id`, `per_page` -> `per page`.
 * A hand-written scan (no regex): linear on any input.
 */
export function words(name: string): string[] {
  const out: string[] = [];
  let start = -1;
  const kind = (code: number) => (code >= 65 && code <= 90 ? 1 : (code >= 97 && code <= 122) || (code >= 48 && code <= 57) ? 2 : 0);
  for (let i = 0; i <= name.length; i++) {
    const k = i < name.length ? kind(name.charCodeAt(i)) : 0;
    if (k === 0) {
      if (start >= 0) out.push(name.slice(start, i).toLowerCase());
      start = -1;
      continue;
    }
    if (start < 0) {
      start = i;
      continue;
    }
    // camelCase boundary (`userId`), or the end of an acronym (`APIKey` -> `API`, `Key`).
    const prev = kind(name.charCodeAt(i - 1));
    const next = i + 1 < name.length ? name.charCodeAt(i + 1) : 0;
    if (k === 1 && (prev === 2 || (prev === 1 && next >= 97 && next <= 122))) {
      out.push(name.slice(start, i).toLowerCase());
      start = i;
    }
  }
  return out;
}

/** Lower-cased letters and digits only: `api-key`, `apiKey`, `API_KEY` -> `apikey`. */
export function compact(name: string): string {
  return name.toLowerCase().replace(RULE_PATTERNS.notAlnum, '');
}

/**
 * A name matcher: whole words (`ssn` matches `user_ssn`, not `classname`), or compact substrings / suffixes
 * for multi-word terms (`dateofbirth` matches `dateOfBirth` and `date_of_birth`).
 */
export interface NameMatcher {
  words?: readonly string[];
  contains?: readonly string[];
  endsWith?: readonly string[];
  exact?: readonly string[];
  /** Compact substrings that veto a match (`pagetoken` is a cursor, not a credential). */
  unless?: readonly string[];
}

export function matchesName(name: string, m: NameMatcher): boolean {
  const c = compact(name);
  if (!c) return false;
  if (m.unless?.some((u) => c.includes(u))) return false;
  if (m.exact?.includes(c)) return true;
  if (m.contains?.some((s) => c.includes(s))) return true;
  if (m.endsWith?.some((s) => c.endsWith(s))) return true;
  if (m.words) {
    const ws = words(name);
    if (m.words.some((w) => ws.includes(w))) return true;
  }
  return false;
}

/** The schema's `type` includes `t`. */
export const isType = (s: SchemaNode, t: string) => s.types.includes(t);
/** `enum` or `const`: the value is one of a known set, which bounds and restricts it. */
export const isEnumerated = (s: SchemaNode) => Array.isArray(s.raw.enum) || s.raw.const !== undefined;
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Segments of a path template, without the empty first one: `/v1/users/{id}` -> `v1`, `users`, `{id}`. */
export const pathSegments = (path: string) => path.split('/').filter((s) => s.length > 0);
export const isTemplateSegment = (s: string) => s.startsWith('{') && s.endsWith('}');


/** The first of `fields` written directly under `base` (`scheme`, else Swagger 2.0's `type`), else `base`. */
export function firstField(at: (pointer: string) => unknown, base: string, fields: readonly string[]): string {
  for (const f of fields) {
    const p = `${base}/${f}`;
    if (at(p) !== undefined) return p;
  }
  return base;
}

/** `http://…` or `ws://…` (any case): a URL without TLS. */
export function isPlainTransport(url: string): boolean {
  const u = url.trimStart().slice(0, 8).toLowerCase();
  return u.startsWith('http://') || u.startsWith('ws://');
}
