import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../contracts/api-event.js';
import { createCredentialReader, credentialFacts, fnv1a } from './credential-facts.js';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (header: object, payload: object) => `${b64(header)}.${b64(payload)}.c2ln`;
const NOW = Date.parse('2026-11-23T10:00:00Z');

function event(req: Partial<ApiEvent['request']>): ApiEvent {
  return {
    timestamp: new Date(NOW).toISOString(),
    source: { kind: 'ndjson' },
    request: { method: 'GET', scheme: 'https', host: 'api.example', path: '/x', query: {}, headers: {}, cookies: {}, ...req },
  };
}

describe('credentialFacts', () => {
  it.each([
    ['basic', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }],
    ['digest', { headers: { authorization: 'Digest username="u", realm="r"' } }],
    ['bearer-jwt', { headers: { authorization: `Bearer ${jwt({ alg: 'RS256' }, { sub: 'u1', exp: NOW / 1000 + 60 })}` } }],
    ['bearer-opaque', { headers: { authorization: 'Bearer 8f14e45fceea167a5a36dedd4bea2543' } }],
    ['api-key-header', { headers: { 'x-api-key': 'sk_live_abc' } }],
    ['api-key-query', { query: { api_key: ['k'] } }],
    ['session-cookie', { cookies: { HRSESSID: 'abc' } }],
    ['session-cookie', { cookies: { 'connect.sid': 'abc' } }],
    ['session-cookie', { cookies: { app_session: 'abc' } }],
    ['session-cookie', { cookies: { auth_token: 'abc' } }],
    ['none', { cookies: { hr_locale: 'en', theme: 'dark', consider: 'x' } }],
    ['none', {}],
  ] as const)('%s from %j', (kind, req) => {
    expect(credentialFacts(event(req as Partial<ApiEvent['request']>), NOW).kind).toBe(kind);
  });

  it('reads JWT facts without keeping the token: alg, exp, claim names, issuer', () => {
    const token = jwt({ alg: 'none' }, { sub: 'u1', iss: 'https://id.example', role: 'admin' });
    const f = credentialFacts(event({ headers: { authorization: `Bearer ${token}` } }), NOW);
    expect(f.jwt).toMatchObject({ alg: 'none', hasExp: false, expired: false, claims: ['sub', 'iss', 'role'], iss: 'https://id.example' });
    expect(JSON.stringify(f)).not.toContain(token);
    expect(f.principal).toBe(fnv1a('u1'));
  });

  it('the caching reader recomputes expiry at each event time', () => {
    const read = createCredentialReader();
    const e = event({ headers: { authorization: `Bearer ${jwt({ alg: 'HS256' }, { sub: 'u', exp: NOW / 1000 + 60 })}` } });
    expect(read(e, NOW).jwt?.expired).toBe(false);
    expect(read(e, NOW + 120_000).jwt?.expired).toBe(true);
    expect(read(e, NOW).jwt?.expired).toBe(false);
  });

  it('the caching reader never serves one token the facts of another with the same signature', () => {
    const read = createCredentialReader();
    const sig = 'S'.repeat(43);
    const signed = `Bearer ${b64({ alg: 'RS256' })}.${b64({ sub: 'alice' })}.${sig}`;
    const forged = `Bearer ${b64({ alg: 'none' })}.${b64({ sub: 'admin' })}.${sig}`;
    for (let i = 0; i < 2; i++) {
      expect(read(event({ headers: { authorization: signed } }), NOW)).toMatchObject({ jwt: { alg: 'RS256' }, principal: fnv1a('alice') });
      expect(read(event({ headers: { authorization: forged } }), NOW)).toMatchObject({ jwt: { alg: 'none' }, principal: fnv1a('admin') });
    }
  });

  it('the caching reader reads an empty Authorization header afresh each time (it is no credential)', () => {
    const read = createCredentialReader();
    const a = event({ headers: { authorization: '', 'x-api-key': 'key-of-a' } });
    const b = event({ headers: { authorization: '', 'x-api-key': 'key-of-b' } });
    expect(read(a, NOW)).toMatchObject({ kind: 'api-key-header', principal: fnv1a('key-of-a') });
    expect(read(b, NOW)).toMatchObject({ kind: 'api-key-header', principal: fnv1a('key-of-b') });
  });

  it('malformed tokens are opaque, never a crash', () => {
    for (const v of ['Bearer a.b.c', 'Bearer eyJ.eyJ.', 'Bearer ' + 'x'.repeat(20000), 'Bearer']) {
      expect(() => credentialFacts(event({ headers: { authorization: v } }), NOW)).not.toThrow();
    }
  });
});
