/**
 * Why a Spectral OWASP location has no Bulwark finding: each uncovered location is sorted into a reason,
 * each reason checked against the spec document itself (not guessed from the path alone), so that the
 * differences listed in docs/benchmarks.md are reproducible. What no check explains stays `unexplained`:
 * those are the candidate Bulwark gaps.
 *
 * Kinds:
 *   not-audited        inside a vendor extension (`x-…`): Bulwark audits the standard OpenAPI objects only
 *   spectral-false-positive  the node is not what the Spectral rule is about (an example value, a schema
 *                      property that happens to be called `headers`…)
 *   spectral-location  Spectral reports a different node than the one it checked; Bulwark's finding is at the
 *                      checked node (verified)
 *   bulwark-narrowing  Bulwark deliberately does not flag this case, as its rule's docs page says
 *   unexplained        none of the above
 */
import type { BulwarkFinding, LocationRow, SpectralMapping } from './spectral-coverage.js';
import { insideValue, pathToPointer, pointerSegments } from './spectral-coverage.js';

export type DifferenceKind = 'not-audited' | 'spectral-false-positive' | 'spectral-location' | 'bulwark-narrowing' | 'unexplained';

export interface Difference {
  kind: DifferenceKind;
  /** One line, the same for every location with the same reason (for grouping). */
  reason: string;
}

/** Formats `spec-schema-string-unbounded` treats as bounded (docs/rules/spec-schema-string-unbounded.md). */
const BOUNDED_STRING_FORMATS = new Set(['date', 'date-time', 'time', 'uuid', 'ipv4', 'ipv6', 'duration']);
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const TYPED_RULES: Record<string, string> = {
  'owasp:api4:2023-string-limit': 'string',
  'owasp:api4:2023-string-restricted': 'string',
  'owasp:api4:2023-integer-format': 'integer',
  'owasp:api4:2023-integer-limit': 'integer',
  'owasp:api4:2023-integer-limit-legacy': 'integer',
  'owasp:api4:2023-array-limit': 'array',
};

