import type { SchemaNode, SpecModel } from '../../model.js';
import { factsOf, type SchemaFact } from '../facts.js';
import { RULE_PATTERNS } from './patterns.js';
import { compact, isEnumerated, isType, num, words, type AuditRule } from './kit.js';

/**
 * Schema bounds and data validation. Every rule here loops over the one list of schema nodes computed by
 * `factsOf` (each node once, however many operations share it) and reports at the schema's own pointer,
 * which for a `$ref` is the named component: where the fix goes.
 */

const schemas = (model: SpecModel): readonly SchemaFact[] => factsOf(model).schemas;

/** Formats whose values have a small fixed maximum length once validated. */
const BOUNDED_FORMATS = new Set(['date', 'date-time', 'time', 'uuid', 'ipv4', 'ipv6', 'int32', 'int64', 'duration']);
const BINARY_FORMATS = new Set(['binary', 'byte', 'base64']);
const isBinary = (s: SchemaNode) => (s.format !== null && BINARY_FORMATS.has(s.format)) || s.raw.contentEncoding !== undefined || s.raw.contentMediaType !== undefined;

/** `additionalProperties: true` or `{}`: any extra property of any value. */
const isOpenValue = (v: unknown) => v === true || (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);
const isSchemaValue = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0;
const isObjectSchema = (s: SchemaNode) => isType(s, 'object') || (s.types.length === 0 && s.raw.properties !== undefined);

/** Lower and upper bound of a number schema; `minimum`/`exclusiveMinimum` numeric (3.1) or `minimum` (+ boolean exclusive, 3.0). */
function bounds(s: SchemaNode): { lower: boolean; upper: boolean; both: string[] } {
  const r = s.raw;
  const both: string[] = [];
  if (num(r.minimum) !== null && num(r.exclusiveMinimum) !== null) both.push('minimum and exclusiveMinimum');
  if (num(r.maximum) !== null && num(r.exclusiveMaximum) !== null) both.push('maximum and exclusiveMaximum');
  return { lower: num(r.minimum) !== null || num(r.exclusiveMinimum) !== null, upper: num(r.maximum) !== null || num(r.exclusiveMaximum) !== null, both };
}

function missingBounds(s: SchemaNode): string | null {
  const b = bounds(s);
  if (b.both.length) return `declares both ${b.both.join(', and both ')}`;
  if (!b.lower && !b.upper) return 'has no minimum or maximum';
  if (!b.lower) return 'has no minimum';
  if (!b.upper) return 'has no maximum';
  return null;
}

const INT32 = { min: -2147483648, max: 2147483647 };
const INT64 = { min: -9223372036854775808, max: 9223372036854775807 };

/** The alternatives of a pattern's top level (`^a$|^b$` -> `^a$`, `^b$`), respecting escapes, classes and groups. */
function topLevelAlternatives(pattern: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '[') {
      i++;
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
    } else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === '|' && depth === 0) {
      out.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  out.push(pattern.slice(start));
  return out;
}

