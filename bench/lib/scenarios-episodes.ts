/**
 * The attack episodes of the behavioural scenario benchmark: each variant builds the requests of one
 * episode, with the demo estate's own building blocks (its users, tokens, orders, products, response
 * shapes), so an attacker's requests look like the estate's traffic except for what makes them an attack.
 * Variants differ in intensity; some are slow on purpose, and a few are known to be out of reach of
 * behavioural counting (`hard`: said so in the report, and counted as misses all the same).
 */
import { appRequest, MOBILE_ENDPOINTS } from '../../src/demo/apps/mobile.js';
import { hrReply, HR_ENDPOINTS, staffRequest } from '../../src/demo/apps/hr.js';
import { PAYMENTS, PAYMENTS_ENDPOINTS } from '../../src/demo/apps/payments.js';
import { endpointOf, loginExchange, orderExists, orderJson, shopperRequest, STOREFRONT_ENDPOINTS, STOREFRONT_HEADERS } from '../../src/demo/apps/storefront.js';
import { rs256Token, unsignedToken } from '../../src/demo/jwt.js';
import { jsonBody, NO_QUERY, problemBody, request, response, type Ctx, type EndpointDef, type Exchange } from '../../src/demo/kit.js';
import { ORDER_BASE, ORDERS_PER_USER, PRODUCT_ID_BASE, USER_ID_BASE } from '../../src/demo/pools.js';
import type { Rng } from '../../src/demo/prng.js';

export const SCENARIO_KINDS = ['bola', 'enumeration', 'credential-stuffing', 'scraping', 'token-misuse', 'bfla'] as const;
export type ScenarioKind = (typeof SCENARIO_KINDS)[number];

/** Detection categories that count as catching each kind (the right family). */
export const ACCEPTED_CATEGORIES: Readonly<Record<ScenarioKind, readonly string[]>> = {
  bola: ['bola'],
  enumeration: ['enumeration'],
  'credential-stuffing': ['credential-stuffing'],
  scraping: ['scraping', 'rate-anomaly', 'data-exposure'],
  'token-misuse': ['token-misuse'],
  bfla: ['bfla'],
};

/** One request of an episode: its time and a builder run with the demo context at that time. */
export interface Step {
  t: number;
  build: (ctx: Ctx) => Exchange;
}

export interface Variant {
  kind: ScenarioKind;
  name: string;
  /** Out of reach of behavioural counting by design (the report says why); still counted. */
  hard?: string;
  steps(ctx: Ctx, rng: Rng, start: number): Step[];
}

const sf = (method: string, template: string) => endpointOf(STOREFRONT_ENDPOINTS, method, template);
const ORDER = sf('GET', '/v1/orders/{orderId}');
const ADDRESSES = sf('GET', '/v1/users/{userId}/addresses');
const PRODUCT = sf('GET', '/v1/products/{id}');
const PRODUCTS = sf('GET', '/v1/products');
const REVIEWS = sf('GET', '/v1/products/{id}/reviews');
const LOGIN = sf('POST', '/v1/auth/login');
const ME = sf('GET', '/v1/users/me');
const ORDERS = sf('GET', '/v1/orders');
const M_ORDER = endpointOf(MOBILE_ENDPOINTS, 'GET', '/api/v3/orders/{orderId}');
const M_LOGIN = endpointOf(MOBILE_ENDPOINTS, 'POST', '/api/v3/login');
const M_FEED = endpointOf(MOBILE_ENDPOINTS, 'GET', '/api/v3/feed');
const HR_LOGIN = endpointOf(HR_ENDPOINTS, 'POST', '/auth/session');
const HR_EMPLOYEE = endpointOf(HR_ENDPOINTS, 'GET', '/employees/{id}');
const PAY_BALANCE = endpointOf(PAYMENTS_ENDPOINTS, 'GET', '/v2/balance');
const PAY_PAYOUTS = endpointOf(PAYMENTS_ENDPOINTS, 'GET', '/v2/payouts');
/** Endpoints the estate does not have: what scanners and privilege probes ask for. */
const ghost = (ep: EndpointDef, method: 'GET' | 'DELETE', template: string): EndpointDef => ({ ...ep, method, pathTemplate: template, weight: 0 });

