import type { Risk, RiskFactor, RiskLevel } from '../contracts/endpoint.js';
import type { RiskConfig } from '../config/config.js';
import type { Sensitivity } from '../contracts/data-class.js';
import type { Criticality } from '../contracts/identity.js';

/** What scoring reads of an endpoint: plain facts, so that the same input always gives the same score. */
export interface RiskInput {
  method: string;
  pathTemplate: string;
  calls: number;
  internetExposed: boolean;
  /** Share of calls without any credential, 0..1. */
  unauthenticatedShare: number;
  plainHttpShare: number;
  /** Weak schemes seen: 'basic', 'jwt-alg-none', 'api-key-query', 'digest'. */
  weakAuth: string[];
  dataClasses: Array<{ id: string; sensitivity: Sensitivity }>;
  documented: boolean;
}

const SENSITIVITY_VALUE: Record<Sensitivity, number> = { low: 0.25, medium: 0.5, high: 0.75, critical: 1 };
const ID_PARAM = /\{[^}]*(?:id|uuid|number|key|num)\}/i;
const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const RISK_FORMULA = 'score = min(10, sum of weight x value over factors); value is 0..1 per factor; level: low < medium <= score < high <= score < critical';

/**
 * Explainable endpoint risk: each factor contributes weight x value points; the score is their sum capped at 10.
 *
 * @example
 * scoreRisk({ method: 'GET', pathTemplate: '/users/{id}', internetExposed: true, unauthenticatedShare: 1, ... }, config.risk)
 * // { score: 7.5, level: 'high', factors: [{ id: 'internet-exposed', weight: 2, value: 1, points: 2 }, ...] }
 */
export function scoreRisk(input: RiskInput, config: RiskConfig): Risk {
  const w = config.weights;
  const factors: RiskFactor[] = [];
  const add = (id: string, label: string, weight: number, value: number, detail?: string) => {
    const f = riskFactor(id, label, weight, value, detail);
    if (f) factors.push(f);
  };
  add('internet-exposed', 'Internet exposed', w.internetExposed, input.internetExposed ? 1 : 0, 'called from public client addresses');
  add('unauthenticated', 'Unauthenticated calls', w.unauthenticated, input.unauthenticatedShare, `${Math.round(input.unauthenticatedShare * 100)}% of calls carry no credential`);
  if (input.dataClasses.length) {
    const top = Math.max(...input.dataClasses.map((d) => SENSITIVITY_VALUE[d.sensitivity]));
    const names = [...new Set(input.dataClasses.map((d) => d.id))].sort().join(', ');
    add('sensitive-data', 'Sensitive data', w.sensitiveData, top, names);
  }
  add('plain-http', 'Plain HTTP', w.plainHttp, input.plainHttpShare > 0 ? 1 : 0, `${Math.round(input.plainHttpShare * 100)}% of calls without TLS`);
  add('weak-auth', 'Weak authentication', w.weakAuth, input.weakAuth.length ? 1 : 0, input.weakAuth.join(', '));
  add('object-ids-in-path', 'Object ids in path', w.objectIdsInPath, ID_PARAM.test(input.pathTemplate) ? 1 : 0, 'object-level authorisation must hold for every id');
  add('write-method', 'Write method', w.writeMethod, WRITE.has(input.method) ? 1 : 0, input.method);
  add('undocumented', 'Undocumented', w.undocumented, input.documented ? 0 : 1, 'no specification describes this endpoint');
  const score = round(Math.min(10, factors.reduce((s, f) => s + f.points, 0)));
  return { score, level: levelOf(score, config.levels), factors, formula: RISK_FORMULA };
}

/** One factor, weight x value points (value capped at 1); null when it adds nothing. */
function riskFactor(id: string, label: string, weight: number, value: number, detail?: string): RiskFactor | null {
  if (value <= 0 || weight <= 0) return null;
  const v = Math.min(1, value);
  const f: RiskFactor = { id, label, weight, value: round(v), points: round(weight * v) };
  if (detail) f.detail = detail;
  return f;
}

export const BUSINESS_CRITICALITY_FACTOR = 'business-criticality';
const CRITICALITY_VALUE: Record<Criticality, number> = { low: 0.25, medium: 0.5, high: 0.75, critical: 1 };

/** What the business-criticality factor needs of the configuration. */
export interface BusinessRiskSettings {
  /** `risk.weights.businessCriticality`. */
  weight: number;
  levels: RiskConfig['levels'];
}

export function businessRiskSettings(config: RiskConfig): BusinessRiskSettings {
  return { weight: config.weights.businessCriticality, levels: { ...config.levels } };
}

/**
 * The factor an endpoint gets from the application that owns it (none without an application). It is
 * not part of `scoreRisk`: the store adds it, because the store assigns applications and re-assigns
 * them when rules or criticalities change (see docs/adr/0007-ownership-rules.md).
 *
 * @example
 * businessCriticalityFactor({ name: 'Payments', criticality: 'critical' }, 1)
 * // { id: 'business-criticality', label: 'Business criticality', weight: 1, value: 1, points: 1, detail: 'Payments: critical' }
 */
export function businessCriticalityFactor(app: { name: string; criticality: Criticality } | null, weight: number): RiskFactor | null {
  if (!app) return null;
  return riskFactor(BUSINESS_CRITICALITY_FACTOR, 'Business criticality', weight, CRITICALITY_VALUE[app.criticality], `${app.name}: ${app.criticality}`);
}

/**
 * The score and level with the business factor on top of the traffic score: points add (capped at 10)
 * and the level follows the score, never dropping below the traffic level. Without a factor: unchanged.
 */
export function withBusinessFactor(base: { score: number; level: RiskLevel }, factor: RiskFactor | null, levels: RiskConfig['levels']): { score: number; level: RiskLevel } {
  if (!factor) return { score: base.score, level: base.level };
  const score = round(Math.min(10, base.score + factor.points));
  const level = levelOf(score, levels);
  return { score, level: LEVEL_RANK[level] >= LEVEL_RANK[base.level] ? level : base.level };
}

/**
 * A risk without its business-criticality factor (the traffic risk), for a caller that hands back a risk
 * it read from the store: the factor's points come off the score (off the other factors' sum when the
 * score was capped at 10, where subtracting would undercount).
 */
export function withoutBusinessFactor(risk: Risk, levels: RiskConfig['levels']): Risk {
  const business = risk.factors.find((f) => f.id === BUSINESS_CRITICALITY_FACTOR);
  if (!business) return risk;
  const factors = risk.factors.filter((f) => f !== business);
  const score = round(risk.score >= 10 ? Math.min(10, factors.reduce((s, f) => s + f.points, 0)) : Math.max(0, risk.score - business.points));
  return { ...risk, factors, score, level: levelOf(score, levels) };
}

const LEVEL_RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export function levelOf(score: number, levels: RiskConfig['levels']): RiskLevel {
  if (score >= levels.critical) return 'critical';
  if (score >= levels.high) return 'high';
  if (score >= levels.medium) return 'medium';
  return 'low';
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
