import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointId } from '../../aggregate/endpoint-state.js';
import type { Bulwark } from '../../app/context.js';
import { ApplicationView, Dashboard, pageOf } from '../../contracts/api.js';
import { OwnershipRulesView, OwnershipTestResult, ReplaceOwnershipRulesResult } from '../../contracts/ownership.js';
import { makeEndpoint, risk } from '../../store/fixtures/builders.js';
import { asSession, bearer, login, openTestServer, type Send, type TestServer } from '../fixtures/test-server.js';
import { issueToken } from '../tokens.js';

/** Applications with their metadata, `/api/v1/ownership/*` and the dashboard's unowned count, in process against a real store. */

const PASSWORD = 'correct horse battery staple';
const HOST = 'api.shop.example';
const id = (path: string, host = HOST) => endpointId(host, 'GET', path);

describe('/api/v1/ownership and applications', () => {
  let server: TestServer;
  let bw: Bulwark;
  let asAdmin: Send;
  let asReader: Send;
  let asOwner: Send;
  let shopId: string;

  beforeAll(async () => {
    server = await openTestServer('ownership-api');
    bw = server.bw;
    asAdmin = bearer(server.app, (await issueToken(bw.store, 'admin', ['admin'])).token);
    asReader = bearer(server.app, (await issueToken(bw.store, 'reader', ['read'])).token);
    await bw.store.saveEndpoints(
      ['/cart', '/billing/{id}', '/healthz'].map((p) => ({ endpoint: makeEndpoint({ id: id(p), host: HOST, method: 'GET', pathTemplate: p, risk: risk(5, 'medium') }), state: null })),
    );
  }, 60_000);
  afterAll(async () => {
    await server.close();
  });

  const unowned = async () => (await bw.store.listFindings({ ruleId: 'ownership-unowned-endpoint', status: 'open' })).items.map((f) => f.pathTemplate).sort();

  it('creates and changes applications with team, contacts, criticality and data tags; older clients keep working', async () => {
    const created = await asAdmin('POST', '/api/v1/applications', {
      name: 'Shop',
      matchers: [{ host: HOST, pathPrefix: '/cart' }],
      team: 'commerce',
      contacts: ['shop@example.com'],
      criticality: 'critical',
      dataTags: ['pci'],
    });
    expect(created.statusCode, created.body).toBe(201);
    const shop = ApplicationView.parse(created.json());
    shopId = shop.id;
    expect(shop).toMatchObject({ team: 'commerce', contacts: ['shop@example.com'], criticality: 'critical', dataTags: ['pci'], matchers: [{ host: HOST, pathPrefix: '/cart' }] });
    // A client that sends only what it always sent.
    const old = await asAdmin('POST', '/api/v1/applications', { name: 'Billing', matchers: [{ host: HOST, pathPrefix: '/billing' }] });
    expect(old.json()).toMatchObject({ team: null, contacts: [], criticality: 'medium', dataTags: [] });
    const patched = await asAdmin('PATCH', `/api/v1/applications/${shopId}`, { name: 'Shop', matchers: shop.matchers });
    expect(patched.json()).toMatchObject({ criticality: 'critical', team: 'commerce' });
    const list = pageOf(ApplicationView).parse((await asReader('GET', '/api/v1/applications')).json());
    expect(list.items.map((a) => [a.name, a.criticality])).toEqual([
      ['Shop', 'critical'],
      ['Billing', 'medium'],
    ]);

    const bad = await asAdmin('POST', '/api/v1/applications', { name: 'X', contacts: ['nope'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'invalid_input', message: expect.stringContaining('contacts.0') } });
    // The criticality is in the endpoint's risk: lists and detail agree.
    const cart = await asReader('GET', `/api/v1/endpoints/${id('/cart')}`);
    expect(cart.json()).toMatchObject({ endpoint: { risk: { score: 6, level: 'high' } } });
    expect(cart.json().endpoint.risk.factors.at(-1)).toMatchObject({ id: 'business-criticality', detail: 'Shop: critical' });

    // Creating applications created rules; /healthz is claimed by none: unowned, a finding and a dashboard figure.
    expect(await unowned()).toEqual(['/healthz']);
    expect(Dashboard.parse((await asReader('GET', '/api/v1/dashboard')).json()).unownedEndpoints).toBe(1);
  });

  it('lists, replaces (audited) and tests the ordered rules; the unowned finding resolves when a rule claims the endpoint', async () => {
    const listed = OwnershipRulesView.parse((await asReader('GET', '/api/v1/ownership/rules')).json());
    expect(listed.rules.map((r) => r.match)).toEqual([
      { host: HOST, pathPrefix: '/cart' },
      { host: HOST, pathPrefix: '/billing' },
    ]);
    const rules = [...listed.rules, { id: 'shop-rest', application: shopId, match: { host: HOST }, note: 'the rest of the shop host' }];
    const put = await asAdmin('PUT', '/api/v1/ownership/rules', { rules });
    expect(put.statusCode, put.body).toBe(200);
    expect(ReplaceOwnershipRulesResult.parse(put.json())).toEqual({ rules, endpointsReassigned: 1 });
    expect(await unowned()).toEqual([]);
    expect((await bw.store.listAudit({ action: 'ownership.rules-replace' })).items[0]).toMatchObject({ actor: { kind: 'token' }, after: { endpointsReassigned: 1 } });

    const tested = OwnershipTestResult.parse((await asReader('POST', '/api/v1/ownership/test', { host: HOST, path: '/healthz', method: 'GET' })).json());
    expect(tested.matched).toMatchObject({ index: 2, ruleId: 'shop-rest', application: shopId });
    expect(tested.application).toMatchObject({ name: 'Shop', criticality: 'critical' });
    expect(tested.tried.map((t) => t.reason)).toEqual(['path /healthz is not under /cart', 'path /healthz is not under /billing']);
    expect(tested.subject.endpointId).toBe(id('/healthz'));
    const byId = await asReader('POST', '/api/v1/ownership/test', { endpointId: id('/billing/{id}') });
    expect(byId.json()).toMatchObject({ matched: { index: 1 } });

    // Bad input: both forms at once, two match kinds, an unknown application; permissions.
    expect((await asAdmin('POST', '/api/v1/ownership/test', { host: HOST, path: '/x', endpointId: 'y' })).statusCode).toBe(400);
    const twoKinds = await asAdmin('PUT', '/api/v1/ownership/rules', { rules: [{ id: 'r', application: shopId, match: { host: HOST, specTag: 'x' } }] });
    expect(twoKinds.json()).toMatchObject({ error: { code: 'invalid_input', message: 'invalid body: rules.0.match: give only one of host, specTag' } });
    const unknown = await asAdmin('PUT', '/api/v1/ownership/rules', { rules: [{ id: 'r', application: 'app_nope', match: { host: HOST } }] });
    expect(unknown.json()).toMatchObject({ error: { code: 'invalid_input', message: 'rule 1 (r): no application "app_nope"' } });
    expect((await asReader('PUT', '/api/v1/ownership/rules', { rules: [] })).statusCode).toBe(403);
    expect((await asReader('GET', '/api/v1/ownership/rules')).json().rules).toHaveLength(3);
  });

  it('shows a workload owner the rules of their applications only', async () => {
    const { invitation } = await bw.identity.inviteUser(
      { principal: { kind: 'token', id: 'setup', name: 'setup', scopes: ['admin'], applications: 'all' } },
      { email: 'owner@example.com', role: 'workload-owner', applications: [shopId] },
    );
    await bw.identity.acceptInvitation(invitation.token, PASSWORD);
    asOwner = asSession(server.app, await login(server.app, 'owner@example.com', PASSWORD));

    const rules = OwnershipRulesView.parse((await asOwner('GET', '/api/v1/ownership/rules')).json()).rules;
    expect(rules.every((r) => r.application === shopId)).toBe(true);
    expect(rules).toHaveLength(2);
    const tested = await asOwner('POST', '/api/v1/ownership/test', { host: HOST, path: '/healthz' });
    expect(tested.json()).toMatchObject({ matched: { ruleId: 'shop-rest' }, hiddenRules: 1 });
    expect((await asOwner('POST', '/api/v1/ownership/test', { host: HOST, path: '/billing/7' })).statusCode).toBe(404);
    expect((await asOwner('PUT', '/api/v1/ownership/rules', { rules: [] })).statusCode).toBe(403);
    // Unowned endpoints are outside every scope.
    expect(Dashboard.parse((await asOwner('GET', '/api/v1/dashboard')).json()).unownedEndpoints).toBe(0);
  });
});
