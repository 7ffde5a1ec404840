import { describe, expect, it } from 'vitest';
import type { OwnershipRule } from '../contracts/ownership.js';
import { compileOwnership, explainRule, hostRulesAsApplications, type OwnershipSubject, type SubjectSpec } from './match.js';

const rule = (id: string, application: string, match: OwnershipRule['match']): OwnershipRule => ({ id, application, match });
const spec = (over: Partial<SubjectSpec> = {}): SubjectSpec => ({ id: 'sp-1', name: 'Pay', title: 'Payments API', owners: ['team-pay', 'pay@example.com', 'Ana'], tags: ['Cards'], ...over });
const endpoint = (host: string, path: string, s: SubjectSpec | null = null): OwnershipSubject => ({ hosts: [host], pathTemplate: path, spec: s });

const RULES = [
  rule('billing', 'billing', { host: 'shop.example.com', pathPrefix: '/billing' }),
  rule('cards-tag', 'cards', { specTag: 'CARDS' }),
  rule('pay-owner', 'pay', { specOwner: 'PAY@EXAMPLE.COM' }),
  rule('ledger-title', 'ledger', { specTitle: 'ledger api' }),
  rule('shop', 'shop', { host: '*.example.com' }),
];
const ownership = compileOwnership(RULES);

describe('ownership rules: the first rule that matches names the application', () => {
  it.each([
    ['host and path prefix', endpoint('shop.example.com', '/billing/{id}'), 'billing'],
    ['a path prefix on whole segments only', endpoint('shop.example.com', '/billingx'), 'shop'],
    ['host in another case, with a port', endpoint('SHOP.example.com:8443', '/billing'), 'billing'],
    ['a tag of the documenting operation, any case', endpoint('api.pay.example', '/cards', spec()), 'cards'],
    ['the spec owner (contact email), any case, when no tag rule matches', endpoint('api.pay.example', '/x', spec({ tags: ['other'] })), 'pay'],
    ['the spec owner for a shadow endpoint (no operation, no tags)', endpoint('api.pay.example', '/x', spec({ tags: null })), 'pay'],
    ['the spec title, any case', endpoint('ledger.example', '/entries', spec({ owners: [], tags: [], title: 'Ledger API' })), 'ledger'],
    ['the spec name when the title differs', endpoint('ledger.example', '/entries', spec({ owners: [], tags: [], name: 'LEDGER API', title: 'v2' })), 'ledger'],
    ['a later host rule when no spec rule matches', endpoint('api.example.com', '/x', spec({ owners: [], tags: [], name: 'x', title: null })), 'shop'],
    ['no spec: spec rules never match', endpoint('ledger.example', '/entries'), null],
    ['wildcard needs a sub-domain', endpoint('example.com', '/x'), null],
  ])('%s', (_label, subject, expected) => {
    expect(ownership.ownerOf(subject)).toBe(expected);
  });

  it('tells callers whether rules read specs, and which tags', () => {
    expect(ownership.usesSpecs).toBe(true);
    expect([...ownership.tags]).toEqual(['cards']);
    const hostsOnly = compileOwnership([RULES[0]!, RULES[4]!]);
    expect(hostsOnly.usesSpecs).toBe(false);
    expect(hostsOnly.firstMatch(endpoint('a.example.com', '/'))).toBe(1);
    expect(compileOwnership([]).ownerOf(endpoint('a.example.com', '/'))).toBeNull();
  });

  it('matches a spec by any of its hosts, path prefixes aside', () => {
    const s: OwnershipSubject = { hosts: ['other.example', 'shop.example.com'], pathTemplate: null, spec: null };
    expect(ownership.ownerOf(s)).toBe('billing');
  });

  it('explains each rule in a sentence', () => {
    const cart = endpoint('shop.example.com', '/cart');
    expect(explainRule(RULES[0]!, cart)).toEqual({ matched: false, reason: 'path /cart is not under /billing' });
    expect(explainRule(RULES[0]!, endpoint('other.example', '/billing'))).toEqual({ matched: false, reason: 'host other.example is not shop.example.com' });
    expect(explainRule(RULES[1]!, cart)).toEqual({ matched: false, reason: 'no registered spec documents or covers this endpoint' });
    expect(explainRule(RULES[1]!, endpoint('h', '/x', spec({ tags: null })))).toEqual({
      matched: false,
      reason: 'no operation of spec "Pay" documents this endpoint (shadow), so it has no tags',
    });
    expect(explainRule(RULES[1]!, endpoint('h', '/x', spec({ tags: ['a', 'b'] })))).toEqual({ matched: false, reason: 'the operation\'s tags (a, b) do not include "CARDS"' });
    expect(explainRule(RULES[2]!, endpoint('h', '/x', spec({ owners: [] })))).toEqual({ matched: false, reason: 'spec "Pay" names no x-owner or info.contact, not "PAY@EXAMPLE.COM"' });
    expect(explainRule(RULES[3]!, endpoint('h', '/x', spec()))).toEqual({ matched: false, reason: 'spec "Pay" (title "Payments API") is not "ledger api"' });
    expect(explainRule(RULES[4]!, cart)).toEqual({ matched: true, reason: 'host shop.example.com is *.example.com' });
  });

  it('gives the host rules, in list order, as single-matcher applications', () => {
    expect(hostRulesAsApplications(RULES)).toEqual([
      { id: 'billing', matchers: [{ host: 'shop.example.com', pathPrefix: '/billing' }] },
      { id: 'shop', matchers: [{ host: '*.example.com' }] },
    ]);
  });
});
