import { z } from 'zod';
import { OwaspApi, Severity } from '../contracts/finding.js';
import { compileLinearRegex, LinearRegexError, type LinearRegex } from '../util/linear-regex.js';
import { walkSchemas, type SchemaNode, type SpecMediaType, type SpecModel, type SpecOperation } from './model.js';
import type { RuleHit, SpecRule } from './audit/rule.js';

/**
 * Custom spec-audit rules declared as data in a ruleset file: which elements of the model (`given`),
 * which of them the rule is about (`where`), and what must hold for each (`then`). Every condition
 * names a field of the element by a dotted path and one operator. Patterns run on the linear-time
 * matcher (`util/linear-regex.ts`): the specs under audit may come from anyone, and so may the ruleset.
 *
 * @example
 *   id: spec-custom-admin-needs-oauth
 *   title: Admin operations use OAuth
 *   severity: high
 *   owasp: API5:2023
 *   cwe: CWE-285
 *   given: operations
 *   where: { field: path, matches: '^/admin(/|$)' }
 *   then: { field: security, exists: true }
 *   message: '{{label}} is an admin operation without authentication'
 *   remediation: Require an OAuth2 scheme with an admin scope.
 */

/** The model collections a custom rule can be given. */
export const CUSTOM_RULE_COLLECTIONS = ['document', 'operations', 'parameters', 'responses', 'schemas', 'securitySchemes', 'servers'] as const;
export type CustomRuleCollection = (typeof CUSTOM_RULE_COLLECTIONS)[number];

export const CUSTOM_RULE_ID = /^spec-custom-[a-z0-9]+(-[a-z0-9]+)*$/;

const OPERATORS = ['exists', 'absent', 'equals', 'notEquals', 'in', 'matches', 'notMatches'] as const;

const Scalar = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);

function patternProblem(pattern: string): string | null {
  try {
    compileLinearRegex(pattern);
    return null;
  } catch (err) {
    if (err instanceof LinearRegexError) return err.message;
    throw err;
  }
}

const Pattern = z.string().superRefine((p, ctx) => {
  const problem = patternProblem(p);
  if (problem) ctx.addIssue({ code: 'custom', message: `pattern not accepted: ${problem} (see docs/spec-audit.md for the supported syntax)` });
});

export const CustomCondition = z
  .strictObject({
    /** Dotted path into the element: `path`, `extensions.x-rate-limit`, `schema.maxLength`, `parameters.name`. */
    field: z.string().min(1).max(200).regex(/^[^.]+(\.[^.]+){0,9}$/, 'field is a dotted path of at most 10 names, like "schema.maxLength"'),
    exists: z.literal(true).optional(),
    absent: z.literal(true).optional(),
    equals: Scalar.optional(),
    notEquals: Scalar.optional(),
    in: z.array(Scalar).min(1).max(200).optional(),
    matches: Pattern.optional(),
    notMatches: Pattern.optional(),
  })
  .refine((c) => OPERATORS.filter((op) => c[op] !== undefined).length === 1, {
    message: `a condition has exactly one of ${OPERATORS.join(', ')}`,
  });
export type CustomCondition = z.infer<typeof CustomCondition>;

/** One condition or a list of them (all must hold). Always a list once parsed, so errors name the condition. */
const Conditions = z.preprocess((v) => (Array.isArray(v) ? v : [v]), z.array(CustomCondition).min(1).max(20));

export const CustomRuleDef = z.strictObject({
  id: z.string().regex(CUSTOM_RULE_ID, 'custom rule ids are kebab-case and start with "spec-custom-"'),
  title: z.string().min(1).max(120),
  severity: Severity,
  owasp: OwaspApi,
  cwe: z.string().regex(/^CWE-\d+$/, 'cwe looks like "CWE-285"'),
  category: z.enum(['security', 'data-validation']).default('security'),
  tags: z.array(z.string().min(1).max(40)).max(20).default([]),
  rationale: z.string().max(2000).default(''),
  remediation: z.string().min(1).max(2000),
  /** `{{field.path}}` is replaced by that field of the element, `{{label}}` by a short name of it. */
  message: z.string().min(1).max(500).optional(),
  given: z.enum(CUSTOM_RULE_COLLECTIONS),
  /** All must hold for the element to be checked; no `where` checks every element. */
  where: Conditions.optional(),
  /** All must hold, or the element is a finding. */
  then: Conditions,
});
export type CustomRuleDef = z.input<typeof CustomRuleDef>;