/** The last character is not escaped (an odd number of backslashes before it would make it a literal). */
function lastIsUnescaped(s: string): boolean {
  let backslashes = 0;
  for (let i = s.length - 2; i >= 0 && s[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}

/**
 * Why a pattern can match part of a value, or null. JSON Schema patterns match anywhere: an alternative
 * without a leading `^` accepts anything before the match; one without a trailing `$` that ends in a
 * quantifier or class (`^[a-z]+`) accepts anything after it. A start-anchored literal prefix (`^https://`,
 * `^refs/`) is a deliberate "starts with" check and is not flagged.
 */
export function anchoringProblem(pattern: string): string | null {
  for (const alt of topLevelAlternatives(pattern)) {
    if (!alt.startsWith('^')) return 'is not anchored at the start (^)';
    if (alt.endsWith('$') && lastIsUnescaped(alt)) continue;
    const last = alt[alt.length - 1] ?? '';
    if ('+*?}]'.includes(last) && lastIsUnescaped(alt)) return 'is not anchored at the end ($)';
  }
  return null;
}

/**
 * Finds the shape behind most catastrophic backtracking: a group repeated without bound (`*`, `+`, `{n,}`)
 * with an alternative made only of unbounded and optional parts (`(a+)+`, `(\w+\s?)*`, `([a-z]+,?)+`), so
 * the rounds can split the same input in exponentially many ways; or whose alternatives repeat each other
 * (`(a|aa)*`). A required part in the repeated group (`(\s\w+)*`, `((ab)*c)*`) anchors each round and is not
 * flagged. One linear scan; a heuristic, not a proof (the tests cross-check it with `redos-detector`).
 */
export function nestedQuantifier(pattern: string): string | null {
  interface Frame {
    start: number;
    /** Some alternative contains an unbounded quantifier. */
    anyUnbounded: boolean;
    /** Some alternative is made only of unbounded and optional parts: its rounds can split the input any way. */
    risky: boolean;
    /** Every alternative has a required part (a character it must match each time). */
    allRequired: boolean;
    curUnbounded: boolean;
    curRequired: boolean;
    alternatives: string[];
    altStart: number;
  }
  const frame = (start: number): Frame => ({ start, anyUnbounded: false, risky: false, allRequired: true, curUnbounded: false, curRequired: false, alternatives: [], altStart: start + 1 });
  const endAlternative = (f: Frame, end: number) => {
    f.alternatives.push(pattern.slice(f.altStart, end));
    f.risky ||= f.curUnbounded && !f.curRequired;
    f.anyUnbounded ||= f.curUnbounded;
    f.allRequired &&= f.curRequired;
  };
  /** Reads a quantifier at `j`: its length, whether it is unbounded, whether it allows zero. */
  const quantifier = (j: number): { len: number; unbounded: boolean; optional: boolean } | null => {
    const c = pattern[j];
    const lazy = (k: number) => (pattern[k] === '?' || pattern[k] === '+' ? 1 : 0);
    if (c === '*') return { len: 1 + lazy(j + 1), unbounded: true, optional: true };
    if (c === '+') return { len: 1 + lazy(j + 1), unbounded: true, optional: false };
    if (c === '?') return { len: 1 + (pattern[j + 1] === '?' ? 1 : 0), unbounded: false, optional: true };
    if (c === '{') {
      const close = pattern.indexOf('}', j);
      if (close < 0) return null;
      const body = pattern.slice(j + 1, close);
      if (!RULE_PATTERNS.quantifierBody.test(body) || body === '' || body.startsWith(',')) return null;
      const comma = body.indexOf(',');
      const min = Number(comma >= 0 ? body.slice(0, comma) : body);
      return { len: close - j + 1 + (pattern[close + 1] === '?' ? 1 : 0), unbounded: comma >= 0 && body.slice(comma + 1) === '', optional: min === 0 };
    }
    return null;
  };
  /** An atom (or a closed group) with quantifier `q` was read in `f`. */
  const atom = (f: Frame, q: ReturnType<typeof quantifier>, inner: Frame | null) => {
    if (q?.unbounded || inner?.anyUnbounded) f.curUnbounded = true;
    if (!q?.unbounded && !q?.optional && (inner ? inner.allRequired : true)) f.curRequired = true;
  };
  const stack: Frame[] = [frame(-1)];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    const top = stack[stack.length - 1]!;
    if (c === '(') {
      const f = frame(i);
      stack.push(f);
      i++;
      if (pattern[i] === '?') {
        // (?:  (?=  (?!  (?<=  (?<!  (?<name>
        i++;
        if (pattern[i] === '<' && pattern[i + 1] !== '=' && pattern[i + 1] !== '!') {
          const close = pattern.indexOf('>', i);
          i = close < 0 ? i + 1 : close + 1;
        } else {
          i += pattern[i] === '<' ? 2 : 1;
        }
      }
      f.altStart = i;
      continue;
    }
    if (c === '|') {
      endAlternative(top, i);
      top.curUnbounded = false;
      top.curRequired = false;
      top.altStart = i + 1;
      i++;
      continue;
    }
    if (c === ')' && stack.length > 1) {
      const f = stack.pop()!;
      endAlternative(f, i);
      const q = quantifier(i + 1);
      if (q?.unbounded) {
        if (f.risky) return pattern.slice(f.start, i + 1 + q.len);
        const alts = f.alternatives;
        const repeats = (a: string, b: string) => a.length > 0 && b.length % a.length === 0 && a.repeat(b.length / a.length) === b;
        for (let x = 0; x < alts.length; x++) {
          for (let y = x + 1; y < alts.length; y++) {
            if (repeats(alts[x]!, alts[y]!) || repeats(alts[y]!, alts[x]!)) return pattern.slice(f.start, i + 1 + q.len);
          }
        }
      }
      atom(stack[stack.length - 1]!, q, f);
      i += 1 + (q?.len ?? 0);
      continue;
    }
    if (c === '\\') {
      i += 2;
    } else if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      i = j + 1;
    } else {
      i++;
    }
    // `^` and `$` are assertions, not atoms that consume input.
    if (c === '^' || c === '$') continue;
    const q = quantifier(i);
    atom(top, q, null);
    i += q?.len ?? 0;
  }
  return null;
}

