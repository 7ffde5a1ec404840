import { jsonString } from '../json-text.js';
import { mixSeed } from '../prng.js';
import { ORDER_BASE } from '../pools.js';
import {
  clientErrorStatus,
  jsonBody,
  NO_QUERY,
  pad2,
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
} from '../kit.js';

export const PAYMENTS: DemoApplication = {
  id: 'payments',
  name: 'Payments API',
  host: 'payments.northwind.example',
  tlsVersion: 'TLSv1.3',
  clients: 'public',
  securityHeaders: 'full',
  intendedIssues: [
    'card numbers (Luhn-valid PANs) and CVCs in request bodies',
    'full IBANs in payout listings',
    'GET /v1/transactions takes the live API key in the query string (api_key=)',
  ],
};

const HOST = PAYMENTS.host;
const TLS = PAYMENTS.tlsVersion;

const HEADERS: HeaderTemplate = (rid) => ({
  server: 'envoy',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'",
  'cache-control': 'no-store',
  'x-request-id': rid,
});

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Stable object ids (`tok_…`, `ch_…`) derived from a number, so GETs refer to objects POSTs created. */
function objectId(prefix: string, seed: number, n: number): string {
  let h = mixSeed(seed, n);
  let s = prefix;
  for (let i = 0; i < 24; i++) {
    if (i % 5 === 0) h = mixSeed(h, i);
    s += ID_ALPHABET[h % 62];
    h = Math.floor(h / 62);
  }
  return s;
}

function merchantRequest(ctx: Ctx, ep: EndpointDef, path: string, query: Record<string, string>, body?: BodyInput, keyInQuery = false) {
  const m = ctx.rng.pick(ctx.pools.merchants);
  const headers: Headers = { accept: 'application/json', 'user-agent': m.ua };
  if (keyInQuery) query = { ...query, api_key: m.apiKey };
  else headers['x-api-key'] = m.apiKey;
  if (body) {
    headers['content-type'] = 'application/json';
    headers['idempotency-key'] = `${ctx.rng.hex(8)}-${ctx.rng.hex(4)}-4${ctx.rng.hex(3)}-a${ctx.rng.hex(3)}-${ctx.rng.hex(12)}`;
  }
  return request(ep, HOST, TLS, path, query, headers, {}, m.ip, body);
}

function reply(ctx: Ctx, status: number, text?: string): Exchange['response'] {
  return response(ctx, HEADERS, status, text === undefined ? undefined : jsonBody(text));
}

function maybeFail(ctx: Ctx, p4xx: number, p5xx: number): Exchange['response'] | undefined {
  const o = ctx.outcome(p4xx, p5xx);
  if (o === 0) return undefined;
  const status = o === 5 ? serverErrorStatus(ctx.rng) : clientErrorStatus(ctx.rng);
  return response(ctx, HEADERS, status, problemBody(status, ctx.requestId()));
}

function amount(ctx: Ctx): number {
  return Math.round(ctx.rng.logNormal(8900, 0.7));
}

