import { pathToFileURL } from 'node:url';
import type { Severity } from '../../contracts/finding.js';
import type { SourceLocation } from '../model.js';
import { artifactUri, describedRules, sortFindings, SRCROOT, TOOL_NAME, type ReportOptions, type SpecAuditResult } from './report.js';

/**
 * SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it: one run, the rules that ran in
 * `tool.driver.rules` (with OWASP/CWE tags and a numeric `security-severity`), one result per finding
 * with its place in the spec file (relative to the working directory, under `%SRCROOT%`) and the
 * finding's fingerprint as a partial fingerprint, so a finding keeps its alert across runs.
 */

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** SARIF result level: GitHub shows `error` as an error, `warning` as a warning, `note` as a note. */
export const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

/**
 * GitHub code scanning's `security-severity` (0.0-10.0, CVSS-like bands: over 9.0 critical, 7.0-8.9 high,
 * 4.0-6.9 medium, 0.1-3.9 low). `info` has none: it is shown by level only.
 */
export const SECURITY_SEVERITY: Record<Severity, string | null> = { critical: '9.5', high: '8.0', medium: '5.5', low: '2.5', info: null };

export const FINGERPRINT_KEY = 'bulwarkFinding/v1';

/** `Operation without security` -> `OperationWithoutSecurity`: SARIF's `name` is an identifier-like word. */
function ruleName(title: string, id: string): string {
  const name = title
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
  return name || id;
}

const cweNumber = (cwe: string) => /^CWE-(\d+)$/.exec(cwe)?.[1] ?? null;

/**
 * A rule as a SARIF log describes it: the shared building block of the spec-audit and spec-diff logs.
 * `tags` are the final SARIF tags; GitHub reads `security-severity` only for rules tagged `security`, so
 * it is given only to those.
 */
export interface SarifRuleInput {
  id: string;
  title: string;
  severity: Severity;
  rationale: string;
  remediation: string;
  /** Shown in the help text when known: `(API2:2023, CWE-306)`. */
  owasp: string | null;
  cwe: string | null;
  tags: string[];
  /** Extra `properties` of the rule, after `precision` and `severity`. */
  properties: Record<string, unknown>;
}

/** One result of a SARIF log: a finding or a change, at its place in a spec file. */
export interface SarifResultInput {
  ruleId: string;
  severity: Severity;
  message: string;
  location: SourceLocation;
  fingerprint: string;
  properties: Record<string, unknown>;
}

/** The SARIF tags of a rule with an OWASP / CWE mapping: `external/cwe/cwe-306` is GitHub's CWE tag form. */
export function sarifTags(tags: readonly string[], owasp: string | null, cwe: string | null): string[] {
  const n = cwe ? cweNumber(cwe) : null;
  return [...new Set([...tags, ...(owasp ? [owasp] : []), ...(n ? [`external/cwe/cwe-${n}`] : [])])];
}

function sarifRule(r: SarifRuleInput): Record<string, unknown> {
  const securitySeverity = r.tags.includes('security') ? SECURITY_SEVERITY[r.severity] : null;
  const mapping = [r.owasp, r.cwe].filter((x): x is string => !!x);
  return {
    id: r.id,
    name: ruleName(r.title, r.id),
    shortDescription: { text: r.title },
    fullDescription: { text: r.rationale || r.title },
    // Rule texts are written by rule authors with markdown code spans (`security: []`): kept as they are.
    help: { text: r.remediation, markdown: `**${r.title}**${mapping.length ? ` (${mapping.join(', ')})` : ''}\n\n${r.rationale || r.title}\n\n**Fix:** ${r.remediation}` },
    defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
    properties: {
      tags: r.tags,
      ...(securitySeverity ? { 'security-severity': securitySeverity } : {}),
      precision: 'high',
      severity: r.severity,
      ...r.properties,
    },
  };
}

/**
 * A SARIF 2.1.0 log of one run: the rules, one result per entry of `results` (in the order given; each
 * must name a rule of `rules`), and the run's `properties`.
 */
export function sarifLog(rules: readonly SarifRuleInput[], results: readonly SarifResultInput[], runProperties: Record<string, unknown>, opts: ReportOptions): Record<string, unknown> {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const driver: Record<string, unknown> = {
    name: TOOL_NAME,
    version: opts.toolVersion,
    semanticVersion: opts.toolVersion,
    rules: rules.map(sarifRule),
  };
  if (opts.informationUri) driver.informationUri = opts.informationUri;
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver },
        // A relative artifact URI resolves against the directory the audit ran in (the checkout, in CI).
        originalUriBaseIds: { [SRCROOT]: { uri: withSlash(pathToFileURL(opts.cwd).href) } },
        columnKind: 'utf16CodeUnits',
        results: results.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: index.get(f.ruleId)!,
          level: SARIF_LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: artifactUri(f.location.file, opts.cwd),
                region: { startLine: Math.max(1, Math.trunc(f.location.line) || 1), startColumn: Math.max(1, Math.trunc(f.location.column) || 1) },
              },
              logicalLocations: [{ fullyQualifiedName: f.location.pointer || '/', kind: 'object' }],
            },
          ],
          partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
          properties: f.properties,
        })),
        properties: runProperties,
      },
    ],
  };
}

export function toSarif(result: SpecAuditResult, opts: ReportOptions): Record<string, unknown> {
  const rules = describedRules(result).map((r) => ({
    id: r.id,
    title: r.title,
    severity: r.severity,
    rationale: r.rationale,
    remediation: r.remediation,
    owasp: r.owasp,
    cwe: r.cwe,
    tags: sarifTags(['security', r.category, ...r.tags], r.owasp, r.cwe),
    properties: { owasp: r.owasp, cwe: r.cwe, category: r.category },
  }));
  const results = sortFindings(result.findings).map((f) => ({
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message || f.title,
    location: f.location,
    fingerprint: f.fingerprint,
    properties: { severity: f.severity, owasp: f.owasp, cwe: f.cwe, category: f.category, pointer: f.location.pointer },
  }));
  return sarifLog(rules, results, {
    score: { total: result.score.total, security: result.score.security, dataValidation: result.score.dataValidation, formula: result.score.formula },
  }, opts);
}

export function formatSarif(result: SpecAuditResult, opts: ReportOptions): string {
  return JSON.stringify(toSarif(result, opts), null, 2) + '\n';
}

const withSlash = (uri: string) => (uri.endsWith('/') ? uri : uri + '/');