/** Misspellings of standard formats that validators silently ignore. */
const FORMAT_TYPOS: Record<string, string> = {
  datetime: 'date-time',
  date_time: 'date-time',
  dateTime: 'date-time',
  timestamp: 'date-time',
  'e-mail': 'email',
  mail: 'email',
  emailaddress: 'email',
  uuid4: 'uuid',
  guid: 'uuid',
  ip: 'ipv4 or ipv6',
  ipaddress: 'ipv4 or ipv6',
  int: 'int32',
  integer: 'int32',
  long: 'int64',
  hostName: 'hostname',
  host: 'hostname',
  URI: 'uri',
  URL: 'uri',
};

/** The format a property's name implies: `email`, `uri`, `uuid`, `date-time`, `date`, `ip`. */
function expectedFormat(name: string): string | null {
  const w = words(name);
  const c = compact(name);
  const last = w[w.length - 1] ?? '';
  if (last === 'email' || c.endsWith('emailaddress')) return 'email';
  if (last === 'url' || last === 'uri' || last === 'website' || last === 'homepage') return 'uri';
  if (last === 'uuid' || last === 'guid') return 'uuid';
  if ((last === 'at' && w.length > 1) || last === 'timestamp' || c.endsWith('datetime')) return 'date-time';
  if (last === 'date' || c === 'birthdate' || c === 'dateofbirth' || c === 'dob' || c === 'birthday') return 'date';
  if (last === 'ip' || c.endsWith('ipaddress')) return 'ipv4 or ipv6';
  return null;
}

const LIMITS = { maxLength: 1_000_000, binaryMaxLength: 100 * 1024 * 1024, maxItems: 10_000, maxProperties: 10_000 };

const BOUND_PAIRS: ReadonlyArray<[string, string]> = [
  ['minLength', 'maxLength'],
  ['minimum', 'maximum'],
  ['minItems', 'maxItems'],
  ['minProperties', 'maxProperties'],
];

