import { describe, expect, it } from 'vitest';
import { SEVERITY_RANK } from '../../contracts/finding.js';
import { modelFromObject } from '../build-model.js';
import { loadSpec } from '../load.js';
import { auditSpec, RULE_ERROR_ID, specFingerprint, SpecRuleOverrides, unknownOverrideIds } from './audit.js';
import { oas, oas31 } from './fixtures/cases-kit.js';
import { SPEC_RULES } from './registry.js';
import type { SpecRule } from './rule.js';

/** A rule record for runner tests: `check` is what varies. */
function rule(id: string, check: SpecRule['check'], extra: Partial<SpecRule> = {}): SpecRule {
  return {
    id,
    title: `Test rule ${id}`,
    severity: 'medium',
    owasp: 'API8:2023',
    cwe: 'CWE-20',
    category: 'data-validation',
    tags: ['test'],
    rationale: 'For the tests of the audit runner.',
    remediation: 'Nothing to do.',
    check,
    ...extra,
  };
}

const model = modelFromObject(oas((d) => (d.paths['/items'].get.security = [])));
const GET_ITEMS = '/paths/~1items/get';
const INFO = '/info';

describe('auditSpec', () => {
  it('maps hits to findings located in the original file, with the rule record and a fingerprint', () => {
    const [f] = auditSpec(model, [rule('spec-test-one', () => [{ pointer: GET_ITEMS, message: 'GET /items is tested' }], { severity: 'high' })]);
    const where = model.locate(GET_ITEMS);
    expect(f).toEqual({
      ruleId: 'spec-test-one',
      title: 'Test rule spec-test-one',
      severity: 'high',
      owasp: 'API8:2023',
      cwe: 'CWE-20',
      category: 'data-validation',
      message: 'GET /items is tested',
      location: where,
      remediation: 'Nothing to do.',
      fingerprint: specFingerprint('spec-test-one', GET_ITEMS, 'GET /items is tested'),
    });
    expect(where.line).toBeGreaterThan(1);
    expect(where.pointer).toBe(GET_ITEMS);
  });

  it('reports the same rule, pointer and message once', () => {
    const twice = rule('spec-test-dup', function* () {
      yield { pointer: INFO, message: 'same' };
      yield { pointer: INFO, message: 'same' };
      yield { pointer: INFO, message: 'different' };
    });
    expect(auditSpec(model, [twice]).map((f) => f.message).sort()).toEqual(['different', 'same']);
  });

  it('sorts by severity (highest first), then line, then rule id', () => {
    const rules = [
      rule('spec-test-b', () => [{ pointer: GET_ITEMS, message: 'b low late' }, { pointer: INFO, message: 'b low early' }], { severity: 'low' }),
      rule('spec-test-a', () => [{ pointer: GET_ITEMS, message: 'a low late' }], { severity: 'low' }),
      rule('spec-test-c', () => [{ pointer: GET_ITEMS, message: 'c critical' }], { severity: 'critical' }),
    ];
    expect(auditSpec(model, rules).map((f) => f.message)).toEqual(['c critical', 'b low early', 'a low late', 'b low late']);
  });

  it('is deterministic', () => {
    const again = modelFromObject(oas((d) => (d.paths['/items'].get.security = [])));
    expect(auditSpec(model)).toEqual(auditSpec(again));
  });

  it('turns a rule that throws into one info finding naming the rule and the cause, and goes on', () => {
    const broken = rule('spec-test-broken', function* () {
      yield { pointer: INFO, message: 'found before failing' };
      throw new TypeError("Cannot read properties of undefined (reading 'x')\n    at stack frames that must not leak");
    });
    const fine = rule('spec-test-fine', () => [{ pointer: GET_ITEMS, message: 'still runs' }]);
    const findings = auditSpec(model, [broken, fine]);
    const error = findings.find((f) => f.ruleId === RULE_ERROR_ID)!;
    expect(error.severity).toBe('info');
    expect(error.title).toBe('Rule spec-test-broken failed');
    expect(error.message).toBe("rule spec-test-broken failed: Cannot read properties of undefined (reading 'x')");
    expect(error.location.file).toBe(model.file);
    expect(findings.map((f) => f.message)).toContain('still runs');
    expect(findings.map((f) => f.message)).toContain('found before failing');
  });

  it('treats a malformed hit as a rule error', () => {
    const bad = rule('spec-test-bad', () => [{ pointer: 42 as unknown as string, message: 'x' }]);
    const [f] = auditSpec(model, [bad]);
    expect(f?.ruleId).toBe(RULE_ERROR_ID);
    expect(f?.message).toContain('malformed hit');
  });

  it('applies overrides: a rule switched off does not run, a re-rated one reports at its new severity', () => {
    let ran = false;
    const off = rule('spec-test-off', () => ((ran = true), [{ pointer: INFO, message: 'off' }]));
    const rerated = rule('spec-test-rerated', () => [{ pointer: INFO, message: 'rerated' }], { severity: 'low' });
    const findings = auditSpec(model, [off, rerated], { overrides: { 'spec-test-off': { enabled: false }, 'spec-test-rerated': { severity: 'critical' } } });
    expect(ran).toBe(false);
    expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([['spec-test-rerated', 'critical']]);
  });

  it('validates overrides and names the ones that match no rule', () => {
    expect(SpecRuleOverrides.safeParse({ 'spec-server-http': { severity: 'critical' }, 'spec-schema-string-unrestricted': { enabled: false } }).success).toBe(true);
    expect(SpecRuleOverrides.safeParse({ 'spec-server-http': { severity: 'urgent' } }).success).toBe(false);
    expect(SpecRuleOverrides.safeParse({ 'spec-server-http': { level: 'high' } }).success).toBe(false);
    expect(unknownOverrideIds({ 'spec-server-http': {}, 'spec-server-htp': {} })).toEqual(['spec-server-htp']);
  });

  it('keeps fingerprints stable: the same problem gets the same fingerprint in another run, a different one another', () => {
    const a = auditSpec(model).find((f) => f.ruleId === 'spec-security-read-unprotected')!;
    const b = auditSpec(modelFromObject(oas((d) => (d.paths['/items'].get.security = [])))).find((f) => f.ruleId === 'spec-security-read-unprotected')!;
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).toMatch(/^[0-9a-f]{24}$/);
    expect(specFingerprint('r', '/a', 'm')).not.toBe(specFingerprint('r', '/a', 'n'));
  });
});