interface Element {
  view: Record<string, unknown>;
  pointer: string;
  label: string;
}

/** A schema as a rule author sees it: its keywords as written, its name and property name. */
function schemaView(node: SchemaNode | null, property: string | null = null): Record<string, unknown> | null {
  if (!node) return null;
  return { ...node.raw, name: node.refName, property, types: node.types, format: node.format };
}

const opLabel = (op: SpecOperation) => `${op.method.toUpperCase()} ${op.path}`;
const opSummary = (op: SpecOperation) => ({ method: op.method, path: op.path, operationId: op.operationId, tags: op.tags, deprecated: op.deprecated });

function* elements(model: SpecModel, given: CustomRuleCollection): Generator<Element> {
  switch (given) {
    case 'document':
      yield {
        view: {
          dialect: model.dialect,
          declaredVersion: model.declaredVersion,
          info: model.info,
          security: model.security,
          servers: model.servers.map((s) => s.url),
          securitySchemes: model.securitySchemes.map((s) => s.name),
          tags: model.tags.map((t) => t.name),
          extensions: model.extensions,
          raw: model.raw,
        },
        pointer: '',
        label: 'the document',
      };
      return;
    case 'operations':
      for (const op of model.operations) {
        const media = (m: SpecMediaType) => ({ ...m, schema: schemaView(m.schema) });
        const view = {
          ...op,
          parameters: op.parameters.map((p) => ({ ...p, schema: schemaView(p.schema) })),
          requestBody: op.requestBody && { ...op.requestBody, content: op.requestBody.content.map(media) },
          responses: op.responses.map((r) => ({ ...r, headers: r.headers.map((h) => ({ ...h, schema: schemaView(h.schema) })), content: r.content.map(media) })),
        };
        yield { view, pointer: op.pointer, label: opLabel(op) };
      }
      return;
    case 'parameters':
      for (const op of model.operations) {
        for (const p of op.parameters) {
          yield { view: { ...p, schema: schemaView(p.schema), operation: opSummary(op) }, pointer: p.pointer, label: `${p.in} parameter "${p.name}" of ${opLabel(op)}` };
        }
      }
      return;
    case 'responses':
      for (const op of model.operations) {
        for (const r of op.responses) {
          yield {
            view: { status: r.status, description: r.description, headers: r.headers.map((h) => h.name), contentTypes: r.content.map((c) => c.contentType), operation: opSummary(op) },
            pointer: r.pointer,
            label: `response ${r.status} of ${opLabel(op)}`,
          };
        }
      }
      return;
    case 'schemas': {
      const propertyOf = new Map<SchemaNode, string>();
      const all = [...walkSchemas(model)];
      for (const s of all) for (const c of s.children) if (c.via.startsWith('properties/')) propertyOf.set(c.schema, c.via.slice('properties/'.length));
      // walkSchemas' order follows a stack; sort by pointer so findings come out in a stable order.
      all.sort((a, b) => (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0));
      for (const s of all) {
        const property = propertyOf.get(s) ?? null;
        yield { view: schemaView(s, property)!, pointer: s.pointer, label: s.refName ? `schema ${s.refName}` : property ? `property "${property}"` : `schema at ${s.pointer}` };
      }
      return;
    }
    case 'securitySchemes':
      for (const s of model.securitySchemes) yield { view: { ...s }, pointer: s.pointer, label: `security scheme "${s.name}"` };
      return;
    case 'servers': {
      const seen = new Set<string>();
      for (const s of [...model.servers, ...model.operations.flatMap((op) => op.servers)]) {
        if (seen.has(s.pointer)) continue;
        seen.add(s.pointer);
        yield { view: { ...s }, pointer: s.pointer, label: `server ${s.url}` };
      }
      return;
    }
  }
}

