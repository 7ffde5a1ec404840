import type { InspectedValue } from '../types.js';
import { CHAR, conf, type PayloadDetector, type PayloadMatch } from './detector.js';

/**
 * NoSQL (MongoDB-style) operator injection: a request turns a value into a query object by naming an
 * operator where the application expected a plain value. Three shapes reach a query builder:
 * - a parameter name with a bracketed operator (`password[$ne]=x`, parsed by qs/PHP into `{ $ne: 'x' }`);
 * - a JSON key that is an operator (`{"password": {"$ne": null}}`; the key is inspected as a value);
 * - JSON text inside a value (`filter={"$where": "sleep(5000)"}`).
 * Plus server-side JavaScript breakouts in `$where` strings (`' || '1'=='1`, `'; return true; var a='`).
 * Dollar signs in ordinary text ("$5.00", "$HOME", "${name}") are not operators.
 */

/** MongoDB query and aggregation operators that change what a filter matches or run code. */
const OPERATORS: Readonly<Record<string, number>> = Object.freeze({
  ne: 0.9, eq: 0.75, gt: 0.9, gte: 0.9, lt: 0.9, lte: 0.9, in: 0.8, nin: 0.9, regex: 0.9, where: 0.95,
  exists: 0.85, or: 0.85, and: 0.8, nor: 0.9, not: 0.85, expr: 0.9, function: 0.95, accumulator: 0.95,
  elemMatch: 0.85, size: 0.7, type: 0.7, all: 0.75, mod: 0.75, text: 0.75, jsonSchema: 0.8, options: 0.6,
});
const CODE_OPERATORS = new Set(['where', 'function', 'accumulator']);

/** `[$ne]` in a parameter name, `"$where":` in JSON text, `{$gt:` in relaxed JSON. */
export const NOSQL_BRACKET = /\[\$([A-Za-z]{2,12})\]/;
export const NOSQL_JSON_KEY = /["'{,]\s{0,4}\$([A-Za-z]{2,12})["']?\s{0,4}:/;
/** JavaScript breakouts for `$where` strings: `' || '1'=='1`, `"; return true; //`. */
export const NOSQL_JS_BREAKOUT = /['"]\s{0,4}(?:\|\||&&)\s{0,4}['"]?\w{1,20}['"]?\s{0,4}={2,3}|['"]\s{0,4};\s{0,4}(?:return\s{1,4}(?:true|1)|sleep\(\d{1,6}\)|while\s{0,4}\(\s{0,4}true)/;

function operatorConfidence(name: string): number {
  return OPERATORS[name] ?? 0;
}

export const NOSQLI_OPERATORS: PayloadDetector = {
  id: 'nosqli-operators',
  title: 'NoSQL operator injection',
  category: 'nosqli',
  severity: 'high',
  owasp: 'API8:2023',
  cwe: 'CWE-943',
  mitre: 'T1190',
  rationale:
    'Query builders for MongoDB and similar stores accept operator objects wherever a value goes. When a request can turn `password=secret` into `password[$ne]=x` or `{"password": {"$ne": null}}`, the filter matches every record: logins are bypassed, `$regex` probes extract secrets character by character, and `$where`/`$function` run JavaScript on the database server.',
  remediation:
    'Validate the type of every value before it reaches a query (a password is a string, never an object); cast with a schema (zod, Joi, Mongoose `strict` with `sanitizeFilter`); reject keys starting with `$` in user input (express-mongo-sanitize); disable server-side JavaScript (`security.javascriptEnabled: false`).',
  gate: CHAR.DOLLAR | CHAR.SQUOTE | CHAR.DQUOTE,
  gateAlso: CHAR.DOLLAR | CHAR.PIPE | CHAR.AMP | CHAR.SEMI,
  detect(v: InspectedValue): PayloadMatch | null {
    const s = v.value;
    let best = 0;
    let fragment = '';
    if (s.indexOf('$') >= 0) {
      // A JSON key or a whole value that is an operator: `$ne`.
      if (s.charCodeAt(0) === 36 && s.length <= 14) {
        best = operatorConfidence(s.slice(1)) * 0.95;
        fragment = s;
      }
      if (s.indexOf('[$') >= 0) {
        const b = NOSQL_BRACKET.exec(s);
        const c = b ? operatorConfidence(b[1]!) : 0;
        if (c > best) {
          best = c;
          fragment = b![0];
        }
      }
      const k = NOSQL_JSON_KEY.exec(s);
      if (k) {
        const c = operatorConfidence(k[1]!) * (CODE_OPERATORS.has(k[1]!) ? 1 : 0.95);
        if (c > best) {
          best = c;
          fragment = s.slice(k.index, k.index + 80);
        }
      }
    }
    if (best < 0.75 && (s.indexOf("'") >= 0 || s.indexOf('"') >= 0)) {
      const j = NOSQL_JS_BREAKOUT.exec(s);
      if (j) {
        best = 0.75;
        fragment = s.slice(j.index, j.index + 60);
      }
    }
    return best > 0 ? { confidence: conf(best), fragment } : null;
  },
};
