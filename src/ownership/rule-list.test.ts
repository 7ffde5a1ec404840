import { describe, expect, it } from 'vitest';
import type { OwnershipRule } from '../contracts/ownership.js';
import { appendHostRules, matchersOf, replaceHostRules, withoutApplication } from './rule-list.js';

const host = (id: string, application: string, h: string, note?: string): OwnershipRule => ({ id, application, match: { host: h }, ...(note ? { note } : {}) });
const tag = (id: string, application: string, t: string): OwnershipRule => ({ id, application, match: { specTag: t } });

describe('application changes on the one rule list', () => {
  const list = [host('b:1', 'b', 'b.example'), host('a:1', 'a', 'a1.example', 'main'), tag('a-tag', 'a', 'alpha'), host('c:1', 'c', 'c.example'), host('a:2', 'a', 'a2.example')];

  it('appends a new application\'s matchers at the end, with ids not taken', () => {
    const out = appendHostRules([host('n:1', 'x', 'x.example')], 'n', [{ host: 'n.example', pathPrefix: '/v1' }, { host: 'm.example' }]);
    expect(out.map((r) => r.id)).toEqual(['n:1', 'n:2', 'n:3']);
    expect(out[1]).toEqual({ id: 'n:2', application: 'n', match: { host: 'n.example', pathPrefix: '/v1' } });
  });

  it('replaces an application\'s host rules where the first stood, keeping ids and notes in order and its other rules', () => {
    const out = replaceHostRules(list, 'a', [{ host: 'x.example' }, { host: 'y.example' }, { host: 'z.example' }]);
    expect(out).toEqual([
      host('b:1', 'b', 'b.example'),
      host('a:1', 'a', 'x.example', 'main'),
      host('a:2', 'a', 'y.example'),
      host('a:3', 'a', 'z.example'),
      tag('a-tag', 'a', 'alpha'),
      host('c:1', 'c', 'c.example'),
    ]);
    expect(replaceHostRules(list, 'a', []).map((r) => r.id)).toEqual(['b:1', 'a-tag', 'c:1']);
    // An application without host rules gets them at the end.
    expect(replaceHostRules(list, 'd', [{ host: 'd.example' }]).at(-1)).toEqual(host('d:1', 'd', 'd.example'));
  });

  it('shows an application\'s matchers as its host rules in list order, and removes its rules with it', () => {
    expect(matchersOf('a', list)).toEqual([{ host: 'a1.example' }, { host: 'a2.example' }]);
    expect(withoutApplication(list, 'a').map((r) => r.id)).toEqual(['b:1', 'c:1']);
  });
});
