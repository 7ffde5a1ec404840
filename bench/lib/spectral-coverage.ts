/**
 * Coverage of Spectral OWASP findings by Bulwark findings, on the same spec.
 *
 * A Spectral result is `(code, path)`: the rule id and the JSON path (an array of keys) of the node it is
 * about. A Bulwark finding is `(ruleId, location.pointer)`. Each Bulwark rule names, in its `spectral`
 * field, the Spectral rules whose intent it covers.
 *
 * A Spectral location `(code, pointer)` is covered when a Bulwark finding of a rule that lists `code`
 * is at the same place:
 *   - `exact`: the Bulwark pointer equals the Spectral pointer;
 *   - `element`: the two pointers name the same element once a trailing *field* of that element is
 *     dropped from either side, with the fields fixed per Spectral rule in `ELEMENT_FIELDS` (Spectral
 *     reports `…/securitySchemes/basicAuth/scheme`, `…/servers/0/url`, `…/get/security/securitySchemes`;
 *     Bulwark may report the scheme, the server, the operation). Only fields of the element are dropped,
 *     never a step into a child schema, parameter, response or operation, so a finding about a nested
 *     schema never covers its parent or the other way round.
 * Nothing else matches: not a parent or child schema, not another operation, not a finding of a rule that
 * does not list the Spectral rule.
 */

export interface SpectralResult {
  code: string | number;
  path: Array<string | number>;
  message: string;
  severity: number;
}

export interface BulwarkFinding {
  ruleId: string;
  message: string;
  location: { pointer: string; line: number; column: number };
}

/** Bulwark rule id -> the Spectral rule ids it covers. */
export type SpectralMapping = ReadonlyMap<string, readonly string[]>;

/** Per Spectral rule: the trailing field paths of the element that either tool may report instead of the element. */
export const ELEMENT_FIELDS: Readonly<Record<string, ReadonlyArray<readonly string[]>>> = {
  // checkSecurity reports [op, 'security', ['securitySchemes']] (an array key, printed as its one item).
  'owasp:api2:2023-read-restricted': [['security', 'securitySchemes'], ['security']],
  'owasp:api2:2023-write-restricted': [['security', 'securitySchemes'], ['security']],
  'owasp:api2:2023-no-http-basic': [['scheme']],
  'owasp:api2:2023-auth-insecure-schemes': [['scheme']],
  'owasp:api2:2023-no-api-keys-in-url': [['in']],
  'owasp:api2:2023-jwt-best-practices': [['description']],
  'owasp:api2:2023-short-lived-access-tokens': [['refreshUrl']],
  'owasp:api3:2023-no-additionalProperties': [['additionalProperties']],
  'owasp:api3:2023-no-unevaluatedProperties': [['unevaluatedProperties']],
  'owasp:api3:2023-constrained-additionalProperties': [['maxProperties']],
  'owasp:api3:2023-constrained-unevaluatedProperties': [['maxProperties']],
  'owasp:api4:2023-rate-limit-retry-after': [['headers', 'Retry-After'], ['headers']],
  'owasp:api7:2023-concerning-url-parameter': [['name']],
  'owasp:api8:2023-define-cors-origin': [['Access-Control-Allow-Origin']],
  'owasp:api8:2023-no-server-http': [['url']],
  'owasp:api9:2023-inventory-access': [['x-internal']],
  'owasp:api9:2023-inventory-environment': [['description']],
};

