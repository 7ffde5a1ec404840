import { describe, expect, it } from 'vitest';
import type { DriftKind } from '../contracts/conformance.js';
import { evaluateConformance, type ConformanceTarget } from './findings.js';
import { CONFORMANCE_RULES, type ConformanceRule, type ConformanceSubject, type DriftView } from './rules.js';

/** Table tests: each rule on subjects that must fire it and subjects that must not. */

const rule = (id: string): ConformanceRule => CONFORMANCE_RULES.find((r) => r.id === id)!;

const shadow = (over: Partial<Extract<ConformanceSubject, { kind: 'shadow' }>> = {}): ConformanceSubject => ({
  kind: 'shadow',
  active: true,
  method: 'GET',
  pathTemplate: '/v1/internal/export',
  calls: 12,
  specNames: ['Shop API'],
  ...over,
});

const operation = (over: Partial<Extract<ConformanceSubject, { kind: 'operation' }>> = {}): ConformanceSubject => ({
  kind: 'operation',
  active: true,
  specName: 'Shop API',
  version: 3,
  method: 'GET',
  path: '/orders',
  deprecated: false,
  calls: 40,
  lastSeen: '2026-11-20T10:00:00.000Z',
  orphan: false,
  orphanAfterDays: 30,
  drift: [],
  driftDropped: 0,
  ...over,
});

const drift = (kind: DriftKind, field: string, count: number, accepted = count, over: Partial<DriftView> = {}): DriftView => ({
  kind,
  location: kind === 'undocumented-status' ? 'status' : kind === 'undocumented-content-type' ? 'content-type' : kind.includes('body') ? 'response body' : 'query',
  field,
  keyword: null,
  message: 'm',
  count,
  accepted,
  ...over,
});

type Case = [name: string, subject: ConformanceSubject, expected: { occurrences: number; summary?: RegExp } | null];