type Json = unknown;
const isObj = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function createDifferenceClassifier(doc: Record<string, Json>, bulwark: readonly BulwarkFinding[], mapping: SpectralMapping) {
  const raw = (pointer: string): Json => {
    let n: Json = doc;
    for (const s of pointerSegments(pointer)) {
      if (Array.isArray(n)) n = n[Number(s)];
      else if (isObj(n)) n = n[s];
      else return undefined;
    }
    return n;
  };
  /** The node at the pointer, following local `$ref`s (a few hops). */
  const node = (pointer: string): Json => {
    let n = raw(pointer);
    for (let i = 0; i < 8 && isObj(n) && typeof n.$ref === 'string' && n.$ref.startsWith('#'); i++) n = raw(n.$ref.slice(1));
    return n;
  };
  const typesOf = (n: Json): string[] => (isObj(n) ? (Array.isArray(n.type) ? n.type.map(String) : typeof n.type === 'string' ? [n.type] : []) : []);

  // Pointers that are the target of an `additionalProperties: { $ref }`.
  const mapValueRefs = new Set<string>();
  const walk = (n: Json, depth: number) => {
    if (depth > 200) return;
    if (Array.isArray(n)) for (const c of n) walk(c, depth + 1);
    else if (isObj(n)) {
      const ap = n.additionalProperties;
      if (isObj(ap) && typeof ap.$ref === 'string' && ap.$ref.startsWith('#')) mapValueRefs.add(ap.$ref.slice(1));
      for (const v of Object.values(n)) walk(v, depth + 1);
    }
  };
  walk(doc, 0);

  const mappedAt = new Map<string, Set<string>>(); // pointer -> Spectral codes of the Bulwark findings there
  for (const f of bulwark) {
    const set = mappedAt.get(f.location.pointer) ?? new Set<string>();
    for (const c of mapping.get(f.ruleId) ?? []) set.add(c);
    mappedAt.set(f.location.pointer, set);
  }
  const bulwarkRulesAt = new Map<string, Set<string>>();
  for (const f of bulwark) bulwarkRulesAt.set(f.location.pointer, (bulwarkRulesAt.get(f.location.pointer) ?? new Set()).add(f.ruleId));

  /** The operation a `…/<method>/responses` pointer belongs to, with its path item. */
  const operationOf = (pointer: string) => {
    const segs = pointerSegments(pointer);
    if (segs.length !== 4 || segs[0] !== 'paths' || !METHODS.has(segs[2]!) || segs[3] !== 'responses') return null;
    return { pathItem: node(pathToPointer(segs.slice(0, 2))), op: node(pathToPointer(segs.slice(0, 3))) };
  };

  return function classify(row: LocationRow): Difference {
    const { code, pointer } = row;
    const segs = pointerSegments(pointer);
    const value = insideValue(pointer);
    if (value === 'extension') {
      const ext = segs.find((s) => s.startsWith('x-'))!;
      return { kind: 'not-audited', reason: `inside the vendor extension \`${ext}\`` };
    }
    if (value) return { kind: 'spectral-false-positive', reason: `not a schema: inside an \`${value}\` value` };

    const here = node(pointer);
    if (code === 'owasp:api8:2023-define-cors-origin') {
      const isResponseHeaders = segs.at(-1) === 'headers' && (segs.at(-3) === 'responses' || (segs[0] === 'components' && segs[1] === 'responses' && segs.length === 4));
      if (!isResponseHeaders) {
        const what = segs.at(-2) === 'properties' ? 'a schema property named `headers`' : pointer === '/components/headers' ? 'the `components/headers` map of reusable headers' : 'not the headers of a response';
        return { kind: 'spectral-false-positive', reason: `\`$..headers\` matched ${what}, not a response's headers` };
      }
    }

    const wanted = TYPED_RULES[code];
    if (wanted && !typesOf(here).includes(wanted) && isObj(here)) {
      const flaggedChildren = Object.keys(here).filter((k) => typesOf(node(`${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`)).includes(wanted) && mappedAt.get(`${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`)?.has(code));
      if (flaggedChildren.length) {
        return { kind: 'spectral-location', reason: `Spectral reports the enclosing \`${segs.at(-1)}\` object instead of the ${wanted} in it (property names such as ${flaggedChildren.filter((k) => /^[+-]/.test(k)).slice(0, 2).map((k) => `\`${k}\``).join(', ') || flaggedChildren.slice(0, 2).join(', ')}); Bulwark reports the ${wanted} itself` };
      }
    }

    if (code === 'owasp:api4:2023-string-limit' && isObj(here) && typeof here.format === 'string' && BOUNDED_STRING_FORMATS.has(here.format)) {
      return { kind: 'bulwark-narrowing', reason: `string with format \`${here.format}\`: spec-schema-string-unbounded counts date, date-time, time, uuid, ipv4, ipv6 and duration as bounded` };
    }

    if (code === 'owasp:api8:2023-define-error-responses-500' && isObj(here)) {
      const k = Object.keys(here).find((s) => s === 'default' || s.toUpperCase() === '5XX');
      if (k) return { kind: 'bulwark-narrowing', reason: `the operation documents \`${k}\`: spec-response-500-missing accepts 500, 5XX or default as the server-error response` };
    }

    if (code === 'owasp:api8:2023-define-error-validation') {
      const o = operationOf(pointer);
      const params = (x: Json) => (isObj(x) && Array.isArray(x.parameters) ? x.parameters.length : 0);
      if (o && params(o.pathItem) === 0 && params(o.op) === 0 && !(isObj(o.op) && o.op.requestBody)) {
        return { kind: 'bulwark-narrowing', reason: 'the operation takes no input (no parameters, no request body): spec-response-400-missing asks for 400/422/4XX only where there is input to reject' };
      }
    }

    if (code === 'owasp:api3:2023-no-additionalProperties') {
      const mapHint = (mapPointer: string) => (bulwarkRulesAt.get(mapPointer)?.has('spec-schema-additional-properties-unconstrained') ? 'Bulwark flags this map under spec-schema-additional-properties-unconstrained' : 'the map has maxProperties, so Bulwark does not flag it');
      if (segs.at(-1) === 'additionalProperties' && isObj(raw(pointer)) && Object.keys(raw(pointer) as object).length > 0) {
        return { kind: 'bulwark-narrowing', reason: `a typed map (additionalProperties is a schema): spec-schema-additional-properties-open flags only \`true\`/\`{}\`; ${mapHint(pathToPointer(segs.slice(0, -1)))}` };
      }
      if (segs.at(-1) !== 'additionalProperties' && mapValueRefs.has(pointer)) {
        return { kind: 'bulwark-narrowing', reason: 'a typed map whose value schema is a $ref (Spectral reports the referenced schema): spec-schema-additional-properties-open flags only `true`/`{}`' };
      }
    }

    return { kind: 'unexplained', reason: row.hint ?? 'no Bulwark finding here' };
  };
}
