import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBulwark, type Bulwark } from '../../app/context.js';
import { loadConfig } from '../../config/config.js';
import { SpecGenerateResult, SpecReviewList } from '../../contracts/spec-generate.js';
import { TEST_SCRYPT_COST } from '../../identity/passwords.js';
import { readEventBatches } from '../../sources/index.js';
import { oas31Errors } from '../../spec/generate/fixtures/oas31-schema.js';
import { GENERATE_HOST, generateFixtureEvents } from '../../spec/generate/fixtures/traffic.js';
import { createLogger } from '../../util/logger.js';
import { buildServer } from '../app.js';
import { serverDeps } from '../serve.js';
import { issueToken } from '../tokens.js';

/** `/api/v1/specs/generate` in process (`fastify.inject`), on a store fed through the real pipeline. */

const PASSWORD = 'correct horse battery staple';
const OTHER_HOST = 'other.generate.example';

describe('/api/v1/specs/generate', () => {
  let dir: string;
  let bw: Bulwark;
  let app: FastifyInstance;
  let admin: string;
  let reader: string;
  let owner: { cookie: string; csrf: string };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bulwark-spec-generate-api-'));
    bw = await openBulwark(loadConfig({ env: { BULWARK_DATA_DIR: dir } }), createLogger('silent'), {}, { identity: { passwordCost: TEST_SCRYPT_COST } });
    app = buildServer(serverDeps(bw));
    await app.ready();
    const file = path.join(dir, 'traffic.ndjson');
    const other = Array.from({ length: 5 }, (_, i) => ({
      timestamp: new Date(Date.UTC(2026, 10, 1, 10, 0, i)).toISOString(),
      request: { method: 'GET', url: `https://${OTHER_HOST}/status`, headers: {}, clientAddress: '203.0.113.9' },
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' },
    }));
    writeFileSync(file, [...generateFixtureEvents(), ...other].map((e) => JSON.stringify(e)).join('\n') + '\n');
    await bw.pipeline.ingest(readEventBatches(file));
    admin = (await issueToken(bw.store, 'admin', ['admin'])).token;
    reader = (await issueToken(bw.store, 'reader', ['read'])).token;

    const boss = await bw.identity.bootstrapAdmin({ email: 'admin@gen.example', password: PASSWORD });
    const caller = { principal: { kind: 'user' as const, id: boss.id, name: boss.email, role: 'admin' as const, applications: 'all' as const } };
    const shop = await bw.identity.createApplication(caller, { name: 'Shop', matchers: [{ host: GENERATE_HOST }] });
    const { invitation } = await bw.identity.inviteUser(caller, { email: 'owner@gen.example', role: 'workload-owner', applications: [shop.id] });
    await bw.identity.acceptInvitation(invitation.token, PASSWORD);
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: 'owner@gen.example', password: PASSWORD }) });
    owner = { cookie: /bulwark_session=([^;]+)/.exec(String(login.headers['set-cookie']))![1]!, csrf: (login.json() as { csrfToken: string }).csrfToken };
  }, 60_000);

  afterAll(async () => {
    await app.close();
    await bw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = (method: 'GET' | 'POST', url: string, body?: unknown, token = admin) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });

  it('lists every endpoint with its default decision, filtered by host', async () => {
    const all = SpecReviewList.parse((await send('GET', '/api/v1/specs/generate/review')).json());
    expect(all.total).toBe(4);
    expect(all.items.every((e) => e.action === 'accept')).toBe(true);
    const one = SpecReviewList.parse((await send('GET', `/api/v1/specs/generate/review?host=${OTHER_HOST}, nothere.example`)).json());
    expect(one.items.map((e) => `${e.method} ${e.host}${e.template}`)).toEqual([`GET ${OTHER_HOST}/status`]);
    expect(one.items[0]).toMatchObject({ pathParameters: [], origin: 'traffic', calls: 5 });
  });

  it('generates YAML or JSON text, valid OpenAPI 3.1, applying decisions', async () => {
    const review = SpecReviewList.parse((await send('GET', `/api/v1/specs/generate/review?host=${GENERATE_HOST}`)).json());
    const latest = review.items.find((e) => e.template === '/v1/items/latest')!;
    const res = await send('POST', '/api/v1/specs/generate', { hosts: [GENERATE_HOST], decisions: [{ id: latest.id, action: 'skip' }] });
    expect(res.statusCode, res.body).toBe(200);
    const result = SpecGenerateResult.parse(res.json());
    expect(result).toMatchObject({ format: 'yaml', warnings: [], counts: { endpoints: 3, skipped: 1, operations: 2 } });
    const doc = parseYaml(result.text) as { paths: Record<string, unknown> };
    expect(oas31Errors(doc)).toEqual([]);
    expect(Object.keys(doc.paths)).toEqual(['/v1/items', review.items.find((e) => e.method === 'GET' && e.template !== '/v1/items/latest')!.template]);
    expect(res.json()).not.toHaveProperty('document');

    const json = SpecGenerateResult.parse((await send('POST', '/api/v1/specs/generate', { format: 'json' })).json());
    expect(Object.keys((JSON.parse(json.text) as { paths: object }).paths)).toHaveLength(4);
  });

  it('answers 400 with every problem of the decisions, and for a malformed body', async () => {
    const review = SpecReviewList.parse((await send('GET', `/api/v1/specs/generate/review?host=${GENERATE_HOST}`)).json());
    const items = review.items.find((e) => e.pathParameters.length === 1)!;
    const res = await send('POST', '/api/v1/specs/generate', { decisions: [{ id: items.id, rename: { nope: 'x' } }, { id: items.id, action: 'skip' }] });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'invalid_input', message: expect.stringMatching(/^review: 2 problems: /), details: { problems: expect.any(Array) } } });
    expect((await send('POST', '/api/v1/specs/generate', { decisions: [{ id: 'not-an-id' }] })).statusCode).toBe(400);
    expect((await send('POST', '/api/v1/specs/generate', { format: 'xml' })).statusCode).toBe(400);
    expect((await send('POST', '/api/v1/specs/generate', { decisions: [{ id: items.id, split: ['no-slash'] }] })).statusCode).toBe(400);
  });

  it('needs specs:write; a workload owner gets only the endpoints of their applications', async () => {
    expect((await send('GET', '/api/v1/specs/generate/review', undefined, reader)).statusCode).toBe(403);
    expect((await send('POST', '/api/v1/specs/generate', {}, reader)).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/v1/specs/generate', headers: { 'content-type': 'application/json' }, payload: '{}' })).statusCode).toBe(401);

    const asOwner = (method: 'GET' | 'POST', url: string, body?: unknown) =>
      app.inject({
        method,
        url,
        headers: { cookie: `bulwark_session=${owner.cookie}`, 'x-csrf-token': owner.csrf, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      });
    const list = SpecReviewList.parse((await asOwner('GET', '/api/v1/specs/generate/review')).json());
    expect(new Set(list.items.map((e) => e.host))).toEqual(new Set([GENERATE_HOST]));
    const result = SpecGenerateResult.parse((await asOwner('POST', '/api/v1/specs/generate', { hosts: [OTHER_HOST] })).json());
    expect(result.counts.endpoints).toBe(0);
    expect(result.warnings).toEqual(['no endpoint matches the selection: the document has no paths']);
  });
});
