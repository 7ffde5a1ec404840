import { describe, expect, it } from 'vitest';
import type { Application } from '../contracts/identity.js';
import { applicationOf } from './applications.js';

const apps: Pick<Application, 'id' | 'matchers'>[] = [
  { id: 'billing', matchers: [{ host: 'shop.example.com', pathPrefix: '/billing' }, { host: 'pay.example.com' }] },
  { id: 'shop', matchers: [{ host: 'shop.example.com' }] },
  { id: 'internal', matchers: [{ host: '*.corp.example' }] },
  { id: 'api-v2', matchers: [{ host: 'api.example.com', pathPrefix: '/v2/' }] },
  { id: 'root', matchers: [{ host: 'root.example.com', pathPrefix: '/' }] },
];

describe('applicationOf', () => {
  it.each([
    ['host and path prefix', 'shop.example.com', '/billing/{id}', 'billing'],
    ['the prefix itself', 'shop.example.com', '/billing', 'billing'],
    ['a prefix on a segment boundary only', 'shop.example.com', '/billingx', 'shop'],
    ['the first matching application wins', 'shop.example.com', '/billing/invoices', 'billing'],
    ['another matcher of the same application', 'pay.example.com', '/anything', 'billing'],
    ['a later application when the earlier does not match', 'shop.example.com', '/cart', 'shop'],
    ['host in another case', 'SHOP.Example.COM', '/cart', 'shop'],
    ['host with a port', 'shop.example.com:8443', '/cart', 'shop'],
    ['host with a trailing dot', 'shop.example.com.', '/cart', 'shop'],
    ['wildcard: a sub-domain', 'hr.corp.example', '/x', 'internal'],
    ['wildcard: a deeper sub-domain', 'a.b.corp.example', '/x', 'internal'],
    ['wildcard: not the bare domain', 'corp.example', '/x', null],
    ['wildcard: not a look-alike', 'evilcorp.example', '/x', null],
    ['a prefix with a trailing slash', 'api.example.com', '/v2/users', 'api-v2'],
    ['a prefix with a trailing slash, the prefix alone', 'api.example.com', '/v2', 'api-v2'],
    ['outside the prefix', 'api.example.com', '/v1/users', null],
    ['prefix "/" covers everything', 'root.example.com', '/a/b', 'root'],
    ['no application', 'unknown.example.com', '/', null],
    ['a sub-domain of an exact host is not the host', 'x.shop.example.com', '/billing', null],
  ])('%s', (_label, host, path, expected) => {
    expect(applicationOf(host, path, apps)).toBe(expected);
  });

  it('answers null with no applications, and honours the order given', () => {
    expect(applicationOf('shop.example.com', '/billing', [])).toBeNull();
    expect(applicationOf('shop.example.com', '/billing', [apps[1]!, apps[0]!])).toBe('shop');
  });

  it('matches bracketed IPv6 hosts with and without a port', () => {
    const v6 = [{ id: 'v6', matchers: [{ host: '[2001:db8::1]' }] }];
    expect(applicationOf('[2001:db8::1]:8080', '/', v6)).toBe('v6');
    expect(applicationOf('[2001:DB8::1]', '/', v6)).toBe('v6');
  });
});