export const PAYMENTS_ENDPOINTS: EndpointDef[] = [
  {
    app: 'payments', method: 'POST', pathTemplate: '/v2/cards', scheme: 'https', auth: 'api-key-header',
    dataClasses: ['payment-card', 'person-name', 'api-key'], weight: 14, latency: [180, 0.35],
    build(ctx, ep) {
      const ci = ctx.rng.int(ctx.pools.cards.length);
      const c = ctx.pools.cards[ci]!;
      const spaced = ctx.rng.chance(0.2);
      const number = spaced ? c.pan.replace(/(\d{4})(?=\d)/g, '$1 ') : c.pan;
      const body = jsonBody(`{"number":"${number}","exp_month":${c.expMonth},"exp_year":${c.expYear},"cvc":"${c.cvc}","name":${jsonString(c.holder)}}`);
      const req = merchantRequest(ctx, ep, '/v2/cards', NO_QUERY, body);
      const o = ctx.outcome(0.05, 0.003);
      const res = o === 4
        ? reply(ctx, 402, `{"error":{"code":"card_declined","decline_code":"${ctx.rng.pick(['insufficient_funds', 'do_not_honor', 'expired_card'])}"}}`)
        : o === 5 ? reply(ctx, serverErrorStatus(ctx.rng), '{"error":{"code":"processor_unavailable"}}')
        : reply(ctx, 201, `{"id":"${objectId('tok_', ctx.seed, ci)}","brand":"${c.brand}","last4":"${c.pan.slice(-4)}","exp_month":${c.expMonth},"exp_year":${c.expYear}}`);
      return { request: req, response: res };
    },
  },
  {
    app: 'payments', method: 'GET', pathTemplate: '/v2/cards/{token}', scheme: 'https', auth: 'api-key-header',
    dataClasses: ['api-key'], weight: 6, latency: [25, 0.3],
    build(ctx, ep) {
      const ci = ctx.rng.int(ctx.pools.cards.length);
      const c = ctx.pools.cards[ci]!;
      const id = objectId('tok_', ctx.seed, ci);
      const req = merchantRequest(ctx, ep, `/v2/cards/${id}`, NO_QUERY);
      const res = maybeFail(ctx, 0.02, 0.001) ?? reply(ctx, 200, `{"id":"${id}","brand":"${c.brand}","last4":"${c.pan.slice(-4)}","exp_month":${c.expMonth},"exp_year":${c.expYear}}`);
      return { request: req, response: res };
    },
  },
  {
    app: 'payments', method: 'POST', pathTemplate: '/v2/charges', scheme: 'https', auth: 'api-key-header',
    dataClasses: ['api-key'], weight: 16, latency: [240, 0.4],
    build(ctx, ep) {
      const ci = ctx.rng.int(ctx.pools.cards.length);
      const n = ctx.rng.int(1_000_000);
      const amt = amount(ctx);
      const order = ORDER_BASE + ctx.rng.int(30_000);
      const body = jsonBody(`{"amount":${amt},"currency":"usd","source":"${objectId('tok_', ctx.seed, ci)}","order_id":"${order}","capture":true}`);
      const req = merchantRequest(ctx, ep, '/v2/charges', NO_QUERY, body);
      const res = maybeFail(ctx, 0.04, 0.004) ?? reply(ctx, 201, `{"id":"${objectId('ch_', ctx.seed, n)}","status":"succeeded","amount":${amt},"currency":"usd","order_id":"${order}"}`);
      return { request: req, response: res };
    },
  },
  {
    app: 'payments', method: 'GET', pathTemplate: '/v2/charges/{chargeId}', scheme: 'https', auth: 'api-key-header',
    dataClasses: ['api-key'], weight: 9, latency: [30, 0.35],
    build(ctx, ep) {
      const id = objectId('ch_', ctx.seed, ctx.rng.int(1_000_000));
      const req = merchantRequest(ctx, ep, `/v2/charges/${id}`, NO_QUERY);
      const res = maybeFail(ctx, 0.02, 0.001) ?? reply(ctx, 200, `{"id":"${id}","status":"succeeded","amount":${amount(ctx)},"currency":"usd","refunded":false}`);
      return { request: req, response: res };
    },
  },
  {
    app: 'payments', method: 'POST', pathTemplate: '/v2/refunds', scheme: 'https', auth: 'api-key-header',
    dataClasses: ['api-key'], weight: 3, latency: [210, 0.35],
    build(ctx, ep) {
      const charge = objectId('ch_', ctx.seed, ctx.rng.int(1_000_000));
      const amt = amount(ctx);
      const body = jsonBody(`{"charge":"${charge}","amount":${amt},"reason":"${ctx.rng.pick(['requested_by_customer', 'duplicate', 'damaged_in_transit'])}"}`);
      const req = merchantRequest(ctx, ep, '/v2/refunds', NO_QUERY, body);
      const res = maybeFail(ctx, 0.05, 0.003) ?? reply(ctx, 201, `{"id":"${objectId('re_', ctx.seed, ctx.rng.int(100_000))}","charge":"${charge}","amount":${amt},"status":"pending"}`);
      return { request: req, response: res };
    },
  },
  {
    app: 'payments', method: 'GET', pathTemplate: '/v2/refunds/{refundId}', scheme: 'https', auth: 'api-key-header',
    dataClasses: ['api-key'], weight: 2, latency: [28, 0.3],
    build(ctx, ep) {
      const id = objectId('re_', ctx.seed, ctx.rng.int(100_000));
      const req = merchantRequest(ctx, ep, `/v2/refunds/${id}`, NO_QUERY);
      return { request: req, response: maybeFail(ctx, 0.03, 0.001) ?? reply(ctx, 200, `{"id":"${id}","status":"succeeded","amount":${amount(ctx)}}`) };
    },
  },
  {
    app: 'payments', method: 'POST', pathTemplate: '/v2/payouts', scheme: 'https', auth: 'api-key-header',
    dataClasses: ['iban', 'person-name', 'api-key'], weight: 3, latency: [260, 0.4],
    build(ctx, ep) {
      const p = ctx.rng.pick(ctx.pools.payees);
      const amt = amount(ctx) * 10;
      const body = jsonBody(`{"amount":${amt},"currency":"eur","destination":{"iban":"${p.iban}","account_holder":${jsonString(p.name)}},"reference":"NW-PAYOUT-${ctx.rng.digits(6)}"}`);
      const req = merchantRequest(ctx, ep, '/v2/payouts', NO_QUERY, body);
      const res = maybeFail(ctx, 0.06, 0.004) ?? reply(ctx, 201, `{"id":"${objectId('po_', ctx.seed, ctx.rng.int(50_000))}","status":"pending","amount":${amt},"destination":{"iban_last4":"${p.iban.slice(-4)}"}}`);
      return { request: req, response: res };
    },
  },
  {
    app: 'payments', method: 'GET', pathTemplate: '/v2/payouts', scheme: 'https', auth: 'api-key-header',
    dataClasses: ['iban', 'person-name', 'api-key'], weight: 2, latency: [70, 0.4],
    build(ctx, ep) {
      const req = merchantRequest(ctx, ep, '/v2/payouts', { status: ctx.rng.pick(['pending', 'paid']), limit: '3' });
      let items = '';
      for (let i = 0; i < 3; i++) {
        const p = ctx.rng.pick(ctx.pools.payees);
        items += `${i ? ',' : ''}{"id":"${objectId('po_', ctx.seed, ctx.rng.int(50_000))}","amount":${amount(ctx) * 10},"destination":{"iban":"${p.iban}","account_holder":${jsonString(p.name)}}}`;
      }
      return { request: req, response: maybeFail(ctx, 0.01, 0.002) ?? reply(ctx, 200, `{"data":[${items}],"has_more":true}`) };
    },
  },
  {
    app: 'payments', method: 'GET', pathTemplate: '/v2/balance', scheme: 'https', auth: 'api-key-header',
    dataClasses: ['api-key'], weight: 2, latency: [18, 0.3],
    build(ctx, ep) {
      const req = merchantRequest(ctx, ep, '/v2/balance', NO_QUERY);
      return { request: req, response: reply(ctx, 200, `{"available":[{"amount":${ctx.rng.int(90_000_000)},"currency":"usd"}],"pending":[{"amount":${ctx.rng.int(9_000_000)},"currency":"usd"}]}`) };
    },
  },
  {
    app: 'payments', method: 'GET', pathTemplate: '/v1/transactions', scheme: 'https', auth: 'api-key-query',
    dataClasses: ['api-key', 'email'], weight: 3, latency: [340, 0.5],
    build(ctx, ep) {
      const day = new Date(ctx.t - 86_400_000);
      const from = `${day.getUTCFullYear()}-${pad2(day.getUTCMonth() + 1)}-${pad2(day.getUTCDate())}`;
      const req = merchantRequest(ctx, ep, '/v1/transactions', { from, limit: '2' }, undefined, true);
      let items = '';
      for (let i = 0; i < 2; i++) {
        const u = ctx.pools.users[ctx.pools.userZipf.sample(ctx.rng)]!;
        items += `${i ? ',' : ''}{"id":"${objectId('ch_', ctx.seed, ctx.rng.int(1_000_000))}","amount":${amount(ctx)},"customer_email":${jsonString(u.email)},"card_last4":"${ctx.rng.digits(4)}"}`;
      }
      return { request: req, response: maybeFail(ctx, 0.02, 0.01) ?? reply(ctx, 200, `{"transactions":[${items}],"deprecated":true}`) };
    },
  },
];
