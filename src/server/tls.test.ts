import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { openBulwark, type Bulwark } from '../app/context.js';
import { createLogger } from '../util/logger.js';
import { TEST_SCRYPT_COST } from '../identity/passwords.js';
import { ensureAdminToken, ensureAdminUser, startServer, type RunningServer } from './serve.js';
import { SESSION_COOKIE } from './auth.js';

/**
 * HTTPS end to end: `server.tls` set to a self-signed certificate made with the openssl CLI at test time,
 * the server started as `bulwark serve` starts it, on a real loopback socket, spoken to with node's https
 * client trusting exactly that certificate.
 */

const OPENSSL = '/usr/bin/openssl';
const REQUEST_TIMEOUT_MS = 10_000;

/** A self-signed certificate for 127.0.0.1 and localhost, valid for a day. Fails (never skips) without openssl. */
function makeCertificate(dir: string): { certFile: string; keyFile: string } {
  if (!existsSync(OPENSSL)) {
    throw new Error(`${OPENSSL} is missing: the TLS test needs the openssl CLI to make its certificate (apt-get install openssl)`);
  }
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync(
    OPENSSL,
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyFile, '-out', certFile],
    { stdio: 'pipe', timeout: 20_000 },
  );
  return { certFile, keyFile };
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The certificate the server presented. */
  peer: X509Certificate | null;
}

/** One HTTPS request that trusts only `ca`; rejects on any TLS or socket error and after a timeout. */
function httpsRequest(url: string, ca: Buffer, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: opts.method ?? 'GET', headers: opts.headers, ca, agent: false, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const socket = res.socket as TLSSocket;
      const raw = socket.getPeerX509Certificate();
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), peer: raw ?? null }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A plain-HTTP request: resolves with the answer if one comes, or with the socket error that ended it. */
function plainHttpRequest(url: string): Promise<{ answer: { status: number; body: string } } | { error: NodeJS.ErrnoException }> {
  return new Promise((resolve) => {
    const req = http.request(url, { agent: false, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ answer: { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('latin1') } }));
      res.on('error', (error) => resolve({ error }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (error) => resolve({ error }));
    req.end();
  });
}

describe('the server over HTTPS (server.tls)', () => {
  let dir: string;
  let bw: Bulwark;
  let server: RunningServer | undefined;
  let cert: Buffer;
  let token: string;
  let account: { email: string; password: string };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bulwark-tls-'));
    const tlsDir = path.join(dir, 'tls');
    mkdirSync(tlsDir);
    const tls = makeCertificate(tlsDir);
    cert = readFileSync(tls.certFile);
    const config = loadConfig({ env: { BULWARK_DATA_DIR: path.join(dir, 'data') }, overrides: { server: { tls } } });
    bw = await openBulwark(config, createLogger('silent'), {}, { identity: { passwordCost: TEST_SCRYPT_COST } });
    token = (await ensureAdminToken(bw))!;
    account = (await ensureAdminUser(bw))!;
    expect(token).toMatch(/^bwk_/);
    expect(account.email).toBeTruthy();
    server = await startServer(bw, { host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    try {
      await server?.close();
      await bw?.close();
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('returns an https:// URL for the loopback address and ephemeral port', () => {
    expect(server!.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(server!.url).port)).toBeGreaterThan(0);
  });

  it('answers /healthz over TLS with the configured certificate, HSTS and the security headers', async () => {
    const res = await httpsRequest(`${server!.url}/healthz`, cert, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status, res.body).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
    // The certificate verified against the generated one is the one the server presents.
    expect(res.peer?.fingerprint256).toBe(new X509Certificate(cert).fingerprint256);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('sends HSTS on error answers too', async () => {
    const res = await httpsRequest(`${server!.url}/api/v1/inventory/summary`, cert);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'unauthenticated' } });
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
  });

  it('sets the session cookie Secure, HttpOnly and SameSite=Strict on console login, and the cookie works', async () => {
    const res = await httpsRequest(`${server!.url}/api/v1/auth/login`, cert, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: account.email, password: account.password }),
    });
    expect(res.status, res.body).toBe(200);
    const setCookie = res.headers['set-cookie'] ?? [];
    expect(setCookie).toHaveLength(1);
    const attrs = setCookie[0]!.split(';').map((a) => a.trim());
    expect(attrs[0]).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{20,}$`));
    expect(attrs).toContain('Secure');
    expect(attrs).toContain('HttpOnly');
    expect(attrs).toContain('SameSite=Strict');
    expect(attrs).toContain('Path=/');
    const { csrfToken } = JSON.parse(res.body) as { csrfToken: string };
    expect(csrfToken.length).toBeGreaterThan(20);

    const session = await httpsRequest(`${server!.url}/api/v1/auth/session`, cert, { headers: { cookie: attrs[0]! } });
    expect(session.status, session.body).toBe(200);
    expect(JSON.parse(session.body)).toMatchObject({ user: { email: account.email }, csrfToken });
  });

  it('gives no API answer to plain HTTP on the TLS port', async () => {
    const url = server!.url.replace(/^https:/, 'http:');
    const r = await plainHttpRequest(`${url}/healthz`);
    if ('answer' in r) {
      // A server may answer a plain request on a TLS port with a 4xx; it must not be the API's.
      expect(r.answer.status).toBeGreaterThanOrEqual(400);
      expect(r.answer.body).not.toContain('"status"');
    } else {
      // What node's TLS server does: the handshake fails and the socket is closed without a byte of HTTP.
      expect(r.error.code, r.error.message).toBe('ECONNRESET');
    }
    // The server is still up for TLS clients afterwards.
    const ok = await httpsRequest(`${server!.url}/healthz`, cert, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
  });
});
