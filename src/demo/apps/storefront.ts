import { jsonString } from '../json-text.js';
import { mixSeed } from '../prng.js';
import { CATEGORY_SLUGS, ORDER_BASE, ORDERS_PER_USER, PROXY_ADDRESS, SEARCH_TERMS, USER_ID_BASE } from '../pools.js';
import {
  clientErrorStatus,
  jsonBody,
  NO_QUERY,
  problemBody,
  request,
  response,
  serverErrorStatus,
  type BodyInput,
  type Ctx,
  type DemoApplication,
  type EndpointDef,
  type Exchange,
  type HeaderTemplate,
  type Headers,
  type RequestInput,
} from '../kit.js';

/** The public storefront: the well-run application of the estate, so findings are not uniform. */
export const STOREFRONT: DemoApplication = {
  id: 'storefront',
  name: 'Storefront API',
  host: 'api.northwind.example',
  tlsVersion: 'TLSv1.3',
  clients: 'public',
  securityHeaders: 'full',
  intendedIssues: [
    'responses carry personal data (emails, names, phones, addresses, dates of birth)',
    'GET /v1/orders/{orderId} does not check ownership (BOLA walks succeed)',
    'reviews are stored unsanitised (XSS payloads answered 201)',
  ],
};

const HOST = STOREFRONT.host;
const TLS = STOREFRONT.tlsVersion;

export const STOREFRONT_HEADERS: HeaderTemplate = (rid) => ({
  server: 'envoy',
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-request-id': rid,
});
const CATALOG_HEADERS: HeaderTemplate = (rid) => ({
  server: 'envoy',
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'public, max-age=60',
  'x-request-id': rid,
});

const ORIGIN = 'https://www.northwind.example';
const LANGS = ['en-US,en;q=0.9', 'en-GB,en;q=0.8', 'en-US', 'fr-FR,fr;q=0.9,en;q=0.7', 'de-DE,de;q=0.9,en;q=0.6'];
const PASSWORD_WORDS = ['Trail', 'Summit', 'Cedar', 'Granite', 'Maple', 'Falcon', 'River'];

/**
 * The request of a shopper (`user` >= 0) or an anonymous visitor (`user` < 0). A quarter of the traffic
 * comes through the edge proxy, which shows up as the proxy's address plus `x-forwarded-for`.
 */
export function shopperRequest(
  ctx: Ctx,
  ep: EndpointDef,
  path: string,
  query: Record<string, string | string[]>,
  user: number,
  body?: BodyInput,
  ip?: string,
): RequestInput {
  const { rng, pools } = ctx;
  const person = user >= 0 ? pools.users[user] : undefined;
  const client = ip ?? (person && rng.chance(0.92) ? person.ip : rng.pick(pools.publicIps));
  const headers: Headers = {
    accept: 'application/json',
    'user-agent': person ? person.ua : rng.pick(pools.browserUas),
    'accept-language': LANGS[(user >>> 0) % LANGS.length]!,
    origin: ORIGIN,
  };
  if (person) headers.authorization = 'Bearer ' + ctx.bearerToken(user);
  if (body) headers['content-type'] = 'application/json';
  let clientAddress = client;
  if (rng.chance(0.25)) {
    headers['x-forwarded-for'] = client;
    headers['x-forwarded-proto'] = 'https';
    clientAddress = PROXY_ADDRESS;
  }
  const cookies: Record<string, string> = { nw_consent: 'essential,analytics' };
  if (person) cookies._ga = `GA1.2.${person.id * 7919}.${1_700_000_000 + person.id}`;
  return request(ep, HOST, TLS, path, query, headers, cookies, clientAddress, body);
}

function reply(ctx: Ctx, status: number, text?: string, catalog = false): Exchange['response'] {
  return response(ctx, catalog ? CATALOG_HEADERS : STOREFRONT_HEADERS, status, text === undefined ? undefined : jsonBody(text));
}

function problem(ctx: Ctx, status: number): Exchange['response'] {
  return response(ctx, STOREFRONT_HEADERS, status, problemBody(status, ctx.requestId()));
}

/** Standard failure answer for a shopper call; undefined means "answer normally". */
function maybeFail(ctx: Ctx, p4xx: number, p5xx: number): Exchange['response'] | undefined {
  const o = ctx.outcome(p4xx, p5xx);
  if (o === 0) return undefined;
  return problem(ctx, o === 5 ? serverErrorStatus(ctx.rng) : clientErrorStatus(ctx.rng));
}

