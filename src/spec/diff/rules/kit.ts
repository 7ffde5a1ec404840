import { factsOf } from '../../audit/facts.js';
import type { SecurityRequirement, SpecModel, SpecOperation, SpecSecurityScheme } from '../../model.js';
import type { DiffContext, OperationPair } from '../context.js';
import { placeName } from '../context.js';
import type { ChangeSide, DiffHit } from '../rule.js';
import type { Direction, SchemaDeltaKind } from '../schema-compare.js';

/** `base/field` when `field` is written under `base` in the model's document, else `base`. */
export const fieldOf = (model: SpecModel, base: string, ...fields: string[]) => factsOf(model).field(base, ...fields);

/** `{}` among the alternatives: a call without credentials is accepted. */
export const isAnonymousRequirement = (r: SecurityRequirement) => Object.keys(r).length === 0;
/** Every way to call the operation needs a credential. */
export const requiresAuth = (op: SpecOperation) => op.security.length > 0 && !op.security.some(isAnonymousRequirement);

/**
 * Where an operation's security change is written. A change of the document's default is one place
 * (`/security`, in the new spec, or in the old one when the default was deleted) whatever the number of
 * operations it affects: one change that lists them, not one per operation.
 */
export function securityWhere(ctx: DiffContext, pair: OperationPair): { side: ChangeSide; pointer: string } {
  const { old, next } = pair;
  if (next.securitySource === 'operation') return { side: 'new', pointer: fieldOf(ctx.next, next.pointer, 'security') };
  if (old.securitySource === 'document' && next.securitySource === 'document') return { side: 'new', pointer: '/security' };
  if (old.securitySource === 'document' && next.securitySource === 'none') return { side: 'old', pointer: '/security' };
  return { side: 'new', pointer: next.pointer };
}

/**
 * How hard a scheme is to get past, for "was it weakened": 5 mutual TLS; 4 OAuth 2.0 / OpenID Connect;
 * 3 bearer tokens and other registered token or signature schemes; 2 an API key in a header or cookie, HTTP
 * Digest; 1 an API key in the query string (logged everywhere), HTTP Basic, NTLM / Negotiate / OAuth 1.0.
 * Null when not known (an undeclared scheme, a custom `http` scheme): no comparison is made then.
 */
export function schemeStrength(s: SpecSecurityScheme | undefined): number | null {
  if (!s) return null;
  switch (s.type) {
    case 'mutualTLS':
      return 5;
    case 'oauth2':
    case 'openIdConnect':
      return 4;
    case 'apiKey':
      return s.in === 'query' ? 1 : s.in === 'header' || s.in === 'cookie' ? 2 : null;
    case 'http': {
      const scheme = s.scheme ?? '';
      if (['bearer', 'dpop', 'gnap', 'hoba', 'mutual', 'privatetoken', 'scram-sha-1', 'scram-sha-256', 'vapid', 'concealed', 'aws4-hmac-sha256'].includes(scheme)) return 3;
      if (scheme === 'digest') return 2;
      if (['basic', 'negotiate', 'ntlm', 'oauth'].includes(scheme)) return 1;
      return null;
    }
    default:
      return null;
  }
}

/** `OAuth 2.0`, `HTTP bearer`, `API key in query "api_key"`. */
export function describeScheme(s: SpecSecurityScheme | undefined): string {
  if (!s) return 'an undeclared scheme';
  switch (s.type) {
    case 'mutualTLS':
      return 'mutual TLS';
    case 'oauth2':
      return 'OAuth 2.0';
    case 'openIdConnect':
      return 'OpenID Connect';
    case 'apiKey':
      return `API key in ${s.in ?? 'an unknown place'}${s.paramName ? ` "${s.paramName}"` : ''}`;
    case 'http':
      return `HTTP ${s.scheme ?? 'authentication'}`;
    default:
      return 'an unknown scheme';
  }
}

const schemeOf = (model: SpecModel, name: string) => model.securitySchemes.find((s) => s.name === name);

/**
 * The weakest way into an operation: the alternative of its `security` whose strongest scheme is the
 * weakest (every scheme of an alternative is needed, any alternative will do). Null when no credential is
 * needed, or when a scheme's strength is not known.
 */
export function weakestAlternative(model: SpecModel, op: SpecOperation): { strength: number; names: string[]; text: string } | null {
  if (!requiresAuth(op)) return null;
  let weakest: { strength: number; names: string[]; text: string } | null = null;
  for (const req of op.security) {
    const names = Object.keys(req).sort();
    const strengths = names.map((n) => schemeStrength(schemeOf(model, n)));
    if (strengths.some((x) => x === null)) return null;
    const strength = Math.max(...(strengths as number[]));
    const text = names.map((n) => `"${n}" (${describeScheme(schemeOf(model, n))})`).join(' and ');
    if (!weakest || strength < weakest.strength) weakest = { strength, names, text };
  }
  return weakest;
}

/** Every schema-delta of one kind in one direction, over every matched operation, as hits at the delta's place. */
export function* deltaHits(ctx: DiffContext, direction: Direction, kind: SchemaDeltaKind, message: (place: string, detail: string) => string): Generator<DiffHit> {
  for (const pair of ctx.pairs) {
    for (const root of ctx.schemaRoots(pair, direction)) {
      for (const d of ctx.deltas(root)) {
        if (d.kind !== kind) continue;
        yield { side: d.side, pointer: d.pointer, operation: pair.label, message: message(placeName(root, d.path), d.detail), key: `${d.name ?? ''}\n${d.detail}` };
      }
    }
  }
}


/** Whether a media type (`application/json`) is among `keys`, directly or through a wildcard (`*\/*`, `application/*`). */
export const coveredBy = (key: string, keys: readonly string[]) => keys.some((k) => k === key || k === '*/*' || (k.endsWith('/*') && key.startsWith(k.slice(0, -1))));
