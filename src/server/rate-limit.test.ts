import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { openBulwark, type Bulwark } from '../app/context.js';
import { createLogger } from '../util/logger.js';
import { manualClock, type ManualClock } from '../util/clock.js';
import { TEST_SCRYPT_COST } from '../identity/passwords.js';
import { buildServer } from './app.js';
import { serverDeps } from './serve.js';
import { issueToken } from './tokens.js';
import { SESSION_COOKIE } from './auth.js';

/**
 * The server's rate limit (`server.rateLimitPerMinute`): one fixed one-minute window per credential (API
 * token, or the user behind a console session) and, for requests without a valid credential, per client
 * address (IPv6: per /64). The limiter runs on a manual clock, so windows only move when the test says so.
 */

const LIMIT = 5;
const PASSWORD = 'correct horse battery staple';

interface Harness {
  dir: string;
  bw: Bulwark;
  app: FastifyInstance;
  clock: ManualClock;
  close(): Promise<void>;
}

async function openHarness(): Promise<Harness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bulwark-rate-'));
  const config = loadConfig({ env: { BULWARK_DATA_DIR: dir }, overrides: { server: { rateLimitPerMinute: LIMIT } } });
  const bw = await openBulwark(config, createLogger('silent'), {}, { identity: { passwordCost: TEST_SCRYPT_COST } });
  // A minimal built console, so that the public static files are really served.
  const webRoot = path.join(dir, 'web');
  mkdirSync(webRoot);
  writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>Bulwark</title>');
  const clock = manualClock('2026-03-01T09:00:00.000Z');
  const app = buildServer({ ...serverDeps(bw), webRoot, clock });
  await app.ready();
  return {
    dir,
    bw,
    app,
    clock,
    async close() {
      await app.close();
      await bw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Asserts a 429 with `Retry-After: <seconds>` and the uniform error body carrying the same number. */
function expectLimited(res: LightMyRequestResponse, seconds: number): void {
  expect(res.statusCode, res.body).toBe(429);
  expect(res.headers['retry-after']).toBe(String(seconds));
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['cache-control']).toBe('no-store');
  const body = res.json() as { error: { code: string; message: string; details?: unknown } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe('too_many_requests');
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(body.error.details).toEqual({ retryAfterSeconds: seconds });
}

describe('rate limit per credential', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => h?.close());
  // Every test starts a fresh window for every key (all earlier windows have ended).
  beforeEach(() => h.clock.advance(61_000));

  it('lets a token make rateLimitPerMinute requests, then answers 429 with Retry-After and the error body', async () => {
    const { token } = await issueToken(h.bw.store, 'busy', ['admin']);
    for (let i = 1; i <= LIMIT; i++) {
      const res = await h.app.inject({ method: 'GET', url: '/healthz', headers: bearer(token) });
      expect(res.statusCode, `request ${i}`).toBe(200);
    }
    const sixth = await h.app.inject({ method: 'GET', url: '/healthz', headers: bearer(token) });
    // All six requests fell in the same instant: the whole minute is left.
    expectLimited(sixth, 60);
    const retryAfter = Number(sixth.headers['retry-after']);
    expect(Number.isInteger(retryAfter) && retryAfter > 0).toBe(true);
  });

  it('counts the credential across routes, not per route', async () => {
    const { token } = await issueToken(h.bw.store, 'spread', ['admin']);
    const urls = ['/healthz', '/api/v1/inventory/summary', '/api/v1/endpoints', '/api/v1/findings', '/api/v1/tokens'];
    for (const url of urls) expect((await h.app.inject({ method: 'GET', url, headers: bearer(token) })).statusCode, url).toBe(200);
    expectLimited(await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: bearer(token) }), 60);
  });

  it('does not slow down another token while one is limited', async () => {
    const { token: noisy } = await issueToken(h.bw.store, 'noisy', ['read']);
    const { token: quiet } = await issueToken(h.bw.store, 'quiet', ['read']);
    for (let i = 0; i < LIMIT; i++) await h.app.inject({ method: 'GET', url: '/healthz', headers: bearer(noisy) });
    expectLimited(await h.app.inject({ method: 'GET', url: '/healthz', headers: bearer(noisy) }), 60);
    for (let i = 1; i <= LIMIT; i++) {
      const res = await h.app.inject({ method: 'GET', url: '/api/v1/inventory/summary', headers: bearer(quiet) });
      expect(res.statusCode, `quiet request ${i}`).toBe(200);
    }
    // Still limited: the quiet token's requests did not touch the noisy one's window.
    expectLimited(await h.app.inject({ method: 'GET', url: '/healthz', headers: bearer(noisy) }), 60);
  });

  it('counts down Retry-After as the window passes and lets the token in again when it ends', async () => {
    const { token } = await issueToken(h.bw.store, 'patient', ['read']);
    for (let i = 0; i < LIMIT; i++) await h.app.inject({ method: 'GET', url: '/healthz', headers: bearer(token) });
    h.clock.advance(20_000);
    expectLimited(await h.app.inject({ method: 'GET', url: '/healthz', headers: bearer(token) }), 40);
    h.clock.advance(39_500);
    // Half a second left: rounded up, never 0.
    expectLimited(await h.app.inject({ method: 'GET', url: '/healthz', headers: bearer(token) }), 1);
    h.clock.advance(500);
    const res = await h.app.inject({ method: 'GET', url: '/healthz', headers: bearer(token) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['retry-after']).toBeUndefined();
  });

  it('limits a console session per user: two sessions of one user share the window', async () => {
    const user = await h.bw.identity.bootstrapAdmin({ email: 'ana@rate.example', password: PASSWORD });
    expect(user.email).toBe('ana@rate.example');
    const login = async (remoteAddress: string) => {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ email: 'ana@rate.example', password: PASSWORD }),
      });
      expect(res.statusCode, res.body).toBe(200);
      return new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(String(res.headers['set-cookie']))![1]!;
    };
    const laptop = await login('198.51.100.20');
    const phone = await login('198.51.100.21');
    expect(laptop).not.toBe(phone);
    const session = (cookie: string, remoteAddress: string) =>
      h.app.inject({ method: 'GET', url: '/api/v1/auth/session', remoteAddress, headers: { cookie: `${SESSION_COOKIE}=${cookie}` } });
    for (let i = 0; i < 3; i++) expect((await session(laptop, '198.51.100.20')).statusCode).toBe(200);
    for (let i = 0; i < 2; i++) expect((await session(phone, '198.51.100.21')).statusCode).toBe(200);
    expectLimited(await session(phone, '198.51.100.21'), 60);
    expectLimited(await session(laptop, '198.51.100.20'), 60);
  });

  it('limits requests without a credential per client address, before answering 401', async () => {
    const anon = (remoteAddress: string) => h.app.inject({ method: 'GET', url: '/api/v1/inventory/summary', remoteAddress });
    for (let i = 1; i <= LIMIT; i++) expect((await anon('203.0.113.7')).statusCode, `request ${i}`).toBe(401);
    expectLimited(await anon('203.0.113.7'), 60);
    // Unknown routes count too: they answer 401 to anonymous callers like any other.
    expectLimited(await h.app.inject({ method: 'GET', url: '/api/v1/no-such-route', remoteAddress: '203.0.113.7' }), 60);
    // Another address has its own window.
    expect((await anon('203.0.113.8')).statusCode).toBe(401);
  });

  it('counts an IPv6 client per /64: other addresses of the same /64 share the window', async () => {
    const anon = (remoteAddress: string) => h.app.inject({ method: 'GET', url: '/healthz', remoteAddress });
    for (let i = 1; i <= LIMIT; i++) expect((await anon(`2001:db8:7:1::${i}`)).statusCode, `request ${i}`).toBe(401);
    expectLimited(await anon('2001:db8:7:1:ffff::99'), 60);
    expect((await anon('2001:db8:7:2::1')).statusCode).toBe(401);
  });

  it('counts requests with an invalid token against the client address, so guessing tokens is limited', async () => {
    const { token: valid } = await issueToken(h.bw.store, 'neighbour', ['read']);
    const addr = '203.0.113.50';
    for (let i = 0; i < LIMIT; i++) {
      const guess = `bwk_${i.toString(16).padStart(12, '0')}_${'x'.repeat(43)}`;
      expect((await h.app.inject({ method: 'GET', url: '/healthz', remoteAddress: addr, headers: bearer(guess) })).statusCode).toBe(401);
    }
    expectLimited(await h.app.inject({ method: 'GET', url: '/healthz', remoteAddress: addr, headers: bearer('bwk_ffffffffffff_' + 'y'.repeat(43)) }), 60);
    // A valid token from the same address is judged by its own window.
    expect((await h.app.inject({ method: 'GET', url: '/healthz', remoteAddress: addr, headers: bearer(valid) })).statusCode).toBe(200);
  });

  it('limits the login route per client address too (before the identity service\'s own login limiter)', async () => {
    const addr = '203.0.113.60';
    const attempt = () =>
      h.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: addr,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ email: 'nobody@rate.example', password: 'not the password at all' }),
      });
    for (let i = 1; i <= LIMIT; i++) expect((await attempt()).statusCode, `attempt ${i}`).toBe(401);
    expectLimited(await attempt(), 60);
  });

  it('keeps serving the console\'s public files to a limited address (the login page must load)', async () => {
    const addr = '203.0.113.70';
    for (let i = 0; i <= LIMIT; i++) await h.app.inject({ method: 'GET', url: '/healthz', remoteAddress: addr });
    expectLimited(await h.app.inject({ method: 'GET', url: '/healthz', remoteAddress: addr }), 60);
    const page = await h.app.inject({ method: 'GET', url: '/', remoteAddress: addr });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>Bulwark</title>');
  });
});