const ORDER_STATUSES = ['delivered', 'delivered', 'delivered', 'shipped', 'processing', 'cancelled', 'returned'];

export function orderOwner(orderId: number): number {
  return Math.floor((orderId - ORDER_BASE) / ORDERS_PER_USER);
}

export function orderExists(ctx: Ctx, orderId: number): boolean {
  const owner = orderOwner(orderId);
  const k = (orderId - ORDER_BASE) % ORDERS_PER_USER;
  return owner >= 0 && owner < ctx.pools.users.length && k < ctx.pools.orderCount[owner]!;
}

export function randomOwnOrder(ctx: Ctx, user: number): number {
  return ORDER_BASE + user * ORDERS_PER_USER + ctx.rng.int(ctx.pools.orderCount[user]!);
}

/** Full order JSON with the customer's contact data and shipping address: what a BOLA walk harvests. */
export function orderJson(ctx: Ctx, orderId: number): string {
  const { pools } = ctx;
  const owner = pools.users[orderOwner(orderId)]!;
  const h = mixSeed(ctx.seed, orderId);
  const n = 1 + (h % 3);
  let items = '';
  let cents = 0;
  for (let i = 0; i < n; i++) {
    const p = pools.products[(h >>> (4 + i * 7)) % pools.products.length]!;
    const qty = 1 + ((h >>> (20 + i)) & 1);
    cents += p.priceCents * qty;
    items += `${i ? ',' : ''}{"sku":"${p.sku}","productId":${p.id},"quantity":${qty},"unitPrice":${p.price}}`;
  }
  const total = cents / 100;
  const placed = ctx.pastDate(h);
  return (
    `{"orderId":${orderId},"status":"${ORDER_STATUSES[h % ORDER_STATUSES.length]}","placedAt":"${placed}",` +
    `"customer":${owner.customerJson},"shippingAddress":${owner.addressJson},"items":[${items}],` +
    `"total":${total.toFixed(2)},"currency":"USD","payment":{"brand":"visa","last4":"${String(h % 10000).padStart(4, '0')}"}}`
  );
}

function orderSummaries(ctx: Ctx, user: number): string {
  const base = ORDER_BASE + user * ORDERS_PER_USER;
  let s = '';
  for (let k = 0, n = ctx.pools.orderCount[user]!; k < n; k++) {
    const h = mixSeed(ctx.seed, base + k);
    s += `${k ? ',' : ''}{"orderId":${base + k},"status":"${ORDER_STATUSES[h % ORDER_STATUSES.length]}","total":${(20 + (h % 900)).toFixed(2)}}`;
  }
  return `{"orders":[${s}],"page":1,"pageSize":20}`;
}

function categoryProducts(ctx: Ctx, category: number, page: number, count: number): string {
  const { products } = ctx.pools;
  let s = '';
  for (let i = 0; i < count; i++) {
    const idx = category + CATEGORY_SLUGS.length * ((page * count + i) % 23);
    s += (i ? ',' : '') + (products[idx % products.length]!.summaryJson);
  }
  return s;
}

const CATEGORIES_JSON =
  '{"categories":[' +
  CATEGORY_SLUGS.map((s) => `{"slug":"${s}","name":"${s.replace(/-/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase())}"}`).join(',') +
  ']}';
const SORTS = ['relevance', 'price_asc', 'price_desc', 'rating', 'newest'];

const STORES_JSON =
  '{"stores":[' +
  [
    ['pdx-pearl', 'Portland Pearl', '1120 NW Couch St', 'Portland', 'OR', '97209', '+1 503 555 0110'],
    ['sea-cap', 'Seattle Capitol Hill', '415 E Pine St', 'Seattle', 'WA', '98122', '+1 206 555 0144'],
    ['bou-pearl', 'Boulder Pearl St', '1650 Pearl St', 'Boulder', 'CO', '80302', '+1 303 555 0172'],
  ]
    .map(([id, name, line1, city, region, zip, phone]) =>
      `{"id":"${id}","name":"${name}","address":{"line1":"${line1}","city":"${city}","region":"${region}","postalCode":"${zip}"},"phone":"${phone}"}`,
    )
    .join(',') +
  ']}';

