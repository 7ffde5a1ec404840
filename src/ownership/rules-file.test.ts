import { describe, expect, it } from 'vitest';
import { APPLICATION_DEFAULTS } from '../contracts/identity.js';
import { ownershipFileText, parseOwnershipFile } from './rules-file.js';

const VALID = `version: 1
applications:
  - id: pay
    name: Payments
    team: payments
    contacts: [pay@example.com]
    criticality: critical
    dataTags: [pci, pii]
  - id: shop
    name: Shop
rules:
  - id: pay-tag
    application: pay
    match: { specTag: payments }
    note: operations tagged payments, wherever they are served
  - id: shop-api
    application: shop
    match: { host: api.shop.example, pathPrefix: /v1 }
`;

describe('the ownership rules file', () => {
  it('reads applications and the ordered rules; left-out metadata stays absent (defaults apply when applied)', () => {
    const f = parseOwnershipFile(VALID, 'owners.yaml');
    expect(f.applications[1]).toEqual({ id: 'shop', name: 'Shop' });
    expect(f.rules.map((r) => r.id)).toEqual(['pay-tag', 'shop-api']);
    expect(f.rules[1]?.match).toEqual({ host: 'api.shop.example', pathPrefix: '/v1' });
    // JSON is YAML too.
    expect(parseOwnershipFile(JSON.stringify({ version: 1, applications: [], rules: [] }), 'owners.json')).toEqual({ version: 1, applications: [], rules: [] });
  });

  it.each([
    ['two kinds in one match', VALID.replace('{ specTag: payments }', '{ specTag: payments, specOwner: pay }'), /^rules file owners\.yaml:14:12: rules\.0\.match: give only one of specTag, specOwner$/],
    ['no kind at all', VALID.replace('{ specTag: payments }', '{ note: x }'), /owners\.yaml:14:\d+: rules\.0\.match.*(note|one of host)/],
    ['a contact that is not an email', VALID.replace('pay@example.com', 'not-an-email'), /^rules file owners\.yaml:6:16: applications\.0\.contacts\.0: /],
    ['a data tag that is not kebab-case', VALID.replace('[pci, pii]', '[PCI DSS]'), /owners\.yaml:8:16: applications\.0\.dataTags\.0: a kebab-case tag/],
    ['an unknown criticality', VALID.replace('critical\n', 'urgent\n'), /owners\.yaml:7:18: applications\.0\.criticality: /],
    ['a rule of an application the file does not declare', VALID.replace('application: shop', 'application: shoq'), /owners\.yaml:17:18: rules\.1\.application: no application "shoq" in this file/],
    ['a repeated rule id', VALID.replace('id: shop-api', 'id: pay-tag'), /owners\.yaml:16:9: rules\.1\.id: rule id "pay-tag" is used twice/],
    ['a repeated application name', VALID.replace('name: Shop', 'name: PAYMENTS'), /owners\.yaml:10:11: applications\.1\.name: application name "PAYMENTS" is declared twice/],
    ['an unknown field', VALID.replace('    team: payments\n', '    teem: payments\n'), /owners\.yaml:3:\d+: applications\.0: .*teem/],
    ['another version', VALID.replace('version: 1', 'version: 2'), /owners\.yaml:1:10: version: /],
    ['YAML that does not parse', 'version: 1\nrules: [\n', /^rules file owners\.yaml:3:1: not valid YAML/],
  ])('says where and what for %s', (_label, text, message) => {
    expect(() => parseOwnershipFile(text, 'owners.yaml')).toThrow(message);
  });

  it('round-trips what it writes', () => {
    const apps = [{ id: 'pay', name: 'Payments', owners: ['u-1'], matchers: [], ...APPLICATION_DEFAULTS, team: 'payments', createdAt: 'x', updatedAt: 'x' }];
    const rules = [{ id: 'pay-host', application: 'pay', match: { host: 'pay.example' }, note: 'all of it' }];
    const text = ownershipFileText(apps, rules);
    expect(text.startsWith('# Bulwark ownership rules')).toBe(true);
    expect(parseOwnershipFile(text, 'owners.yaml')).toEqual({
      version: 1,
      applications: [{ id: 'pay', name: 'Payments', team: 'payments', contacts: [], criticality: 'medium', dataTags: [], owners: ['u-1'] }],
      rules,
    });
  });
});
