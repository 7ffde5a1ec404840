import { describe, expect, it } from 'vitest';
import { Risk } from '../contracts/endpoint.js';
import { loadConfig } from '../config/config.js';
import { RISK_FORMULA, businessCriticalityFactor, businessRiskSettings, levelOf, scoreRisk, withBusinessFactor, withoutBusinessFactor, type RiskInput } from './score.js';

const defaults = loadConfig({ env: {} }).risk;
const withWeights = (weights: Record<string, number>) => loadConfig({ env: {}, overrides: { risk: { weights } } }).risk;

/** A documented, authenticated, internal read: no factor applies. */
const QUIET: RiskInput = {
  method: 'GET',
  pathTemplate: '/health',
  calls: 100,
  internetExposed: false,
  unauthenticatedShare: 0,
  plainHttpShare: 0,
  weakAuth: [],
  dataClasses: [],
  documented: true,
};

/** Everything applies. */
const LOUD: RiskInput = {
  method: 'DELETE',
  pathTemplate: '/users/{userId}',
  calls: 100,
  internetExposed: true,
  unauthenticatedShare: 1,
  plainHttpShare: 0.5,
  weakAuth: ['basic'],
  dataClasses: [
    { id: 'email', sensitivity: 'medium' },
    { id: 'payment-card', sensitivity: 'critical' },
  ],
  documented: false,
};

const factor = (input: RiskInput, id: string, config = defaults) => scoreRisk(input, config).factors.find((f) => f.id === id);

describe('scoreRisk', () => {
  it('the same input always gives the same score and explanation', () => {
    const a = scoreRisk(LOUD, defaults);
    const b = scoreRisk(structuredClone(LOUD), defaults);
    expect(b).toEqual(a);
    expect(Risk.safeParse(a).success).toBe(true);
    expect(a.formula).toBe(RISK_FORMULA);
  });

  it('an endpoint where nothing applies scores 0, low, with no factors', () => {
    expect(scoreRisk(QUIET, defaults)).toEqual({ score: 0, level: 'low', factors: [], formula: RISK_FORMULA });
  });

  it.each([
    ['internet-exposed', { internetExposed: true }, defaults.weights.internetExposed, 1],
    ['unauthenticated', { unauthenticatedShare: 0.4 }, defaults.weights.unauthenticated, 0.4],
    ['sensitive-data', { dataClasses: [{ id: 'email', sensitivity: 'medium' as const }] }, defaults.weights.sensitiveData, 0.5],
    ['sensitive-data', { dataClasses: [{ id: 'ip-address', sensitivity: 'low' as const }, { id: 'us-ssn', sensitivity: 'critical' as const }] }, defaults.weights.sensitiveData, 1],
    ['plain-http', { plainHttpShare: 0.01 }, defaults.weights.plainHttp, 1],
    ['weak-auth', { weakAuth: ['jwt-alg-none'] }, defaults.weights.weakAuth, 1],
    ['object-ids-in-path', { pathTemplate: '/orders/{orderId}/items' }, defaults.weights.objectIdsInPath, 1],
    ['object-ids-in-path', { pathTemplate: '/accounts/{accountNumber}' }, defaults.weights.objectIdsInPath, 1],
    ['write-method', { method: 'PATCH' }, defaults.weights.writeMethod, 1],
    ['undocumented', { documented: false }, defaults.weights.undocumented, 1],
  ] as const)('%s alone: points = weight x value, and the score is those points', (id, patch, weight, value) => {
    const input = { ...QUIET, ...patch } as RiskInput;
    const risk = scoreRisk(input, defaults);
    expect(risk.factors.map((f) => f.id)).toEqual([id]);
    const f = risk.factors[0]!;
    expect(f).toMatchObject({ weight, value, points: Math.round(weight * value * 100) / 100 });
    expect(risk.score).toBe(f.points);
  });

  it('factors that do not apply are absent, not zero', () => {
    expect(factor({ ...QUIET, pathTemplate: '/orders/{status}' }, 'object-ids-in-path')).toBeUndefined();
    expect(factor({ ...QUIET, method: 'GET' }, 'write-method')).toBeUndefined();
    expect(factor({ ...QUIET, unauthenticatedShare: 0 }, 'unauthenticated')).toBeUndefined();
  });

  it('explains each factor with a detail a user can read', () => {
    expect(factor({ ...QUIET, unauthenticatedShare: 0.25 }, 'unauthenticated')?.detail).toBe('25% of calls carry no credential');
    expect(factor(LOUD, 'sensitive-data')?.detail).toBe('email, payment-card');
    expect(factor(LOUD, 'weak-auth')?.detail).toBe('basic');
  });

  it('a share above 1 counts as 1', () => {
    expect(factor({ ...QUIET, unauthenticatedShare: 3 }, 'unauthenticated')).toMatchObject({ value: 1, points: defaults.weights.unauthenticated });
  });

  it('the score is the sum of the points, capped at 10', () => {
    const risk = scoreRisk(LOUD, defaults);
    const sum = risk.factors.reduce((s, f) => s + f.points, 0);
    expect(sum).toBeGreaterThan(10);
    expect(risk.score).toBe(10);
    expect(risk.level).toBe('critical');
    const partial = scoreRisk({ ...QUIET, internetExposed: true, unauthenticatedShare: 1 }, defaults);
    expect(partial.score).toBe(defaults.weights.internetExposed + defaults.weights.unauthenticated);
  });

  it('config weights change the score; a zero weight removes the factor', () => {
    const base = scoreRisk(LOUD, defaults);
    expect(base.factors.some((f) => f.id === 'sensitive-data')).toBe(true);
    const noData = scoreRisk(LOUD, withWeights({ sensitiveData: 0 }));
    expect(noData.factors.some((f) => f.id === 'sensitive-data')).toBe(false);
    const input = { ...QUIET, internetExposed: true };
    expect(scoreRisk(input, defaults).score).toBe(2);
    expect(scoreRisk(input, withWeights({ internetExposed: 5 })).score).toBe(5);
    expect(scoreRisk(input, withWeights({ internetExposed: 0 }))).toMatchObject({ score: 0, factors: [] });
  });
});

