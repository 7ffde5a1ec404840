import { describe, expect, it } from 'vitest';
import type { Parameter } from '../../contracts/endpoint.js';
import { isInterfaceHeader, isSessionCookie, operationSecurity } from './security.js';

const p = (location: Parameter['location'], name: string, seen = 10): Parameter => ({ direction: 'request', location, name, types: { string: seen }, formats: {}, dataClasses: [], seen });

describe('operationSecurity', () => {
  it('turns each observed kind into a scheme and an alternative', () => {
    const s = operationSecurity({ 'bearer-jwt': 90, basic: 10 }, [], { algs: ['RS256'], withoutExp: 0, claims: [], issuers: [] });
    expect(Object.fromEntries(s.schemes)).toEqual({
      basicAuth: { type: 'http', scheme: 'basic' },
      bearerJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', 'x-bulwark-jwt-algorithms': ['RS256'] },
    });
    expect(s.requirements).toEqual([{ basicAuth: [] }, { bearerJwt: [] }]);
  });

  it('names API keys and session cookies by the parameter that carried them', () => {
    const params = [p('header', 'x-api-key'), p('query', 'api_key'), p('cookie', 'JSESSIONID'), p('cookie', 'theme')];
    const s = operationSecurity({ 'api-key-header': 5, 'api-key-query': 5, 'session-cookie': 5 }, params, null);
    expect(Object.fromEntries(s.schemes)).toEqual({
      'apiKeyHeader_x-api-key': { type: 'apiKey', in: 'header', name: 'x-api-key' },
      apiKeyQuery_api_key: { type: 'apiKey', in: 'query', name: 'api_key' },
      sessionCookie_JSESSIONID: { type: 'apiKey', in: 'cookie', name: 'JSESSIONID' },
    });
  });

  it('says so when the carrier was never seen in an analysed request', () => {
    const s = operationSecurity({ 'api-key-header': 5 }, [], null);
    expect(s.schemes.get('apiKeyHeader_x-api-key')).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-api-key', description: expect.stringContaining('guess') });
  });

  it('is public ([]) without credentials, optional ({}) when most calls had none, and ignores rare kinds', () => {
    expect(operationSecurity({ none: 50 }, [], null).requirements).toEqual([]);
    expect(operationSecurity({ none: 60, 'bearer-opaque': 40 }, [], null).requirements).toEqual([{ bearerToken: [] }, {}]);
    expect(operationSecurity({ none: 10, 'bearer-opaque': 90 }, [], null).requirements).toEqual([{ bearerToken: [] }]);
    expect(operationSecurity({ 'bearer-opaque': 999, basic: 1 }, [], null).requirements).toEqual([{ bearerToken: [] }]);
  });
});

describe('headers and cookies', () => {
  it.each(['accept', 'User-Agent', 'authorization', 'x-api-key', 'content-type', 'sec-ch-ua', 'x-forwarded-for', 'traceparent', 'cookie'])('%s is not an interface header', (h) => {
    expect(isInterfaceHeader(h)).toBe(false);
  });
  it.each(['x-app-version', 'x-tenant', 'idempotency-key'])('%s is', (h) => expect(isInterfaceHeader(h)).toBe(true));

  it('agrees with the redact stage on session cookies', () => {
    expect(isSessionCookie('JSESSIONID')).toBe(true);
    expect(isSessionCookie('HRSESSID')).toBe(true);
    expect(isSessionCookie('theme')).toBe(false);
  });
});