const TABLE: Record<string, Case[]> = {
  'conformance-shadow-endpoint': [
    ['an endpoint no operation documents', shadow(), { occurrences: 12, summary: /^12 calls to GET \/v1\/internal\/export, which no operation of Shop API documents$/ }],
    ['no calls yet', shadow({ calls: 0 }), null],
    ['documented since (inactive)', shadow({ active: false }), null],
    ['an operation subject', operation(), null],
  ],
  'conformance-zombie-operation': [
    ['a deprecated operation still called', operation({ deprecated: true, calls: 7 }), { occurrences: 7, summary: /deprecated in Shop API v3/ }],
    ['deprecated, never called', operation({ deprecated: true, calls: 0 }), null],
    ['called, not deprecated', operation(), null],
    ['removed from the spec', operation({ deprecated: true, active: false }), null],
  ],
  'conformance-orphan-operation': [
    ['never called', operation({ orphan: true, calls: 0, lastSeen: null }), { occurrences: 1, summary: /was never called in the observed traffic/ }],
    ['not called within the period', operation({ orphan: true }), { occurrences: 1, summary: /has not been called since 2026-11-20T10:00:00.000Z \(over 30 days/ }],
    ['called within the period', operation(), null],
  ],
  'conformance-drift-undocumented-parameter': [
    ['undocumented query parameters, accepted', operation({ drift: [drift('undocumented-parameter', 'debug', 9), drift('undocumented-parameter', 'x-internal', 2, 2, { location: 'header' })] }), { occurrences: 11, summary: /query "debug" ×9, header "x-internal" ×2/ }],
    ['only rejected calls (4xx)', operation({ drift: [drift('undocumented-parameter', 'debug', 9, 0)] }), null],
    ['other drift only', operation({ drift: [drift('undocumented-status', '500', 3)] }), null],
  ],
  'conformance-drift-missing-parameter': [
    ['a required parameter missing, accepted', operation({ drift: [drift('missing-required-parameter', 'customerId', 4)] }), { occurrences: 4, summary: /query "customerId" ×4/ }],
    ['rejected', operation({ drift: [drift('missing-required-parameter', 'customerId', 4, 0)] }), null],
  ],
  'conformance-drift-parameter-schema': [
    ['a value outside its schema, accepted', operation({ drift: [drift('parameter-schema', 'limit', 3, 2, { keyword: 'maximum' })] }), { occurrences: 2, summary: /query "limit" \(maximum\) ×2/ }],
    ['rejected', operation({ drift: [drift('parameter-schema', 'limit', 3, 0)] }), null],
  ],
  'conformance-drift-request-body-schema': [
    ['an extra property, accepted', operation({ drift: [drift('request-body-schema', '/role', 5, 5, { location: 'request body', keyword: 'additionalProperties' })] }), { occurrences: 5, summary: /request body \/role \(additionalProperties\) ×5/ }],
    ['rejected', operation({ drift: [drift('request-body-schema', '/role', 5, 0, { location: 'request body' })] }), null],
  ],
  'conformance-drift-undocumented-status': [
    ['a 500 the spec does not list', operation({ drift: [drift('undocumented-status', '500', 19), drift('undocumented-status', '409', 3)] }), { occurrences: 22, summary: /status 500 ×19, status 409 ×3/ }],
    ['none', operation(), null],
  ],
  'conformance-drift-undocumented-content-type': [
    [
      'an XML request body',
      operation({ drift: [drift('undocumented-content-type', 'request', 3, 3, { message: 'request content type application/xml is not in the spec' })] }),
      { occurrences: 3, summary: /request application\/xml ×3/ },
    ],
    ['none', operation(), null],
  ],
  'conformance-drift-response-body-schema': [
    ['an undocumented response property (counted whatever the status)', operation({ drift: [drift('response-body-schema', '/passwordHash', 6, 0, { keyword: 'additionalProperties' })] }), { occurrences: 6, summary: /response body \/passwordHash \(additionalProperties\) ×6/ }],
    ['whole-body failure', operation({ drift: [drift('response-body-schema', '', 1, 0, { keyword: 'type' })] }), { occurrences: 1, summary: /response body \(whole body\) \(type\) ×1/ }],
    ['removed operation', operation({ active: false, drift: [drift('response-body-schema', '/x', 6)] }), null],
  ],
};

describe('conformance rules', () => {
  it('has table cases for every rule', () => {
    expect(Object.keys(TABLE).sort()).toEqual(CONFORMANCE_RULES.map((r) => r.id).sort());
  });

  for (const [id, table] of Object.entries(TABLE)) {
    it.each(table)(`${id}: %s`, (_name, subject, expected) => {
      const drafts = rule(id).evaluate(subject);
      if (expected === null) expect(drafts).toEqual([]);
      else {
        expect(drafts).toHaveLength(1);
        expect(drafts[0]!.occurrences).toBe(expected.occurrences);
        if (expected.summary) expect(drafts[0]!.summary).toMatch(expected.summary);
      }
    });
  }

  it('names at most five fields in a drift summary', () => {
    const many = operation({ drift: Array.from({ length: 8 }, (_, i) => drift('undocumented-parameter', `p${i}`, 10 - i)) });
    expect(rule('conformance-drift-undocumented-parameter').evaluate(many)[0]!.summary).toMatch(/query "p4" ×6, and 3 more$/);
  });
});

describe('evaluateConformance', () => {
  const target: ConformanceTarget = { key: 'ep-1', endpointId: 'ep-1', host: 'api.shop.test', method: 'GET', pathTemplate: '/v1/x', firstSeen: '2026-11-20T10:00:00.000Z', lastSeen: '2026-11-21T10:00:00.000Z' };
  const at = '2026-11-22T00:00:00.000Z';

  it('reports what is new since the last report, with a stable id, and resolves a finding whose rule stops firing', () => {
    const reported: Record<string, number> = {};
    const first = evaluateConformance(CONFORMANCE_RULES, shadow({ calls: 5 }), target, reported, at);
    expect(first).toEqual([expect.objectContaining({ ruleId: 'conformance-shadow-endpoint', count: 5, status: 'open', endpointId: 'ep-1', firstSeen: target.firstSeen, lastSeen: target.lastSeen })]);
    expect(evaluateConformance(CONFORMANCE_RULES, shadow({ calls: 5 }), target, reported, at)).toEqual([]);
    const more = evaluateConformance(CONFORMANCE_RULES, shadow({ calls: 8 }), target, reported, at);
    expect(more.map((f) => [f.id, f.count])).toEqual([[first[0]!.id, 3]]);
    const resolved = evaluateConformance(CONFORMANCE_RULES, shadow({ calls: 8, active: false }), target, reported, at);
    expect(resolved).toEqual([expect.objectContaining({ id: first[0]!.id, status: 'resolved', count: 0 })]);
    expect(reported).toEqual({});
  });

  it('a rule that throws becomes a rule-error finding; the other rules still run', () => {
    const broken: ConformanceRule = { ...rule('conformance-shadow-endpoint'), id: 'conformance-broken', evaluate: () => { throw new Error('boom'); } };
    const out = evaluateConformance([broken, rule('conformance-shadow-endpoint')], shadow(), target, {}, at);
    expect(out.map((f) => f.ruleId)).toEqual(['rule-error', 'conformance-shadow-endpoint']);
    expect(out[0]!.evidence.summary).toBe('rule conformance-broken threw: boom');
  });
});
