import { placeName } from '../context.js';
import type { DiffRule } from '../rule.js';
import { MAX_DEPTH, MAX_PAIRS } from '../schema-compare.js';

/** Where the diff could not look: said out loud, never skipped in silence. */
export const LIMIT_RULES: readonly DiffRule[] = [
  {
    id: 'diff-schema-comparison-truncated',
    title: 'Schema too large to compare fully',
    kind: 'non-breaking',
    severity: 'info',
    owasp: null,
    cwe: null,
    tags: ['schema', 'limits'],
    detects: `A parameter, request-body or response schema whose comparison stopped at a bound: nested more than ${MAX_DEPTH} levels deep, or more than ${MAX_PAIRS} (old, new) schema pairs. Changes below that point are not reported.`,
    rationale: 'The bounds keep the diff fast and safe on any input; this change says where they cut, so that a missing breaking change is not mistaken for its absence.',
    remediation: 'Review that schema by hand, or split it into named components.',
    *check(ctx) {
      for (const pair of ctx.pairs) {
        for (const direction of ['request', 'response'] as const) {
          for (const root of ctx.schemaRoots(pair, direction)) {
            for (const d of ctx.deltas(root)) {
              if (d.kind === 'truncated') yield { side: d.side, pointer: d.pointer, operation: pair.label, key: d.detail, message: `${placeName(root, d.path)}: not compared beyond this point (${d.detail})` };
            }
          }
        }
      }
    },
  },
];