const SCRIPT_UA = 'python-requests/2.31.0';
const WORDLIST = [
  'admin', '.env', '.git/config', 'backup.zip', 'v1/internal/users', 'actuator/env', 'server-status', 'wp-login.php', 'phpinfo.php', 'api/v0/users',
  'v2/users', 'debug/vars', 'console', 'swagger.json', 'openapi.yaml', 'config.yml', 'v1/admin/export', 'db.sql', 'graphql', 'metrics',
  'v1/users', 'v1/accounts', 'v1/orders/export', 'old/api', 'test', 'v1/debug', '.DS_Store', 'v1/config', 'internal/health', 'api-docs',
  'v1/admin', 'v1/admin/users', 'v1/coupons', 'v1/giftcards', 'v1/payments', 'v1/invoices', 'v1/reports', 'v1/logs', 'v1/keys', 'v1/tokens',
  'v0/products', 'v3/products', 'staging', 'dev', 'v1/backup', 'v1/export.csv', 'server-info', 'trace.axd', 'elmah.axd', 'v1/settings',
];
const PASSWORDS = ['Password1!', 'qwerty123', 'Summer2025!', 'letmein', '123456789', 'iloveyou', 'Welcome1', 'Northwind1'];

/** `n` steps from `start`, `gapMs` apart on average (uniform jitter of +-50%). */
function every(rng: Rng, start: number, n: number, gapMs: number, build: (k: number) => Step['build']): Step[] {
  const out: Step[] = [];
  let t = start;
  for (let k = 0; k < n; k++) {
    out.push({ t: Math.floor(t), build: build(k) });
    t += gapMs * (0.5 + rng.float());
  }
  return out;
}

/** A single attacker address (TEST-NET-1, never used by the benign traffic). */
const attackerIp = (rng: Rng) => `192.0.2.${rng.range(1, 254)}`;
/** A bot network's addresses. */
const botIp = (rng: Rng) => `198.18.${rng.range(0, 255)}.${rng.range(1, 254)}`;

function withUa(ex: Exchange, ua: string): Exchange {
  const headers: Record<string, string> = { ...(ex.request.headers as Record<string, string>), 'user-agent': ua };
  delete headers.origin;
  ex.request.headers = headers;
  return ex;
}

const problem = (ctx: Ctx, status: number) => response(ctx, STOREFRONT_HEADERS, status, problemBody(status, ctx.requestId()));
const ok = (ctx: Ctx, text: string) => response(ctx, STOREFRONT_HEADERS, 200, jsonBody(text));

function orderRead(ctx: Ctx, user: number, orderId: number, ip: string): Exchange {
  const req = shopperRequest(ctx, ORDER, `/v1/orders/${orderId}`, NO_QUERY, user, undefined, ip);
  return { request: req, response: orderExists(ctx, orderId) ? ok(ctx, orderJson(ctx, orderId)) : problem(ctx, 404) };
}

function randomOrder(ctx: Ctx, rng: Rng): number {
  return ORDER_BASE + rng.int(ctx.pools.users.length * ORDERS_PER_USER);
}

/** A storefront token whose `exp` passed `agoMs` before `t`. */
function expiredToken(ctx: Ctx, user: number, t: number, agoMs: number): string {
  const exp = Math.floor((t - agoMs) / 1000);
  return rs256Token({ iss: 'https://auth.northwind.example/', sub: `usr_${USER_ID_BASE + user}`, aud: 'api.northwind.example', iat: exp - 25 * 3600, exp, scope: 'shop orders profile' }, user + 17);
}

function bearer(ex: Exchange, token: string): Exchange {
  ex.request.headers = { ...(ex.request.headers as Record<string, string>), authorization: `Bearer ${token}` };
  return ex;
}

/** A customer reading `n` random orders (about 42% of order ids exist), `gapMs` apart. */
function randomWalk(n: number, gapMs: number): Variant['steps'] {
  return (ctx, rng, start) => {
    const user = ctx.pools.userZipf.sample(rng);
    const ip = attackerIp(rng);
    const ids = Array.from({ length: n }, () => randomOrder(ctx, rng));
    return every(rng, start, n, gapMs, (k) => (c) => orderRead(c, user, ids[k]!, ip));
  };
}

