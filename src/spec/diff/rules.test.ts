import { describe, expect, it } from 'vitest';
import { valueAt } from '../audit/facts.js';
import { modelFromObject } from '../build-model.js';
import { createDiffContext } from './context.js';
import { diffSpecs } from './diff.js';
import { api, DIFF_CASES } from './fixtures/cases.js';
import { DIFF_RULES } from './registry.js';

/**
 * The rule tables: for each rule, every case builds the old and new models (`modelFromObject`), runs the
 * rule alone, and the rule must report exactly the expected places, in the expected spec; each place must
 * name something written in that spec's document, with a line, and come with a one-sentence message.
 */

for (const rule of DIFF_RULES) {
  const own = DIFF_CASES.filter((c) => c.rule === rule.id);
  describe(rule.id, () => {
    it.each(own.map((c) => [c.hits.length ? 'flags' : 'passes', c.name, c] as const))('%s: %s', (_kind, _name, c) => {
      const old = modelFromObject(c.old, 'old.yaml');
      const next = modelFromObject(c.next, 'new.yaml');
      const hits = [...rule.check(createDiffContext(old, next))];
      expect([...new Set(hits.map((h) => `${h.side} ${h.pointer}`))].sort()).toEqual([...new Set(c.hits)].sort());
      for (const h of hits) {
        expect(h.message.trim().length, h.pointer).toBeGreaterThan(10);
        const doc = h.side === 'old' ? c.old : c.next;
        expect(valueAt(doc, h.pointer), `${h.side} ${h.pointer} names something written in the ${h.side} document`).not.toBeUndefined();
        expect((h.side === 'old' ? old : next).locate(h.pointer).line, `${h.pointer} has a line`).toBeGreaterThan(0);
      }
    });
  });
}

describe('the clean reference document', () => {
  it('has no change against itself', () => {
    expect(diffSpecs(modelFromObject(api()), modelFromObject(api())).map((c) => `${c.ruleId}: ${c.message}`)).toEqual([]);
  });
});