export const SCHEMA_RULES: readonly AuditRule[] = [
  {
    id: 'spec-schema-string-unbounded',
    title: 'String without maximum length',
    severity: 'medium',
    owasp: 'API4:2023',
    cwe: 'CWE-770',
    category: 'data-validation',
    tags: ['schema', 'bounds', 'resource-consumption'],
    spectral: ['owasp:api4:2023-string-limit'],
    detects: 'A schema of type `string` (or a type list including it) with no `maxLength`, `enum` or `const`. Formats with a small fixed length once validated (`date`, `date-time`, `time`, `uuid`, `ipv4`, `ipv6`, `duration`) count as bounded; binary strings in requests are left to `spec-schema-binary-unbounded`. Strings reachable only through `not` are ignored.',
    rationale: 'An unbounded string lets one request carry megabytes into parsers, databases, logs and regular expressions: memory and CPU exhaustion, storage abuse, and oversized values that break downstream systems.',
    remediation: 'Give every string a realistic `maxLength` (names 100, e-mails 254, free text a few thousand), or an `enum`/`const`, and enforce it in request validation.',
    *check(model) {
      for (const { node, request } of schemas(model)) {
        if (!isType(node, 'string') || isEnumerated(node) || node.raw.maxLength !== undefined) continue;
        if (node.format !== null && BOUNDED_FORMATS.has(node.format)) continue;
        if (request && isBinary(node)) continue;
        yield { pointer: node.pointer, message: 'string has no maxLength, enum or const' };
      }
    },
  },
  {
    id: 'spec-schema-string-unrestricted',
    title: 'String without format, pattern or enum',
    severity: 'low',
    owasp: 'API4:2023',
    cwe: 'CWE-20',
    category: 'data-validation',
    tags: ['schema', 'validation'],
    spectral: ['owasp:api4:2023-string-restricted'],
    detects: 'A schema of type `string` with none of `format`, `pattern`, `enum` or `const`.',
    rationale: 'A string that may hold any characters reaches queries, templates, file paths and log lines unchecked: injection payloads pass validation, and consumers cannot rely on its shape.',
    remediation: 'Constrain each string: a standard `format` (`email`, `uri`, `uuid`, `date-time`), a `pattern` anchored with `^…$`, or an `enum`.',
    *check(model) {
      for (const { node } of schemas(model)) {
        if (isType(node, 'string') && node.format === null && node.raw.pattern === undefined && !isEnumerated(node)) yield { pointer: node.pointer, message: 'string has no format, pattern, enum or const' };
      }
    },
  },
  {
    id: 'spec-schema-integer-unbounded',
    title: 'Integer without minimum and maximum',
    severity: 'medium',
    owasp: 'API4:2023',
    cwe: 'CWE-1284',
    category: 'data-validation',
    tags: ['schema', 'bounds', 'resource-consumption'],
    spectral: ['owasp:api4:2023-integer-limit', 'owasp:api4:2023-integer-limit-legacy'],
    detects: 'A schema of type `integer` without `enum`/`const` that lacks a lower bound (`minimum`, or a numeric `exclusiveMinimum`) or an upper bound (`maximum`, or a numeric `exclusiveMaximum`), or that declares both `minimum` and `exclusiveMinimum` (or both maxima), which is ambiguous.',
    rationale: 'Unbounded integers drive loops, page sizes, allocations and money amounts: `limit=1000000000` exhausts the service, negative quantities reverse payments, and huge values overflow fixed-size fields downstream.',
    remediation: 'Set `minimum` and `maximum` to the real range of the value (e.g. `limit`: 1 to 100; quantities: 1 to 1000) and enforce them.',
    *check(model) {
      for (const { node } of schemas(model)) {
        if (!isType(node, 'integer') || isEnumerated(node)) continue;
        const problem = missingBounds(node);
        if (problem) yield { pointer: node.pointer, message: `integer ${problem}` };
      }
    },
  },
  {
    id: 'spec-schema-integer-no-format',
    title: 'Integer without format',
    severity: 'low',
    owasp: 'API4:2023',
    cwe: 'CWE-190',
    category: 'data-validation',
    tags: ['schema', 'validation'],
    spectral: ['owasp:api4:2023-integer-format'],
    detects: 'A schema of type `integer` without `format` (`int32` or `int64`) and without `enum`/`const`.',
    rationale: 'Without a declared width, one component parses the value as a 64-bit integer and another as 32-bit or as a double: large values overflow or lose precision between them, silently changing identifiers and amounts.',
    remediation: 'Declare `format: int32` or `format: int64` on every integer, with bounds that fit it.',
    *check(model) {
      for (const { node } of schemas(model)) if (isType(node, 'integer') && node.format === null && !isEnumerated(node)) yield { pointer: node.pointer, message: 'integer has no format (int32 or int64)' };
    },
  },
  {
    id: 'spec-schema-integer-format-overflow',
    title: 'Integer bounds exceed its format',
    severity: 'low',
    owasp: 'API4:2023',
    cwe: 'CWE-190',
    category: 'data-validation',
    tags: ['schema', 'bounds'],
    detects: 'An integer with `format: int32` whose `minimum`/`maximum` lie outside −2³¹…2³¹−1, or with `format: int64` outside −2⁶³…2⁶³−1.',
    rationale: 'Values the schema accepts but the declared width cannot hold overflow in the implementation: a check passes on the large value and the stored or computed one wraps around.',
    remediation: 'Use `int64` for values beyond 32 bits, or tighten the bounds to the format.',
    *check(model) {
      for (const { node } of schemas(model)) {
        const range = node.format === 'int32' ? INT32 : node.format === 'int64' ? INT64 : null;
        if (!range || !(isType(node, 'integer') || isType(node, 'number'))) continue;
        const min = num(node.raw.minimum);
        const max = num(node.raw.maximum);
        if ((min !== null && min < range.min) || (max !== null && max > range.max)) yield { pointer: node.pointer, message: `bounds of the ${node.format} integer exceed what ${node.format} holds` };
      }
    },
  },
  {
    id: 'spec-schema-number-unbounded',
    title: 'Number without minimum and maximum',
    severity: 'low',
    owasp: 'API4:2023',
    cwe: 'CWE-1284',
    category: 'data-validation',
    tags: ['schema', 'bounds'],
    detects: 'A schema of type `number` (not `integer`) without `enum`/`const` that lacks a lower or an upper bound.',
    rationale: 'Unbounded decimals let callers send negative prices, enormous quantities or values like 1e308 that turn into infinity or lose precision; business rules downstream assume sane ranges.',
    remediation: 'Set `minimum` and `maximum` (and `multipleOf` for money) to the real range.',
    *check(model) {
      for (const { node } of schemas(model)) {
        if (!isType(node, 'number') || isType(node, 'integer') || isEnumerated(node)) continue;
        const problem = missingBounds(node);
        if (problem) yield { pointer: node.pointer, message: `number ${problem}` };
      }
    },
  },
  {
    id: 'spec-schema-array-unbounded',
    title: 'Array without maxItems',
    severity: 'medium',
    owasp: 'API4:2023',
    cwe: 'CWE-770',
    category: 'data-validation',
    tags: ['schema', 'bounds', 'resource-consumption'],
    spectral: ['owasp:api4:2023-array-limit'],
    detects: 'A schema of type `array` (or a type list including it) without `maxItems`.',
    rationale: 'An unbounded array lets one request ask for millions of items to be created, updated or looked up (batch abuse), and one response grow without limit.',
    remediation: 'Set `maxItems` to what a client legitimately needs (and bound the items\' own schema too).',
    *check(model) {
      for (const { node } of schemas(model)) if (isType(node, 'array') && node.raw.maxItems === undefined) yield { pointer: node.pointer, message: 'array has no maxItems' };
    },
  },
  {
    id: 'spec-schema-array-no-items',
    title: 'Array without items schema',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-20',
    category: 'data-validation',
    tags: ['schema', 'validation'],
    detects: 'A schema of type `array` with neither `items` nor `prefixItems`.',
    rationale: 'The elements are not described, so any value (objects of any shape, nested arrays) passes validation and reaches the implementation.',
    remediation: 'Describe the elements with `items` (and bound them).',
    *check(model) {
      for (const { node } of schemas(model)) if (isType(node, 'array') && node.raw.items === undefined && node.raw.prefixItems === undefined) yield { pointer: node.pointer, message: 'array does not describe its items' };
    },
  },
  {
    id: 'spec-schema-additional-properties-open',
    title: 'Object accepts any additional property',
    severity: 'medium',
    owasp: 'API3:2023',
    cwe: 'CWE-915',
    category: 'data-validation',
    tags: ['schema', 'mass-assignment'],
    spectral: ['owasp:api3:2023-no-additionalProperties', 'owasp:api3:2023-no-unevaluatedProperties'],
    detects: 'An object schema with `additionalProperties: true` or `additionalProperties: {}` (or the same for `unevaluatedProperties`). The finding points at the keyword.',
    rationale: 'Explicitly open objects let callers send fields the API never meant to accept (`role`, `isAdmin`, `price`); frameworks that bind request bodies to models then write them: mass assignment.',
    remediation: 'Set `additionalProperties: false` (or `unevaluatedProperties: false` with composition); if a free-form map is intended, give its values a schema and a `maxProperties`.',
    *check(model) {
      for (const { node } of schemas(model)) {
        if (!isObjectSchema(node) && node.types.length > 0) continue;
        for (const key of ['additionalProperties', 'unevaluatedProperties']) {
          if (isOpenValue(node.raw[key])) yield { pointer: `${node.pointer}/${key}`, message: `object allows any ${key === 'additionalProperties' ? 'additional' : 'unevaluated'} property` };
        }
      }
    },
  },
  {
    id: 'spec-schema-additional-properties-unconstrained',
    title: 'Map without maxProperties',
    severity: 'low',
    owasp: 'API4:2023',
    cwe: 'CWE-770',
    category: 'data-validation',
    tags: ['schema', 'bounds', 'mass-assignment'],
    spectral: ['owasp:api3:2023-constrained-additionalProperties', 'owasp:api3:2023-constrained-unevaluatedProperties'],
    detects: 'An object schema whose `additionalProperties` (or `unevaluatedProperties`) is a schema, with no `maxProperties`.',
    rationale: 'A map with typed values still accepts any number of keys: one request can carry hundreds of thousands of entries, each stored, indexed or iterated.',
    remediation: 'Set `maxProperties` on the map (and bound the key names with `propertyNames` if they come from users).',
    *check(model) {
      for (const { node } of schemas(model)) {
        if (node.raw.maxProperties !== undefined) continue;
        if (isSchemaValue(node.raw.additionalProperties) || isSchemaValue(node.raw.unevaluatedProperties)) yield { pointer: node.pointer, message: 'map of additional properties has no maxProperties' };
      }
    },
  },
  {
    id: 'spec-schema-request-object-open',
    title: 'Request object open to unknown properties',
    severity: 'low',
    owasp: 'API3:2023',
    cwe: 'CWE-915',
    category: 'data-validation',
    tags: ['schema', 'mass-assignment', 'request'],
    detects: 'An object schema with `properties`, reachable from a request body or parameter, that does not set `additionalProperties` or `unevaluatedProperties` (so JSON Schema\'s default, "anything else allowed", applies). Branches of `allOf`/`anyOf`/`oneOf`, which cannot close themselves without breaking composition, are not flagged.',
    rationale: 'By default JSON Schema accepts properties it does not list: clients can add `role`, `owner_id` or `verified` to a request and frameworks that bind bodies to models will write them (mass assignment).',
    remediation: 'Close request objects with `additionalProperties: false` (for compositions, `unevaluatedProperties: false` on the composing schema), and bind only the listed fields in code.',
    *check(model) {
      for (const { node, request, composed } of schemas(model)) {
        if (!request || composed || !isObjectSchema(node) || node.raw.properties === undefined) continue;
        if (node.raw.additionalProperties !== undefined || node.raw.unevaluatedProperties !== undefined) continue;
        if (node.raw.allOf !== undefined || node.raw.anyOf !== undefined || node.raw.oneOf !== undefined) continue;
        yield { pointer: node.pointer, message: 'request object does not forbid unknown properties' };
      }
    },
  },
  {
    id: 'spec-schema-request-untyped',
    title: 'Request value without a type',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-20',
    category: 'data-validation',
    tags: ['schema', 'validation', 'request'],
    detects: 'A schema reachable from a request body or parameter with no `type` and nothing else that constrains it (`enum`, `const`, `properties`, `items`, `allOf`/`anyOf`/`oneOf`/`not`, `format`, `pattern`), such as `{}` or `items: {}`. Composition branches are not flagged.',
    rationale: 'An untyped request value accepts any JSON: objects where strings are expected, arrays where numbers are, which is how type-confusion and NoSQL-injection payloads (`{"$ne": null}`) get through.',
    remediation: 'Give the value a `type` and the constraints that go with it.',
    *check(model) {
      const CONSTRAINING = ['type', 'enum', 'const', 'properties', 'items', 'prefixItems', 'allOf', 'anyOf', 'oneOf', 'not', 'format', 'pattern', 'additionalProperties'];
      for (const { node, request, composed } of schemas(model)) {
        if (!request || composed || node.types.length > 0) continue;
        if (CONSTRAINING.some((k) => node.raw[k] !== undefined)) continue;
        yield { pointer: node.pointer, message: 'request value has no type: any JSON value is accepted' };
      }
    },
  },
  {
    id: 'spec-schema-pattern-unanchored',
    title: 'Pattern not anchored',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-625',
    category: 'data-validation',
    tags: ['schema', 'validation', 'regex'],
    detects: 'A `pattern` with a top-level alternative that does not start with `^`, or that ends in a quantifier or character class (`^[a-z]+`) without a closing `$`. Start-anchored literal prefixes (`^https://`, `^refs/`) are deliberate "starts with" checks and are not flagged.',
    rationale: 'JSON Schema patterns match anywhere in the value: `[a-z]+` accepts `abc; DROP TABLE users` because it contains `abc`. Validation that looks strict lets anything through around the matching part.',
    remediation: 'Anchor the pattern: `^[a-z]+$`.',
    *check(model) {
      for (const { node } of schemas(model)) {
        const p = node.raw.pattern;
        const problem = typeof p === 'string' ? anchoringProblem(p) : null;
        if (problem) yield { pointer: `${node.pointer}/pattern`, message: `pattern ${JSON.stringify((p as string).length > 60 ? `${(p as string).slice(0, 60)}…` : p)} ${problem}` };
      }
    },
  },
  {
    id: 'spec-schema-pattern-redos',
    title: 'Pattern open to catastrophic backtracking',
    severity: 'medium',
    owasp: 'API4:2023',
    cwe: 'CWE-1333',
    category: 'security',
    tags: ['schema', 'regex', 'resource-consumption'],
    detects: 'A `pattern` with a group repeated without bound (`*`, `+`, `{n,}`) whose content is only unbounded and optional parts (`(a+)+`, `(\\w+\\s?)*`, `([a-z]+,?)+`), or whose alternatives repeat each other (`(a|aa)*`). A required part in the repeated group (`(\\s\\w+)*`, `((ab)*c)*`) anchors each round and is not flagged. A heuristic: it finds the common exponential shapes, not every super-linear pattern.',
    rationale: 'Backtracking regex engines (JavaScript, Java, Python, .NET) take exponential time on such patterns for some inputs: one request with a crafted 30-character value can hold a CPU for seconds or minutes (ReDoS).',
    remediation: 'Rewrite the pattern so that each repetition starts with something the previous one cannot match (`^(\\w+\\s?)*$` becomes `^\\w+(\\s\\w+)*$`), bound the value with `maxLength`, or validate with a linear-time engine (RE2).',
    *check(model) {
      const seen = new Map<string, string | null>();
      for (const { node } of schemas(model)) {
        const p = node.raw.pattern;
        if (typeof p !== 'string') continue;
        if (!seen.has(p)) seen.set(p, nestedQuantifier(p));
        const part = seen.get(p);
        if (part) yield { pointer: `${node.pointer}/pattern`, message: `pattern repeats ${JSON.stringify(part.length > 60 ? `${part.slice(0, 60)}…` : part)}: super-linear backtracking` };
      }
    },
  },
  {
    id: 'spec-schema-pattern-invalid',
    title: 'Pattern is not a valid regular expression',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-185',
    category: 'data-validation',
    tags: ['schema', 'validation', 'regex'],
    detects: 'A `pattern` that is not a valid ECMA-262 regular expression (the dialect JSON Schema prescribes), e.g. Python\'s `(?P<name>…)` or an unbalanced bracket.',
    rationale: 'Validators either reject the whole schema, crash, or skip the pattern silently; in the last case the field is not validated at all while the spec claims it is.',
    remediation: 'Rewrite the pattern in ECMA-262 syntax and test it against valid and invalid samples.',
    *check(model) {
      const valid = new Map<string, boolean>();
      for (const { node } of schemas(model)) {
        const p = node.raw.pattern;
        if (typeof p !== 'string') continue;
        if (!valid.has(p)) {
          let ok = true;
          try {
            // Compiled, never run: no input reaches it.
            new RegExp(p);
          } catch {
            ok = false;
          }
          valid.set(p, ok);
        }
        if (!valid.get(p)) yield { pointer: `${node.pointer}/pattern`, message: 'pattern is not a valid ECMA-262 regular expression' };
      }
    },
  },
  {
    id: 'spec-schema-bounds-contradictory',
    title: 'Contradictory bounds',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-20',
    category: 'data-validation',
    tags: ['schema', 'bounds'],
    detects: 'A schema whose lower bound exceeds its upper bound: `minLength` > `maxLength`, `minimum` > `maximum`, `minItems` > `maxItems` or `minProperties` > `maxProperties`.',
    rationale: 'No value can satisfy the schema, so validators reject every request, or the bound is skipped in code and nothing is enforced. Either way the documented limit is not the real one.',
    remediation: 'Fix the bounds so that the minimum is at most the maximum.',
    *check(model) {
      for (const { node } of schemas(model)) {
        for (const [lo, hi] of BOUND_PAIRS) {
          const a = num(node.raw[lo]);
          const b = num(node.raw[hi]);
          if (a !== null && b !== null && a > b) yield { pointer: node.pointer, message: `${lo} ${a} is greater than ${hi} ${b}` };
        }
      }
    },
  },
  {
    id: 'spec-schema-limit-excessive',
    title: 'Limit too large to protect anything',
    severity: 'low',
    owasp: 'API4:2023',
    cwe: 'CWE-770',
    category: 'data-validation',
    tags: ['schema', 'bounds', 'resource-consumption'],
    detects: `A \`maxLength\` above ${LIMITS.maxLength.toLocaleString('en')} (${LIMITS.binaryMaxLength / 1024 / 1024} MiB for binary strings), a \`maxItems\` above ${LIMITS.maxItems.toLocaleString('en')} or a \`maxProperties\` above ${LIMITS.maxProperties.toLocaleString('en')}.`,
    rationale: 'A limit such as `maxLength: 2147483647` satisfies a checklist but bounds nothing: the resource-exhaustion risk of an unbounded value remains.',
    remediation: 'Set the limit to what legitimate clients need; handle genuinely large payloads as streamed uploads with their own size limit.',
    *check(model) {
      for (const { node } of schemas(model)) {
        const len = num(node.raw.maxLength);
        const lenLimit = isBinary(node) ? LIMITS.binaryMaxLength : LIMITS.maxLength;
        if (len !== null && len > lenLimit) yield { pointer: node.pointer, message: `maxLength ${len} is above ${lenLimit}` };
        const items = num(node.raw.maxItems);
        if (items !== null && items > LIMITS.maxItems) yield { pointer: node.pointer, message: `maxItems ${items} is above ${LIMITS.maxItems}` };
        const props = num(node.raw.maxProperties);
        if (props !== null && props > LIMITS.maxProperties) yield { pointer: node.pointer, message: `maxProperties ${props} is above ${LIMITS.maxProperties}` };
      }
    },
  },
  {
    id: 'spec-schema-binary-unbounded',
    title: 'Upload without size limit',
    severity: 'medium',
    owasp: 'API4:2023',
    cwe: 'CWE-400',
    category: 'security',
    tags: ['schema', 'upload', 'resource-consumption'],
    spectral: ['owasp:api4:2023-string-limit'],
    detects: 'A string reachable from a request with `format: binary`, `byte` or `base64` (or `contentEncoding`/`contentMediaType`), or a Swagger 2.0 `type: file` parameter, with no `maxLength`.',
    rationale: 'File and blob uploads without a size limit let one request fill memory, disk or object storage, and feed decompression bombs and huge images to parsers.',
    remediation: 'Set `maxLength` (bytes) on the upload, enforce a request-size limit at the gateway, and check compression ratios and image dimensions before processing.',
    *check(model) {
      for (const { node, request } of schemas(model)) {
        const upload = (isType(node, 'string') && isBinary(node)) || isType(node, 'file');
        if (request && upload && node.raw.maxLength === undefined) yield { pointer: node.pointer, message: `uploaded ${isType(node, 'file') ? 'file' : (node.format ?? 'encoded content')} has no maxLength` };
      }
    },
  },
  {
    id: 'spec-schema-format-expected',
    title: 'String property without the format its name implies',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-20',
    category: 'data-validation',
    tags: ['schema', 'validation', 'format'],
    detects: 'A string property without `format`, `enum` or `const` whose name implies one: `…email` (email), `…url`/`…uri`/`website` (uri), `…uuid`/`…guid` (uuid), `created_at`/`updatedAt`/`…timestamp` (date-time), `…date`/`birthdate` (date), `…ip`/`ip_address` (ipv4 or ipv6).',
    rationale: 'Without the format, validators accept any text where an e-mail address, URL or date belongs: injection payloads and malformed values reach mailers, HTTP clients and parsers that trust the field.',
    remediation: 'Add the standard `format` (`email`, `uri`, `uuid`, `date-time`, `date`, `ipv4`/`ipv6`) and enable format validation.',
    *check(model) {
      for (const p of factsOf(model).properties) {
        const s = p.schema;
        if (!isType(s, 'string') || s.format !== null || isEnumerated(s)) continue;
        const expected = expectedFormat(p.name);
        if (expected) yield { pointer: s.pointer, message: `property "${p.name}" has no format (expected ${expected})` };
      }
    },
  },
  {
    id: 'spec-schema-format-unknown',
    title: 'Misspelled format',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-20',
    category: 'data-validation',
    tags: ['schema', 'validation', 'format'],
    detects: 'A `format` that is a common misspelling of a standard one: `datetime`, `date_time`, `timestamp` (date-time), `e-mail`, `mail` (email), `uuid4`, `guid` (uuid), `ip` (ipv4/ipv6), `int`, `long` (int32/int64), `URL` (uri)…',
    rationale: 'Validators ignore formats they do not know, silently: the field looks validated in the spec and is not validated at all.',
    remediation: 'Use the standard format name.',
    *check(model) {
      for (const { node } of schemas(model)) {
        const f = node.format;
        const fix = f !== null && Object.prototype.hasOwnProperty.call(FORMAT_TYPOS, f) ? FORMAT_TYPOS[f] : undefined;
        if (fix) yield { pointer: `${node.pointer}/format`, message: `format "${f}" is not a standard format (did you mean ${fix}?)` };
      }
    },
  },
  {
    id: 'spec-request-xml-body',
    title: 'XML request body',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-611',
    category: 'security',
    tags: ['request', 'xml', 'content-type'],
    detects: 'A request body media type that is XML: `application/xml`, `text/xml`, or any `…+xml` type (SOAP, Atom…).',
    rationale: 'XML parsers resolve external entities and expand nested entities by default in many stacks: an XML body is the entry point for XXE (file disclosure, SSRF) and billion-laughs denial of service.',
    remediation: 'Prefer JSON; if XML is required, disable DTDs and external entity resolution in the parser and cap the document size and depth.',
    *check(model) {
      for (const op of model.operations) {
        for (const m of op.requestBody?.content ?? []) {
          const t = m.contentType.split(';')[0]!.trim();
          if (t.endsWith('/xml') || t.endsWith('+xml')) yield { pointer: m.pointer, message: `request body accepts XML (${t})` };
        }
      }
    },
  },
];