/** An anonymous client reading `n` consecutive products, `gapMs` apart (with a script's user agent when `ua`). */
function crawl(n: number, gapMs: number, ua?: string): Variant['steps'] {
  return (_ctx, rng, start) => {
    const ip = attackerIp(rng);
    const from = rng.int(400);
    return every(rng, start, n, gapMs, (k) => (c) => {
      const p = c.pools.products[(from + k) % c.pools.products.length]!;
      const ex = { request: shopperRequest(c, PRODUCT, `/v1/products/${p.id}`, NO_QUERY, -1, undefined, ip), response: response(c, STOREFRONT_HEADERS, 200, jsonBody(p.detailJson)) };
      return ua === undefined ? ex : withUa(ex, ua);
    });
  };
}

export const VARIANTS: readonly Variant[] = [
  // ---- BOLA: an authenticated customer reading other customers' objects ----
  {
    kind: 'bola', name: 'sequential walk, 1 per s',
    steps(ctx, rng, start) {
      const user = ctx.pools.userZipf.sample(rng);
      const ip = attackerIp(rng);
      const first = ORDER_BASE + user * ORDERS_PER_USER;
      return every(rng, start, 30, 1000, (k) => (c) => orderRead(c, user, first + k, ip));
    },
  },
  { kind: 'bola', name: 'random order ids, 1 per 4 s', steps: randomWalk(25, 4000) },
  { kind: 'bola', name: 'low and slow, 1 per 2 min', steps: randomWalk(15, 120_000) },
  { kind: 'bola', name: 'very slow, 1 per 12 min', hard: 'at most 3 ids per 30-minute window: below any count a heavy user reaches', steps: randomWalk(10, 720_000) },
  {
    kind: 'bola', name: 'mobile app orders, 1 per 3 s',
    steps(ctx, rng, start) {
      const user = ctx.pools.userZipf.sample(rng);
      const ids = Array.from({ length: 25 }, () => randomOrder(ctx, rng));
      return every(rng, start, ids.length, 3000, (k) => (c) => {
        const id = ids[k]!;
        const req = appRequest(c, M_ORDER, `/api/v3/orders/${id}`, NO_QUERY, user);
        const found = orderExists(c, id);
        return { request: req, response: response(c, () => ({ server: 'nginx', 'x-powered-by': 'Express' }), found ? 200 : 404, jsonBody(found ? orderJson(c, id) : '{"error":"not found"}')) };
      });
    },
  },
  {
    kind: 'bola', name: "other users' addresses, 1 per 5 s",
    steps(ctx, rng, start) {
      const user = ctx.pools.userZipf.sample(rng);
      const ip = attackerIp(rng);
      const victims = Array.from({ length: 20 }, () => rng.int(ctx.pools.users.length));
      return every(rng, start, victims.length, 5000, (k) => (c) => {
        const v = c.pools.users[victims[k]!]!;
        const req = shopperRequest(c, ADDRESSES, `/v1/users/${v.id}/addresses`, NO_QUERY, user, undefined, ip);
        return { request: req, response: ok(c, `{"addresses":[{"id":"adr_${victims[k]!.toString(36)}","name":${v.nameJson},"phone":${v.phoneJson},"address":${v.addressJson},"default":true}]}`) };
      });
    },
  },

  // ---- Enumeration and forced browsing ----
  {
    kind: 'enumeration', name: 'wordlist scan, 2 per s',
    steps(_ctx, rng, start) {
      const ip = attackerIp(rng);
      const words = rng.shuffle([...WORDLIST]).slice(0, 45);
      return every(rng, start, words.length, 500, (k) => (c) => {
        const ep = ghost(PRODUCTS, 'GET', `/${words[k]}`);
        const ex = { request: shopperRequest(c, ep, `/${words[k]}`, NO_QUERY, -1, undefined, ip), response: problem(c, k % 7 === 0 ? 403 : 404) };
        return withUa(ex, 'Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))');
      });
    },
  },
  {
    kind: 'enumeration', name: 'wordlist scan, slow (1 per min)',
    steps(_ctx, rng, start) {
      const ip = attackerIp(rng);
      const words = rng.shuffle([...WORDLIST]).slice(0, 20);
      return every(rng, start, words.length, 60_000, (k) => (c) => withUa({ request: shopperRequest(c, ghost(PRODUCTS, 'GET', `/${words[k]}`), `/${words[k]}`, NO_QUERY, -1, undefined, ip), response: problem(c, 404) }, SCRIPT_UA));
    },
  },
  {
    kind: 'enumeration', name: 'product id guessing, 1 per s',
    steps(ctx, rng, start) {
      const ip = attackerIp(rng);
      return every(rng, start, 40, 1000, () => (c) => {
        const id = rng.range(1000, 99_999);
        const p = c.pools.products[id - PRODUCT_ID_BASE];
        const ex = { request: shopperRequest(c, PRODUCT, `/v1/products/${id}`, NO_QUERY, -1, undefined, ip), response: p ? response(c, STOREFRONT_HEADERS, 200, jsonBody(p.detailJson)) : problem(c, 404) };
        return withUa(ex, SCRIPT_UA);
      });
    },
  },
  {
    kind: 'enumeration', name: 'user ids refused with 403, 1 per 2 s',
    steps(ctx, rng, start) {
      const user = ctx.pools.userZipf.sample(rng);
      const ip = attackerIp(rng);
      return every(rng, start, 30, 2000, () => (c) => ({ request: shopperRequest(c, ADDRESSES, `/v1/users/${USER_ID_BASE + rng.int(9000)}/addresses`, NO_QUERY, user, undefined, ip), response: problem(c, 403) }));
    },
  },
  {
    kind: 'enumeration', name: 'HR employee ids from the office network',
    steps(ctx, rng, start) {
      const staff = ctx.pools.employeeZipf.sample(rng);
      return every(rng, start, 25, 3000, () => (c) => {
        const id = rng.range(1000, 9999);
        const e = c.pools.employees[id - 1000];
        return { request: staffRequest(c, HR_EMPLOYEE, `/employees/${id}`, NO_QUERY, undefined, staff), response: e ? hrReply(c, 200, e.recordJson) : hrReply(c, 404, '{"error":"not_found"}') };
      });
    },
  },

  // ---- Credential stuffing and brute force ----
  {
    kind: 'credential-stuffing', name: 'one source, 40 accounts, 2-3 per s',
    steps(ctx, rng, start) {
      const ip = attackerIp(rng);
      return every(rng, start, 40, 400, () => (c) => stuffingAttempt(c, rng, ip, LOGIN));
    },
  },
  {
    kind: 'credential-stuffing', name: 'one source, slow (1 per 45 s)',
    steps(ctx, rng, start) {
      const ip = attackerIp(rng);
      return every(rng, start, 20, 45_000, () => (c) => stuffingAttempt(c, rng, ip, LOGIN));
    },
  },
  {
    kind: 'credential-stuffing', name: 'bot network, 100 attempts in 5 min, new address each',
    steps(ctx, rng, start) {
      return every(rng, start, 100, 3000, () => (c) => stuffingAttempt(c, rng, botIp(rng), LOGIN));
    },
  },
  {
    kind: 'credential-stuffing', name: 'bot network, 60 attempts in 30 min', hard: 'two failures a minute spread over 60 addresses and 60 accounts: inside the normal failure rate of a busy login',
    steps(ctx, rng, start) {
      return every(rng, start, 60, 30_000, () => (c) => stuffingAttempt(c, rng, botIp(rng), LOGIN));
    },
  },
  {
    kind: 'credential-stuffing', name: 'one account from 15 addresses',
    steps(ctx, rng, start) {
      const victim = ctx.pools.userZipf.sample(rng);
      return every(rng, start, 15, 20_000, () => (c) => withUa(loginExchange(c, LOGIN, victim, c.pools.users[victim]!.email, rng.pick(PASSWORDS), false, botIp(rng)), SCRIPT_UA));
    },
  },
  {
    kind: 'credential-stuffing', name: 'brute force of one account, 1 per 3 s',
    steps(ctx, rng, start) {
      const victim = ctx.pools.userZipf.sample(rng);
      const ip = attackerIp(rng);
      return every(rng, start, 25, 3000, () => (c) => withUa(loginExchange(c, LOGIN, victim, c.pools.users[victim]!.email, rng.pick(PASSWORDS) + rng.int(100), false, ip), SCRIPT_UA));
    },
  },
  {
    kind: 'credential-stuffing', name: 'mobile app login, one source',
    steps(ctx, rng, start) {
      const ip = attackerIp(rng);
      return every(rng, start, 30, 700, () => (c) => {
        const u = c.pools.userZipf.sample(rng);
        const body = jsonBody(`{"email":"${c.pools.users[u]!.email}","password":"${rng.pick(PASSWORDS)}","deviceId":"${c.rng.hex(16)}"}`);
        const req = appRequest(c, M_LOGIN, '/api/v3/login', NO_QUERY, u, body);
        req.clientAddress = ip;
        return { request: req, response: response(c, () => ({ server: 'nginx' }), 401, jsonBody('{"error":"Invalid email or password"}')) };
      });
    },
  },
  {
    kind: 'credential-stuffing', name: 'HR sign-in from the office network',
    steps(ctx, rng, start) {
      const staff = ctx.pools.employeeZipf.sample(rng);
      return every(rng, start, 20, 2000, () => (c) => {
        const e = c.pools.employees[rng.int(c.pools.employees.length)]!;
        const req = staffRequest(c, HR_LOGIN, '/auth/session', NO_QUERY, jsonBody(`{"username":"${e.email.split('@')[0]}","password":"${rng.pick(PASSWORDS)}"}`), staff);
        return { request: req, response: hrReply(c, 401, '{"error":"invalid_credentials"}') };
      });
    },
  },

  // ---- Scraping and excessive data exposure ----
  {
    kind: 'scraping', name: 'pages of 1,000 products (limit removed)',
    steps(ctx, rng, start) {
      const ip = attackerIp(rng);
      return every(rng, start, 6, 10_000, (k) => (c) => {
        const items = c.pools.products.slice(0, 1000).map((p) => p.summaryJson).join(',');
        const req = shopperRequest(c, PRODUCTS, '/v1/products', { page: String(k + 1), limit: '1000' }, -1, undefined, ip);
        return withUa({ request: req, response: response(c, STOREFRONT_HEADERS, 200, jsonBody(`{"items":[${items}],"page":${k + 1},"pageSize":1000}`)) }, SCRIPT_UA);
      });
    },
  },
  { kind: 'scraping', name: 'catalogue crawl, 4 per s', steps: crawl(300, 250, SCRIPT_UA) },
  { kind: 'scraping', name: 'catalogue crawl, slow (1 per 25 s)', steps: crawl(120, 25_000) },
  {
    kind: 'scraping', name: 'review authors harvest, 1 per 2 s',
    steps(ctx, rng, start) {
      const ip = attackerIp(rng);
      return every(rng, start, 150, 2000, (k) => (c) => {
        const p = c.pools.products[k % c.pools.products.length]!;
        return withUa({ request: shopperRequest(c, REVIEWS, `/v1/products/${p.id}/reviews`, { page: '1' }, -1, undefined, ip), response: response(c, STOREFRONT_HEADERS, 200, jsonBody(p.reviewsJson)) }, SCRIPT_UA);
      });
    },
  },
  {
    kind: 'scraping', name: 'orders served without a token (auth bypass)',
    steps(ctx, rng, start) {
      const ip = attackerIp(rng);
      const ids = Array.from({ length: 12 }, () => randomOrder(ctx, rng)).filter((id) => orderExists(ctx, id));
      return every(rng, start, ids.length, 20_000, (k) => (c) => withUa({ request: shopperRequest(c, ORDER, `/v1/orders/${ids[k]!}`, NO_QUERY, -1, undefined, ip), response: ok(c, orderJson(c, ids[k]!)) }, SCRIPT_UA));
    },
  },

  // ---- Token misuse ----
  {
    kind: 'token-misuse', name: 'stolen token replayed from 15 addresses',
    steps(ctx, rng, start) {
      const victim = ctx.pools.userZipf.sample(rng);
      const bots = Array.from({ length: 15 }, () => botIp(rng));
      return every(rng, start, 40, 15_000, (k) => (c) => {
        const ep = k % 2 ? ME : ORDERS;
        const req = shopperRequest(c, ep, ep.pathTemplate, NO_QUERY, victim, undefined, bots[k % bots.length]);
        return { request: req, response: ok(c, ep === ME ? c.pools.users[victim]!.profileJson : '{"orders":[],"page":1,"pageSize":20}') };
      });
    },
  },
  {
    kind: 'token-misuse', name: 'stolen payments API key from 8 addresses',
    steps(ctx, rng, start) {
      const m = rng.pick(ctx.pools.merchants);
      const bots = Array.from({ length: 8 }, () => botIp(rng));
      return every(rng, start, 16, 30_000, (k) => (c) => {
        const ep = k % 2 ? PAY_PAYOUTS : PAY_BALANCE;
        const req = request(ep, PAYMENTS.host, PAYMENTS.tlsVersion, ep.pathTemplate, NO_QUERY, { accept: 'application/json', 'user-agent': SCRIPT_UA, 'x-api-key': m.apiKey }, {}, bots[k % bots.length]!);
        return { request: req, response: response(c, () => ({ server: 'envoy' }), 200, jsonBody('{"available":[{"amount":1200,"currency":"usd"}]}')) };
      });
    },
  },
  {
    kind: 'token-misuse', name: "forged unsigned token (alg none) for another user",
    steps(ctx, rng, start) {
      const victim = rng.int(ctx.pools.users.length);
      const ip = attackerIp(rng);
      const forged = unsignedToken({ sub: `usr_${USER_ID_BASE + victim}`, scope: 'shop orders profile', iat: Math.floor(start / 1000) });
      return every(rng, start, 3, 10_000, () => (c) => bearer({ request: shopperRequest(c, ME, '/v1/users/me', NO_QUERY, -1, undefined, ip), response: ok(c, c.pools.users[victim]!.profileJson) }, forged));
    },
  },
  {
    kind: 'token-misuse', name: 'expired token replayed, accepted',
    steps(ctx, rng, start) {
      const victim = ctx.pools.userZipf.sample(rng);
      const ip = attackerIp(rng);
      const token = expiredToken(ctx, victim, start, 2 * 86_400_000);
      return every(rng, start, 5, 60_000, () => (c) => bearer({ request: shopperRequest(c, ORDERS, '/v1/orders', NO_QUERY, -1, undefined, ip), response: ok(c, '{"orders":[],"page":1,"pageSize":20}') }, token));
    },
  },
  {
    kind: 'token-misuse', name: 'stolen token used from one other address', hard: 'two addresses for one token is what a phone on Wi-Fi and on mobile data looks like',
    steps(ctx, rng, start) {
      const victim = ctx.pools.userZipf.sample(rng);
      const ip = attackerIp(rng);
      return every(rng, start, 10, 60_000, () => (c) => ({ request: shopperRequest(c, ME, '/v1/users/me', NO_QUERY, victim, undefined, ip), response: ok(c, c.pools.users[victim]!.profileJson) }));
    },
  },
  {
    kind: 'token-misuse', name: 'forged unsigned token on the legacy mobile API', hard: 'that API accepts only unsigned tokens: a forgery looks like every request (the posture finding says so)',
    steps(ctx, rng, start) {
      const victim = rng.int(ctx.pools.users.length);
      const forged = unsignedToken({ sub: `usr_${USER_ID_BASE + victim}`, iat: Math.floor(start / 1000), role: 'customer' });
      const ip = attackerIp(rng);
      return every(rng, start, 3, 10_000, () => (c) => {
        const req = appRequest(c, M_FEED, '/api/v3/feed', { locale: 'en_US' }, victim);
        req.clientAddress = ip;
        return bearer({ request: req, response: response(c, () => ({ server: 'nginx' }), 200, jsonBody('{"banners":[]}')) }, forged);
      });
    },
  },

  // ---- BFLA ----
  {
    kind: 'bfla', name: "customer calling the storefront's admin API",
    steps(ctx, rng, start) {
      const user = ctx.pools.userZipf.sample(rng);
      const ip = attackerIp(rng);
      const list = ghost(ME, 'GET', '/v1/admin/users');
      const del = ghost(ME, 'DELETE', '/v1/admin/users/{userId}');
      return every(rng, start, 5, 8000, (k) => (c) =>
        k === 0
          ? { request: shopperRequest(c, list, '/v1/admin/users', { page: '1' }, user, undefined, ip), response: ok(c, '{"users":[],"page":1}') }
          : { request: shopperRequest(c, del, `/v1/admin/users/${USER_ID_BASE + rng.int(5000)}`, NO_QUERY, user, undefined, ip), response: response(c, STOREFRONT_HEADERS, 204) },
      );
    },
  },
];

function stuffingAttempt(ctx: Ctx, rng: Rng, ip: string, ep: EndpointDef): Exchange {
  const real = rng.chance(0.7);
  const user = real ? ctx.pools.userZipf.sample(rng) : -1;
  const email = user >= 0 ? ctx.pools.users[user]!.email : `${rng.pick(['mike', 'sarah', 'jdoe', 'info', 'admin'])}${rng.digits(3)}@example.com`;
  const success = user >= 0 && rng.chance(0.03);
  return withUa(loginExchange(ctx, ep, user, email, rng.pick(PASSWORDS), success, ip), SCRIPT_UA);
}
