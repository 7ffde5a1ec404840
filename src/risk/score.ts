import type { Risk, RiskFactor, RiskLevel } from '../contracts/endpoint.js';
import type { RiskConfig } from '../config/config.js';
import type { Sensitivity } from '../contracts/data-class.js';

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
    if (value <= 0 || weight <= 0) return;
    const v = Math.min(1, value);
    const f: RiskFactor = { id, label, weight, value: round(v), points: round(weight * v) };
    if (detail) f.detail = detail;
    factors.push(f);
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

export function levelOf(score: number, levels: RiskConfig['levels']): RiskLevel {
  if (score >= levels.critical) return 'critical';
  if (score >= levels.high) return 'high';
  if (score >= levels.medium) return 'medium';
  return 'low';
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