describe('auditSpec on webhooks', () => {
  it('audits the schemas of a webhook, and none of the rules about endpoints the API serves', () => {
    // A bare webhook: no security, no operationId, no 401/429/500/400, an XML body. The API sends it, so
    // authentication, response and request-parsing rules do not apply; its schemas are still checked.
    const doc = oas31((d) => {
      d.webhooks = {
        itemSold: {
          post: {
            parameters: [{ name: 'X-Signature', in: 'header', schema: { type: 'string' } }],
            requestBody: { content: { 'application/xml': { schema: { type: 'object', properties: { email: { type: 'string', format: 'email', maxLength: 254 }, count: { type: 'integer' } } } } } },
            responses: { '200': { description: 'Received' } },
          },
        },
      };
    });
    expect(auditSpec(modelFromObject(oas31()))).toEqual([]);
    const header = '/webhooks/itemSold/post/parameters/0/schema';
    const count = '/webhooks/itemSold/post/requestBody/content/application~1xml/schema/properties/count';
    expect(auditSpec(modelFromObject(doc)).map((f) => [f.ruleId, f.location.pointer]).sort()).toEqual([
      ['spec-schema-integer-no-format', count],
      ['spec-schema-integer-unbounded', count],
      ['spec-schema-string-unbounded', header],
      ['spec-schema-string-unrestricted', header],
    ]);
  });
});

describe("auditSpec on GitHub's REST API description", () => {
  it('runs every rule to completion, with findings and no rule error', async () => {
    const github = await loadSpec('node_modules/@octokit/openapi/generated/api.github.com.json');
    const t0 = performance.now();
    const findings = auditSpec(github);
    const ms = performance.now() - t0;
    expect(findings.filter((f) => f.ruleId === RULE_ERROR_ID).map((f) => f.message)).toEqual([]);
    expect(findings.length).toBeGreaterThan(1000);
    expect(new Set(findings.map((f) => f.ruleId)).size).toBeGreaterThan(30);
    // Sorted, located, unique.
    for (let i = 1; i < findings.length; i++) expect(SEVERITY_RANK[findings[i - 1]!.severity]).toBeGreaterThanOrEqual(SEVERITY_RANK[findings[i]!.severity]);
    expect(findings.every((f) => f.location.line > 0 && f.location.column > 0)).toBe(true);
    expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(findings.length);
    // Known problems of that description, by rule: a query-string token, unbounded strings, no 429s.
    const ids = new Set(findings.map((f) => f.ruleId));
    for (const id of ['spec-param-credentials-in-url', 'spec-schema-string-unbounded', 'spec-response-429-missing', 'spec-param-numeric-id']) expect(ids).toContain(id);
    // A bound on catastrophic behaviour, not a benchmark (the benchmark is in bench/).
    expect(ms).toBeLessThan(20_000);
    expect(SPEC_RULES.length).toBeGreaterThanOrEqual(80);
  }, 120_000);
});