/** The value at a dotted path; through an array, the values of each element (one level, flattened). */
export function fieldValue(view: unknown, field: string): unknown {
  let cur: unknown = view;
  for (const seg of field.split('.')) {
    if (Array.isArray(cur)) {
      if (/^\d+$/.test(seg)) cur = cur[Number(seg)];
      else cur = cur.flatMap((e) => (isRecord(e) && Object.hasOwn(e, seg) ? [e[seg]] : [])).filter((v) => v !== undefined && v !== null);
    } else if (isRecord(cur) && Object.hasOwn(cur, seg)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const present = (v: unknown) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
/** Scalars compare as text: a YAML `200` equals the status `'200'`. */
const sameScalar = (a: unknown, b: unknown) => (a === null ? b === null : isScalar(a) && b !== null && String(a) === String(b));
const anyOf = (v: unknown, test: (x: unknown) => boolean) => (Array.isArray(v) ? v.some(test) : test(v));

interface CompiledCondition {
  field: string;
  holds(view: Record<string, unknown>): boolean;
}

function compileCondition(c: CustomCondition): CompiledCondition {
  const get = (view: Record<string, unknown>) => fieldValue(view, c.field);
  const re = (p: string): LinearRegex => compileLinearRegex(p);
  const matches = (r: LinearRegex) => (v: unknown) => anyOf(v, (x) => isScalar(x) && r.test(String(x)));
  let holds: (v: unknown) => boolean;
  if (c.exists) holds = present;
  else if (c.absent) holds = (v) => !present(v);
  else if (c.equals !== undefined) holds = (v) => anyOf(v, (x) => sameScalar(x, c.equals));
  else if (c.notEquals !== undefined) holds = (v) => !anyOf(v, (x) => sameScalar(x, c.notEquals));
  else if (c.in !== undefined) holds = (v) => anyOf(v, (x) => c.in!.some((y) => sameScalar(x, y)));
  else if (c.matches !== undefined) holds = matches(re(c.matches));
  else {
    const m = matches(re(c.notMatches!));
    holds = (v) => !m(v);
  }
  return { field: c.field, holds: (view) => holds(get(view)) };
}

function render(template: string, el: Element): string {
  return template.replace(/\{\{\s*([^{}\s]{1,200})\s*\}\}/g, (_m, field: string) => {
    if (field === 'label') return el.label;
    const v = fieldValue(el.view, field);
    if (Array.isArray(v)) return v.filter(isScalar).join(', ');
    return isScalar(v) ? String(v) : '';
  });
}

/** Turns a declared custom rule (already validated by `CustomRuleDef`) into a `SpecRule`. */
export function customRule(input: CustomRuleDef): SpecRule {
  const def = CustomRuleDef.parse(input);
  const where = (def.where ?? []).map(compileCondition);
  const then = def.then.map(compileCondition);
  const message = def.message ?? `${def.title}: {{label}}`;
  return {
    id: def.id,
    title: def.title,
    severity: def.severity,
    owasp: def.owasp,
    cwe: def.cwe,
    category: def.category,
    tags: ['custom', ...def.tags],
    rationale: def.rationale || def.title,
    remediation: def.remediation,
    *check(model: SpecModel): Iterable<RuleHit> {
      const seen = new Set<string>();
      for (const el of elements(model, def.given)) {
        if (!where.every((c) => c.holds(el.view))) continue;
        if (then.every((c) => c.holds(el.view))) continue;
        const hit = { pointer: el.pointer, message: render(message, el) };
        // A path-level parameter or a shared `$ref` response is one place to fix, however many operations use it.
        const key = `${hit.pointer}\n${hit.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        yield hit;
      }
    },
  };
}