export const STOREFRONT_ENDPOINTS: EndpointDef[] = [
  {
    app: 'storefront', method: 'GET', pathTemplate: '/v1/products', scheme: 'https', auth: 'none',
    dataClasses: [], weight: 90, latency: [38, 0.45],
    build(ctx, ep) {
      const c = ctx.pools.categoryZipf.sample(ctx.rng);
      const page = 1 + (ctx.rng.chance(0.7) ? 0 : ctx.rng.int(6));
      const user = ctx.rng.chance(0.45) ? ctx.pools.userZipf.sample(ctx.rng) : -1;
      const req = shopperRequest(ctx, ep, '/v1/products', {
        category: CATEGORY_SLUGS[c]!, page: String(page), limit: '24', sort: ctx.rng.pick(SORTS),
      }, user);
      const res = maybeFail(ctx, 0.01, 0.001) ?? reply(ctx, 200, `{"items":[${categoryProducts(ctx, c, page, 6)}],"page":${page},"pageSize":24,"total":${138 + c}}`, true);
      return { request: req, response: res };
    },
  },
  {
    app: 'storefront', method: 'GET', pathTemplate: '/v1/products/{id}', scheme: 'https', auth: 'none',
    dataClasses: [], weight: 160, latency: [22, 0.4],
    build(ctx, ep) {
      const p = ctx.pools.products[ctx.pools.productZipf.sample(ctx.rng)]!;
      const user = ctx.rng.chance(0.45) ? ctx.pools.userZipf.sample(ctx.rng) : -1;
      const req = shopperRequest(ctx, ep, `/v1/products/${p.id}`, NO_QUERY, user);
      return { request: req, response: maybeFail(ctx, 0.015, 0.001) ?? reply(ctx, 200, p.detailJson, true) };
    },
  },
  {
    app: 'storefront', method: 'GET', pathTemplate: '/v1/products/{id}/reviews', scheme: 'https', auth: 'none',
    dataClasses: ['person-name'], weight: 55, latency: [30, 0.5],
    build(ctx, ep) {
      const p = ctx.pools.products[ctx.pools.productZipf.sample(ctx.rng)]!;
      const req = shopperRequest(ctx, ep, `/v1/products/${p.id}/reviews`, { page: '1' }, -1);
      return { request: req, response: maybeFail(ctx, 0.01, 0.001) ?? reply(ctx, 200, p.reviewsJson, true) };
    },
  },
  {
    app: 'storefront', method: 'POST', pathTemplate: '/v1/products/{id}/reviews', scheme: 'https', auth: 'bearer-jwt',
    dataClasses: ['jwt'], weight: 4, latency: [65, 0.4],
    build(ctx, ep) {
      const p = ctx.pools.products[ctx.pools.productZipf.sample(ctx.rng)]!;
      const user = ctx.pools.userZipf.sample(ctx.rng);
      const body = jsonBody(`{"rating":${ctx.rng.range(2, 5)},"title":"${ctx.rng.pick(['Great tent', 'Comfortable fit', 'Kept me dry', 'Too heavy'])}","body":"Used it on a ${ctx.rng.range(2, 14)}-day trip. Would buy again."}`);
      const req = shopperRequest(ctx, ep, `/v1/products/${p.id}/reviews`, NO_QUERY, user, body);
      const res = maybeFail(ctx, 0.05, 0.002) ?? reply(ctx, 201, `{"id":${p.id * 10 + 9},"status":"pending_moderation"}`);
      return { request: req, response: res };
    },
  },
  {
    app: 'storefront', method: 'GET', pathTemplate: '/v1/categories', scheme: 'https', auth: 'none',
    dataClasses: [], weight: 25, latency: [12, 0.3],
    build(ctx, ep) {
      return { request: shopperRequest(ctx, ep, '/v1/categories', NO_QUERY, -1), response: reply(ctx, 200, CATEGORIES_JSON, true) };
    },
  },
  {
    app: 'storefront', method: 'GET', pathTemplate: '/v1/categories/{slug}', scheme: 'https', auth: 'none',
    dataClasses: [], weight: 70, latency: [28, 0.45],
    build(ctx, ep) {
      const c = ctx.pools.categoryZipf.sample(ctx.rng);
      const slug = CATEGORY_SLUGS[c]!;
      const req = shopperRequest(ctx, ep, `/v1/categories/${slug}`, NO_QUERY, -1);
      const res = maybeFail(ctx, 0.005, 0.001) ?? reply(ctx, 200, `{"slug":"${slug}","productCount":${138 + c},"featured":[${categoryProducts(ctx, c, 0, 3)}]}`, true);
      return { request: req, response: res };
    },
  },
  {
    app: 'storefront', method: 'GET', pathTemplate: '/v1/search', scheme: 'https', auth: 'none',
    dataClasses: [], weight: 60, latency: [85, 0.6],
    build(ctx, ep) {
      const q = ctx.rng.pick(SEARCH_TERMS);
      const page = ctx.rng.chance(0.8) ? 1 : 2;
      const user = ctx.rng.chance(0.4) ? ctx.pools.userZipf.sample(ctx.rng) : -1;
      const req = shopperRequest(ctx, ep, '/v1/search', { q, page: String(page) }, user);
      const c = q.length % CATEGORY_SLUGS.length;
      const res = maybeFail(ctx, 0.005, 0.003) ?? reply(ctx, 200, `{"query":${jsonString(q)},"results":[${categoryProducts(ctx, c, page, 5)}],"page":${page}}`);
      return { request: req, response: res };
    },
  },
  {
    app: 'storefront', method: 'GET', pathTemplate: '/v1/cart', scheme: 'https', auth: 'bearer-jwt',
    dataClasses: ['jwt'], weight: 45, latency: [25, 0.35],
    build(ctx, ep) {
      const user = ctx.pools.userZipf.sample(ctx.rng);
      const p = ctx.pools.products[(user * 31) % ctx.pools.products.length]!;
      const req = shopperRequest(ctx, ep, '/v1/cart', NO_QUERY, user);
      const res = maybeFail(ctx, 0.01, 0.001) ??
        reply(ctx, 200, `{"cartId":"cart_${(user * 2654435761) >>> 0}","items":[{"itemId":"ci_${(p.id * 40503).toString(16)}","quantity":1,"product":${p.summaryJson}}],"subtotal":${p.price},"currency":"USD"}`);
      return { request: req, response: res };
    },
  },
  {
    app: 'storefront', method: 'POST', pathTemplate: '/v1/cart/items', scheme: 'https', auth: 'bearer-jwt',
    dataClasses: ['jwt'], weight: 30, latency: [40, 0.35],
    build(ctx, ep) {
      const user = ctx.pools.userZipf.sample(ctx.rng);
      const p = ctx.pools.products[ctx.pools.productZipf.sample(ctx.rng)]!;
      const body = jsonBody(`{"productId":${p.id},"sku":"${p.sku}-${ctx.rng.pick(['S', 'M', 'L'])}","quantity":${ctx.rng.range(1, 2)}}`);
      const req = shopperRequest(ctx, ep, '/v1/cart/items', NO_QUERY, user, body);
      const res = maybeFail(ctx, 0.02, 0.002) ?? reply(ctx, 201, `{"itemId":"ci_${(p.id * 40503).toString(16)}","cartCount":${ctx.rng.range(1, 5)}}`);
      return { request: req, response: res };
    },
  },
  {
    app: 'storefront', method: 'DELETE', pathTemplate: '/v1/cart/items/{itemId}', scheme: 'https', auth: 'bearer-jwt',
    dataClasses: ['jwt'], weight: 8, latency: [30, 0.3],
    build(ctx, ep) {
      const user = ctx.pools.userZipf.sample(ctx.rng);
      const p = ctx.pools.products[ctx.pools.productZipf.sample(ctx.rng)]!;
      const req = shopperRequest(ctx, ep, `/v1/cart/items/ci_${(p.id * 40503).toString(16)}`, NO_QUERY, user);
      return { request: req, response: maybeFail(ctx, 0.03, 0.002) ?? reply(ctx, 204) };
    },
  },
  {
    app: 'storefront', method: 'POST', pathTemplate: '/v1/checkout', scheme: 'https', auth: 'bearer-jwt',
    dataClasses: ['jwt', 'email', 'person-name', 'street-address', 'phone'], weight: 12, latency: [420, 0.4],
    build(ctx, ep) {
      const user = ctx.pools.userZipf.sample(ctx.rng);
      const person = ctx.pools.users[user]!;
      const body = jsonBody(
        `{"cartId":"cart_${(user * 2654435761) >>> 0}","email":${person.emailJson},"shipping":{"name":${person.nameJson},` +
          `"phone":${person.phoneJson},"address":${person.addressJson}},"paymentToken":"tok_${ctx.rng.hex(24)}"}`,
      );
      const req = shopperRequest(ctx, ep, '/v1/checkout', NO_QUERY, user, body);
      const orderId = randomOwnOrder(ctx, user);
      const o = ctx.outcome(0.04, 0.006);
      const res = o === 4
        ? reply(ctx, 402, `{"error":{"code":"payment_declined","status":402,"requestId":"${ctx.requestId()}"}}`)
        : o === 5 ? problem(ctx, serverErrorStatus(ctx.rng))
        : reply(ctx, 201, `{"orderId":${orderId},"status":"confirmed","total":${(30 + (orderId % 700)).toFixed(2)},"currency":"USD"}`);
      return { request: req, response: res };
    },
  },
  {
    app: 'storefront', method: 'GET', pathTemplate: '/v1/orders', scheme: 'https', auth: 'bearer-jwt',
    dataClasses: ['jwt'], weight: 20, latency: [45, 0.4],
    build(ctx, ep) {
      const user = ctx.pools.userZipf.sample(ctx.rng);
      const req = shopperRequest(ctx, ep, '/v1/orders', { page: '1' }, user);
      return { request: req, response: maybeFail(ctx, 0.01, 0.002) ?? reply(ctx, 200, orderSummaries(ctx, user)) };
    },
  },
  {
    app: 'storefront', method: 'GET', pathTemplate: '/v1/orders/{orderId}', scheme: 'https', auth: 'bearer-jwt',
    dataClasses: ['jwt', 'email', 'person-name', 'phone', 'street-address'], weight: 35, latency: [55, 0.45],
    build(ctx, ep) {
      const user = ctx.pools.userZipf.sample(ctx.rng);
      const orderId = randomOwnOrder(ctx, user);
      const req = shopperRequest(ctx, ep, `/v1/orders/${orderId}`, NO_QUERY, user);
      return { request: req, response: maybeFail(ctx, 0.01, 0.002) ?? reply(ctx, 200, orderJson(ctx, orderId)) };
    },
  },
  {
    app: 'storefront', method: 'GET', pathTemplate: '/v1/users/me', scheme: 'https', auth: 'bearer-jwt',
    dataClasses: ['jwt', 'email', 'person-name', 'phone', 'street-address', 'date-of-birth'], weight: 40, latency: [20, 0.35],
    build(ctx, ep) {
      const user = ctx.pools.userZipf.sample(ctx.rng);
      const req = shopperRequest(ctx, ep, '/v1/users/me', NO_QUERY, user);
      return { request: req, response: maybeFail(ctx, 0.01, 0.001) ?? reply(ctx, 200, ctx.pools.users[user]!.profileJson) };
    },
  },
  {
    app: 'storefront', method: 'PATCH', pathTemplate: '/v1/users/me', scheme: 'https', auth: 'bearer-jwt',
    dataClasses: ['jwt', 'email', 'person-name', 'phone', 'street-address', 'date-of-birth'], weight: 5, latency: [48, 0.35],
    build(ctx, ep) {
      const user = ctx.pools.userZipf.sample(ctx.rng);
      const person = ctx.pools.users[user]!;
      const body = jsonBody(`{"phone":${person.phoneJson},"marketingOptIn":${ctx.rng.chance(0.5)}}`);
      const req = shopperRequest(ctx, ep, '/v1/users/me', NO_QUERY, user, body);
      return { request: req, response: maybeFail(ctx, 0.04, 0.002) ?? reply(ctx, 200, person.profileJson) };
    },
  },
  {
    app: 'storefront', method: 'GET', pathTemplate: '/v1/users/{userId}/addresses', scheme: 'https', auth: 'bearer-jwt',
    dataClasses: ['jwt', 'street-address', 'person-name', 'phone'], weight: 14, latency: [26, 0.35],
    build(ctx, ep) {
      const user = ctx.pools.userZipf.sample(ctx.rng);
      const person = ctx.pools.users[user]!;
      const req = shopperRequest(ctx, ep, `/v1/users/${USER_ID_BASE + user}/addresses`, NO_QUERY, user);
      const res = maybeFail(ctx, 0.01, 0.001) ??
        reply(ctx, 200, `{"addresses":[{"id":"adr_${user.toString(36)}","name":${person.nameJson},"phone":${person.phoneJson},"address":${person.addressJson},"default":true}]}`);
      return { request: req, response: res };
    },
  },
  {
    app: 'storefront', method: 'POST', pathTemplate: '/v1/users/{userId}/addresses', scheme: 'https', auth: 'bearer-jwt',
    dataClasses: ['jwt', 'street-address', 'person-name', 'phone'], weight: 3, latency: [52, 0.35],
    build(ctx, ep) {
      const user = ctx.pools.userZipf.sample(ctx.rng);
      const person = ctx.pools.users[user]!;
      const body = jsonBody(`{"name":${person.nameJson},"phone":${person.phoneJson},"address":${person.addressJson}}`);
      const req = shopperRequest(ctx, ep, `/v1/users/${USER_ID_BASE + user}/addresses`, NO_QUERY, user, body);
      return { request: req, response: maybeFail(ctx, 0.05, 0.002) ?? reply(ctx, 201, `{"id":"adr_${ctx.rng.hex(8)}","default":false}`) };
    },
  },
  {
    app: 'storefront', method: 'POST', pathTemplate: '/v1/auth/login', scheme: 'https', auth: 'none',
    dataClasses: ['email', 'password', 'jwt'], weight: 18, latency: [160, 0.3],
    build(ctx, ep) {
      const user = ctx.pools.userZipf.sample(ctx.rng);
      return loginExchange(ctx, ep, user, ctx.pools.users[user]!.email, userPassword(ctx, user), ctx.rng.chance(0.92));
    },
  },
  {
    app: 'storefront', method: 'POST', pathTemplate: '/v1/auth/logout', scheme: 'https', auth: 'bearer-jwt',
    dataClasses: ['jwt'], weight: 4, latency: [15, 0.3],
    build(ctx, ep) {
      const user = ctx.pools.userZipf.sample(ctx.rng);
      return { request: shopperRequest(ctx, ep, '/v1/auth/logout', NO_QUERY, user), response: reply(ctx, 204) };
    },
  },
  {
    app: 'storefront', method: 'GET', pathTemplate: '/v1/stores', scheme: 'https', auth: 'none',
    dataClasses: ['phone', 'street-address'], weight: 6, latency: [35, 0.4],
    build(ctx, ep) {
      const near = ctx.rng.pick(['45.52,-122.68', '47.61,-122.33', '40.01,-105.27', '51.51,-0.13']);
      const req = shopperRequest(ctx, ep, '/v1/stores', { near, radiusKm: '50' }, -1);
      return { request: req, response: reply(ctx, 200, STORES_JSON, true) };
    },
  },
  {
    app: 'storefront', method: 'GET', pathTemplate: '/healthz', scheme: 'https', auth: 'none',
    dataClasses: [], weight: 8, latency: [2, 0.3],
    build(ctx, ep) {
      const headers: Headers = { 'user-agent': 'kube-probe/1.30', accept: '*/*' };
      const req = request(ep, HOST, TLS, '/healthz', NO_QUERY, headers, {}, '198.51.100.2');
      return { request: req, response: reply(ctx, 200, '{"status":"ok"}') };
    },
  },
];