describe('levelOf', () => {
  it.each([
    [0, 'low'],
    [3.49, 'low'],
    [3.5, 'medium'],
    [5.99, 'medium'],
    [6, 'high'],
    [7.99, 'high'],
    [8, 'critical'],
    [10, 'critical'],
  ] as const)('score %s is %s with the default thresholds', (score, level) => {
    expect(levelOf(score, defaults.levels)).toBe(level);
  });

  it('thresholds come from config', () => {
    const levels = loadConfig({ env: {}, overrides: { risk: { levels: { medium: 1, high: 2, critical: 3 } } } }).risk.levels;
    expect(levelOf(2.5, levels)).toBe('high');
    expect(scoreRisk({ ...QUIET, internetExposed: true }, { ...defaults, levels }).level).toBe('high');
    expect(scoreRisk({ ...QUIET, internetExposed: true }, defaults).level).toBe('low');
  });
});

describe('business criticality', () => {
  it('is weight x value of the owning application\'s criticality, naming the application; weight 1 by default', () => {
    expect(defaults.weights.businessCriticality).toBe(1);
    expect(businessCriticalityFactor({ name: 'Payments', criticality: 'critical' }, 1)).toEqual({
      id: 'business-criticality',
      label: 'Business criticality',
      weight: 1,
      value: 1,
      points: 1,
      detail: 'Payments: critical',
    });
    expect(['low', 'medium', 'high', 'critical'].map((c) => businessCriticalityFactor({ name: 'A', criticality: c as 'low' }, 2)?.points)).toEqual([0.5, 1, 1.5, 2]);
    // No application, or weight 0: no factor.
    expect(businessCriticalityFactor(null, 1)).toBeNull();
    expect(businessCriticalityFactor({ name: 'A', criticality: 'critical' }, 0)).toBeNull();
    expect(businessRiskSettings(withWeights({ businessCriticality: 3 }))).toEqual({ weight: 3, levels: defaults.levels });
  });

  it('adds its points to the traffic score (capped at 10); the level follows, never below the traffic level', () => {
    const critical = businessCriticalityFactor({ name: 'A', criticality: 'critical' }, 1);
    expect(withBusinessFactor({ score: 5.5, level: 'medium' }, critical, defaults.levels)).toEqual({ score: 6.5, level: 'high' });
    expect(withBusinessFactor({ score: 9.6, level: 'critical' }, critical, defaults.levels)).toEqual({ score: 10, level: 'critical' });
    expect(withBusinessFactor({ score: 1, level: 'high' }, critical, defaults.levels)).toEqual({ score: 2, level: 'high' });
    expect(withBusinessFactor({ score: 5.5, level: 'medium' }, null, defaults.levels)).toEqual({ score: 5.5, level: 'medium' });
  });

  it('comes off a risk handed back, leaving the traffic risk', () => {
    const traffic = scoreRisk(LOUD, defaults);
    const high = businessCriticalityFactor({ name: 'A', criticality: 'high' }, 1)!;
    const quiet = scoreRisk({ ...QUIET, internetExposed: true }, defaults);
    const withIt = { ...quiet, ...withBusinessFactor(quiet, high, defaults.levels), factors: [...quiet.factors, high] };
    expect(withoutBusinessFactor(withIt, defaults.levels)).toEqual(quiet);
    // Capped at 10: the other factors' sum decides.
    const capped = { ...traffic, factors: [...traffic.factors, high] };
    expect(withoutBusinessFactor(capped, defaults.levels).score).toBe(traffic.score);
    expect(withoutBusinessFactor(traffic, defaults.levels)).toBe(traffic);
  });
});