/** RFC 6901 pointer of a Spectral path. */
export function pathToPointer(path: ReadonlyArray<string | number>): string {
  return path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The element a pointer names for this Spectral rule: the pointer without one trailing field of `ELEMENT_FIELDS[code]`. */
export function elementPointer(code: string, pointer: string): string {
  const segs = pointerSegments(pointer);
  for (const field of ELEMENT_FIELDS[code] ?? []) {
    if (segs.length > field.length && field.every((f, i) => segs[segs.length - field.length + i] === f)) {
      return pathToPointer(segs.slice(0, segs.length - field.length));
    }
  }
  return pointer;
}

// Keywords whose next segment is a key or an index, not a keyword.
const KEYED = new Set([
  'properties', 'patternProperties', '$defs', 'definitions', 'schemas', 'paths', 'responses', 'headers', 'content',
  'securitySchemes', 'securityDefinitions', 'parameters', 'requestBodies', 'links', 'callbacks', 'encoding', 'mapping',
  'variables', 'scopes', 'allOf', 'anyOf', 'oneOf', 'prefixItems', 'servers', 'tags', 'security', 'webhooks',
  'dependentSchemas', 'pathItems',
]);
// Keywords whose value is data, not a schema or a spec object.
const VALUE = new Set(['example', 'examples', 'default', 'enum', 'const']);

/**
 * Whether the pointer runs through a value that is data, not part of the spec's structure: an example,
 * a default, an enum or const value, or a vendor extension (`x-…`). Map keys (a property called
 * `example`) do not count.
 */
export function insideValue(pointer: string): string | null {
  let keyPosition = false;
  for (const seg of pointerSegments(pointer)) {
    if (keyPosition) {
      keyPosition = false;
      continue;
    }
    if (VALUE.has(seg)) return seg;
    if (seg.startsWith('x-')) return 'extension';
    if (KEYED.has(seg)) keyPosition = true;
  }
  return null;
}

export type Match = 'exact' | 'element' | 'none';

export interface LocationRow {
  code: string;
  pointer: string;
  message: string;
  match: Match;
  /** For an uncovered location: why it may be uncovered, found mechanically (the docs give the reviewed reasons). */
  hint?: string;
}

export interface RuleCoverage {
  code: string;
  /** Spectral results (one location may have several, e.g. "missing 401" and "missing 401.content"). */
  results: number;
  /** Distinct (rule, location) pairs. */
  locations: number;
  exact: number;
  element: number;
  /** Bulwark findings of the rules mapped to this Spectral rule that no Spectral result of it matches. */
  bulwarkOnly: number;
}

export interface CoverageReport {
  rules: RuleCoverage[];
  rows: LocationRow[];
  /** Bulwark findings (mapped rules) at no Spectral location, by Spectral rule, for the reverse direction. */
  bulwarkOnly: Array<{ code: string; ruleId: string; pointer: string; message: string }>;
}

export function coverage(spectral: readonly SpectralResult[], bulwark: readonly BulwarkFinding[], mapping: SpectralMapping, enabledCodes: readonly string[]): CoverageReport {
  // Spectral rule -> Bulwark pointers (exact) and element pointers, of the Bulwark rules that list it.
  const byCode = new Map<string, { exact: Map<string, BulwarkFinding[]>; element: Map<string, BulwarkFinding[]> }>();
  const push = (m: Map<string, BulwarkFinding[]>, k: string, f: BulwarkFinding) => {
    const list = m.get(k);
    if (list) list.push(f);
    else m.set(k, [f]);
  };
  for (const f of bulwark) {
    for (const code of mapping.get(f.ruleId) ?? []) {
      let idx = byCode.get(code);
      if (!idx) byCode.set(code, (idx = { exact: new Map(), element: new Map() }));
      push(idx.exact, f.location.pointer, f);
      push(idx.element, elementPointer(code, f.location.pointer), f);
    }
  }
  const anyRuleAt = new Map<string, Set<string>>();
  for (const f of bulwark) {
    const set = anyRuleAt.get(f.location.pointer) ?? new Set<string>();
    set.add(f.ruleId);
    anyRuleAt.set(f.location.pointer, set);
  }

  const results = new Map<string, number>();
  const seen = new Map<string, LocationRow>();
  const used = new Set<BulwarkFinding>();
  for (const r of spectral) {
    const code = String(r.code);
    results.set(code, (results.get(code) ?? 0) + 1);
    const pointer = pathToPointer(r.path);
    const key = `${code}\n${pointer}`;
    if (seen.has(key)) continue;
    const idx = byCode.get(code);
    const exact = idx?.exact.get(pointer);
    const element = exact ? undefined : idx?.element.get(elementPointer(code, pointer));
    for (const f of exact ?? element ?? []) used.add(f);
    const row: LocationRow = { code, pointer, message: r.message, match: exact ? 'exact' : element ? 'element' : 'none' };
    if (row.match === 'none') row.hint = hintFor(code, pointer, anyRuleAt, mapping);
    seen.set(key, row);
  }

  const rows = [...seen.values()];
  const codes = [...new Set([...enabledCodes, ...results.keys()])].sort();
  const bulwarkOnly: CoverageReport['bulwarkOnly'] = [];
  for (const f of bulwark) {
    if (used.has(f)) continue;
    for (const code of mapping.get(f.ruleId) ?? []) {
      if (!enabledCodes.includes(code)) continue;
      // A finding used for one Spectral rule may be unmatched for another it also lists (spec-response-error-no-schema).
      bulwarkOnly.push({ code, ruleId: f.ruleId, pointer: f.location.pointer, message: f.message });
    }
  }
  const rules = codes.map((code): RuleCoverage => {
    const mine = rows.filter((r) => r.code === code);
    return {
      code,
      results: results.get(code) ?? 0,
      locations: mine.length,
      exact: mine.filter((r) => r.match === 'exact').length,
      element: mine.filter((r) => r.match === 'element').length,
      bulwarkOnly: bulwarkOnly.filter((b) => b.code === code).length,
    };
  });
  return { rules, rows, bulwarkOnly };
}

function hintFor(code: string, pointer: string, anyRuleAt: Map<string, Set<string>>, mapping: SpectralMapping): string {
  const value = insideValue(pointer);
  if (value) return `inside ${value === 'extension' ? 'a vendor extension' : `an ${value} value`}: not a schema`;
  const others = new Set<string>();
  for (const p of [pointer, elementPointer(code, pointer)]) for (const id of anyRuleAt.get(p) ?? []) others.add(id);
  const listed = [...mapping].filter(([, codes]) => codes.includes(code)).map(([id]) => id);
  if (others.size) return `Bulwark reports this place under ${[...others].sort().join(', ')} (not mapped to ${code})`;
  return `no Bulwark finding here (rules mapped: ${listed.join(', ') || 'none'})`;
}