export function endpointOf(list: readonly EndpointDef[], method: string, pathTemplate: string): EndpointDef {
  const ep = list.find((e) => e.method === method && e.pathTemplate === pathTemplate);
  if (!ep) throw new Error(`demo estate has no ${method} ${pathTemplate}`);
  return ep;
}

export function userPassword(ctx: Ctx, user: number): string {
  const h = mixSeed(ctx.seed, user + 77);
  return `${PASSWORD_WORDS[h % PASSWORD_WORDS.length]}${(h >>> 8) % 10000}!`;
}

/** Login as the storefront does it; reused by the credential-stuffing episodes. */
export function loginExchange(ctx: Ctx, ep: EndpointDef, user: number, email: string, password: string, ok: boolean, ip?: string, ua?: string): Exchange {
  const body = jsonBody(`{"email":${jsonString(email)},"password":${jsonString(password)}}`);
  const req = shopperRequest(ctx, ep, '/v1/auth/login', NO_QUERY, -1, body, ip);
  if (ua) {
    const headers: Headers = { ...(req.headers as Headers), 'user-agent': ua };
    if (!ua.startsWith('Mozilla/')) delete headers.origin;
    req.headers = headers;
  }
  if (!ok || user < 0) {
    return { request: req, response: reply(ctx, 401, `{"error":{"code":"invalid_credentials","status":401,"requestId":"${ctx.requestId()}"}}`) };
  }
  const token = ctx.bearerToken(user);
  return {
    request: req,
    response: reply(ctx, 200, `{"access_token":"${token}","token_type":"Bearer","expires_in":90000,"user":{"id":${USER_ID_BASE + user},"email":${jsonString(email)}}}`),
  };
}
