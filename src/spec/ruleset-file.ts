import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { Severity } from '../contracts/finding.js';
import { DomainError, invalidInput, notFound } from '../errors/domain-errors.js';
import { CustomRuleDef, customRule } from './custom-rule.js';
import { SpecRuleOverride } from './audit/audit.js';
import type { SpecRule } from './audit/rule.js';

/**
 * The spec-audit ruleset file, kept in the repository next to the spec: switch rules off, re-rate them,
 * add custom rules declared as data. Found as `.bulwark-spec-rules.yaml` (or `.yml`, `.json`) in the
 * current directory, or given with `--ruleset`.
 *
 * @example
 *   rules:
 *     spec-security-http-server: off            # switched off
 *     spec-schema-string-unbounded: low         # re-rated
 *     spec-security-apikey-in-query: { severity: critical }
 *   custom:
 *     - id: spec-custom-admin-needs-auth
 *       title: Admin operations require authentication
 *       severity: high
 *       owasp: API5:2023
 *       cwe: CWE-285
 *       given: operations
 *       where: { field: path, matches: '^/admin(/|$)' }
 *       then: { field: security, exists: true }
 *       remediation: Protect admin operations with an OAuth2 scheme and an admin scope.
 */

export const RULESET_FILE_NAMES = ['.bulwark-spec-rules.yaml', '.bulwark-spec-rules.yml', '.bulwark-spec-rules.json'] as const;

/** A ruleset file is configuration, not data: anything this large is a mistake. */
export const MAX_RULESET_BYTES = 1024 * 1024;

export const RuleSetting = z.union(
  [z.literal('off'), z.literal(false), Severity, SpecRuleOverride],
  { error: 'a rule setting is off, a severity (info, low, medium, high, critical) or { severity, enabled }' },
);
export type RuleSetting = z.infer<typeof RuleSetting>;

export const RulesetFile = z.strictObject({
  /** Rule id -> `off`, a severity, or `{ severity?, enabled? }`; built-in and custom rules alike. */
  rules: z.record(z.string(), RuleSetting).default({}),
  custom: z.array(CustomRuleDef).max(200).default([]),
});
export type RulesetFile = z.input<typeof RulesetFile>;

export interface ResolvedRuleset {
  /** The file the ruleset came from; null when there is none (the built-in rules as they are). */
  source: string | null;
  /** The rules to run: built-in then custom, without the switched-off ones, with their severities. */
  rules: SpecRule[];
  disabled: string[];
  rerated: Array<{ id: string; from: Severity; to: Severity }>;
  custom: string[];
}

/** The ruleset file in `dir`, if there is one. */
export function findRulesetFile(dir: string): string | null {
  for (const name of RULESET_FILE_NAMES) {
    const file = path.join(dir, name);
    if (existsSync(file)) return file;
  }
  return null;
}

/** Reads and applies a ruleset file. A missing file is `not_found`; every other problem is `invalid_input`, naming the file and where in it. */
export function loadRulesetFile(file: string, builtIn: readonly SpecRule[]): ResolvedRuleset {
  let text: string;
  try {
    if (statSync(file).size > MAX_RULESET_BYTES) throw invalidInput(`ruleset file ${file} is larger than ${MAX_RULESET_BYTES / 1024} KiB`);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof DomainError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(`ruleset file ${file} not found`);
    throw invalidInput(`ruleset file ${file} cannot be read`);
  }
  return parseRuleset(text, file, builtIn);
}

/** Parses ruleset text (YAML, or JSON for a `.json` source) and applies it to the built-in rules. */
export function parseRuleset(text: string, source: string, builtIn: readonly SpecRule[]): ResolvedRuleset {
  const json = source.endsWith('.json');
  let raw: unknown;
  try {
    raw = json ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw invalidInput(`ruleset file ${source} is not valid ${json ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = RulesetFile.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(top level)';
    throw invalidInput(`ruleset file ${source}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return applyRuleset(parsed.data, builtIn, source);
}

/** Applies a validated ruleset to the built-in rules. Rules keep their order: built-in first, then custom. */
export function applyRuleset(ruleset: z.output<typeof RulesetFile>, builtIn: readonly SpecRule[], source: string | null): ResolvedRuleset {
  const where = source ?? 'ruleset';
  const known = new Map(builtIn.map((r) => [r.id, r]));
  const custom: SpecRule[] = [];
  for (const [i, def] of ruleset.custom.entries()) {
    if (known.has(def.id)) throw invalidInput(`ruleset file ${where}: custom.${i}.id: "${def.id}" is already the id of ${custom.some((r) => r.id === def.id) ? 'another custom rule' : 'a built-in rule'}`);
    const rule = customRule(def);
    known.set(rule.id, rule);
    custom.push(rule);
  }

  const disabled: string[] = [];
  const rerated: ResolvedRuleset['rerated'] = [];
  const severityOf = new Map<string, Severity>();
  for (const [id, setting] of Object.entries(ruleset.rules)) {
    const rule = known.get(id);
    if (!rule) {
      const hint = closest(id, [...known.keys()]);
      throw invalidInput(`ruleset file ${where}: rules: unknown rule id "${id}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
    }
    const { enabled, severity } = setting === 'off' || setting === false ? { enabled: false, severity: undefined } : typeof setting === 'string' ? { enabled: true, severity: setting } : setting;
    if (enabled === false) disabled.push(id);
    else if (severity && severity !== rule.severity) {
      severityOf.set(id, severity);
      rerated.push({ id, from: rule.severity, to: severity });
    }
  }

  const off = new Set(disabled);
  const rules = [...builtIn, ...custom]
    .filter((r) => !off.has(r.id))
    .map((r) => {
      const severity = severityOf.get(r.id);
      // A copy with the new severity; `check` stays bound to the original record.
      return severity ? { ...r, severity, check: (m: Parameters<SpecRule['check']>[0]) => r.check(m) } : r;
    });
  return { source, rules, disabled: disabled.sort(), rerated: rerated.sort((a, b) => (a.id < b.id ? -1 : 1)), custom: custom.map((r) => r.id) };
}

/** The known id nearest to a typo, when it is near enough to be a likely meaning. */
function closest(id: string, ids: string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(3, Math.floor(id.length / 4)) + 1;
  for (const candidate of ids.sort()) {
    const d = editDistance(id, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 10 || a.length > 200 || b.length > 200) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
