import { ORDER_BASE, ORDERS_PER_USER } from '../pools.js';
import {
  clientErrorStatus,
  jsonBody,
  NO_QUERY,
  problemBody,
  request,
  response,
  serverErrorStatus,
  textBody,
  type BodyInput,
  type Ctx,
  type DemoApplication,
  type EndpointDef,
  type Exchange,
  type HeaderTemplate,
  type Headers,
  type RequestInput,
} from '../kit.js';
import { orderExists, orderJson } from './storefront.js';

export const PARTNERS: DemoApplication = {
  id: 'partners',
  name: 'Partner API',
  host: 'partners.northwind.example',
  tlsVersion: 'TLSv1.2',
  clients: 'partners',
  securityHeaders: 'partial',
  intendedIssues: [
    'basic auth credentials, some of them over plain http',
    'order feed, shipments and the customer CSV export served over plain http',
    'CSV export returns customer emails and phone numbers in bulk',
    'server header discloses the nginx version',
  ],
};

const HOST = PARTNERS.host;
const TLS = PARTNERS.tlsVersion;

const PARTNER_HEADERS: HeaderTemplate = (rid) => ({
  server: 'nginx/1.18.0',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'x-request-id': rid,
});
const PARTNER_HTTPS_HEADERS: HeaderTemplate = (rid) => ({
  server: 'nginx/1.18.0',
  'strict-transport-security': 'max-age=15552000',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'x-request-id': rid,
});

export function partnerRequest(ctx: Ctx, ep: EndpointDef, path: string, query: Record<string, string>, body?: BodyInput, extra?: Headers): RequestInput {
  const p = ctx.rng.pick(ctx.pools.partners);
  const headers: Headers = { accept: 'application/json', 'user-agent': p.ua, authorization: p.authorization };
  if (body) headers['content-type'] = body.contentType;
  if (extra) Object.assign(headers, extra);
  return request(ep, HOST, TLS, path, query, headers, {}, p.ip, body);
}

export function partnerReply(ctx: Ctx, ep: EndpointDef, status: number, body?: BodyInput): Exchange['response'] {
  return response(ctx, ep.scheme === 'https' ? PARTNER_HTTPS_HEADERS : PARTNER_HEADERS, status, body);
}

function maybeFail(ctx: Ctx, ep: EndpointDef, p4xx: number, p5xx: number): Exchange['response'] | undefined {
  const o = ctx.outcome(p4xx, p5xx);
  if (o === 0) return undefined;
  const status = o === 5 ? serverErrorStatus(ctx.rng) : clientErrorStatus(ctx.rng);
  return partnerReply(ctx, ep, status, problemBody(status, ctx.requestId()));
}

const WAREHOUSES = ['PDX-1', 'RNO-2', 'CMH-1', 'MAN-1'];
const CARRIERS = ['UPS', 'FedEx', 'USPS', 'DHL', 'Royal Mail'];

export const PARTNER_ENDPOINTS: EndpointDef[] = [
  {
    app: 'partners', method: 'GET', pathTemplate: '/partner/v1/inventory', scheme: 'https', auth: 'basic',
    dataClasses: ['password'], weight: 10, latency: [95, 0.4],
    build(ctx, ep) {
      const page = ctx.rng.range(1, 12);
      const req = partnerRequest(ctx, ep, '/partner/v1/inventory', { page: String(page), warehouse: ctx.rng.pick(WAREHOUSES) });
      let items = '';
      for (let i = 0; i < 4; i++) {
        const p = ctx.pools.products[(page * 4 + i) % ctx.pools.products.length]!;
        items += `${i ? ',' : ''}{"sku":"${p.sku}","available":${ctx.rng.int(300)},"reserved":${ctx.rng.int(20)}}`;
      }
      return { request: req, response: maybeFail(ctx, ep, 0.01, 0.004) ?? partnerReply(ctx, ep, 200, jsonBody(`{"items":[${items}],"page":${page}}`)) };
    },
  },
  {
    app: 'partners', method: 'PUT', pathTemplate: '/partner/v1/inventory/{sku}', scheme: 'https', auth: 'basic',
    dataClasses: ['password'], weight: 8, latency: [60, 0.35],
    build(ctx, ep) {
      const p = ctx.pools.products[ctx.pools.productZipf.sample(ctx.rng)]!;
      const qty = ctx.rng.int(300);
      const body = jsonBody(`{"quantity":${qty},"warehouse":"${ctx.rng.pick(WAREHOUSES)}"}`);
      const req = partnerRequest(ctx, ep, `/partner/v1/inventory/${p.sku}`, NO_QUERY, body);
      return { request: req, response: maybeFail(ctx, ep, 0.03, 0.004) ?? partnerReply(ctx, ep, 200, jsonBody(`{"sku":"${p.sku}","available":${qty}}`)) };
    },
  },
  {
    app: 'partners', method: 'GET', pathTemplate: '/partner/v1/orders', scheme: 'http', auth: 'basic',
    dataClasses: ['password', 'email', 'person-name', 'phone', 'street-address'], weight: 7, latency: [180, 0.5],
    build(ctx, ep) {
      const since = new Date(ctx.t - 3_600_000).toISOString();
      const req = partnerRequest(ctx, ep, '/partner/v1/orders', { since, status: 'paid' });
      let items = '';
      for (let i = 0, n = 0; i < 12 && n < 2; i++) {
        const id = ORDER_BASE + ctx.rng.int(ctx.pools.users.length * ORDERS_PER_USER);
        if (!orderExists(ctx, id)) continue;
        items += (n++ ? ',' : '') + orderJson(ctx, id);
      }
      return { request: req, response: maybeFail(ctx, ep, 0.01, 0.005) ?? partnerReply(ctx, ep, 200, jsonBody(`{"orders":[${items}]}`)) };
    },
  },
  {
    app: 'partners', method: 'POST', pathTemplate: '/partner/v1/shipments', scheme: 'http', auth: 'basic',
    dataClasses: ['password'], weight: 6, latency: [75, 0.35],
    build(ctx, ep) {
      const orderId = ORDER_BASE + ctx.rng.int(ctx.pools.users.length * ORDERS_PER_USER);
      const carrier = ctx.rng.pick(CARRIERS);
      const tracking = carrier === 'UPS' ? `1Z${ctx.rng.chars(16, '0123456789ABCDEFGHJKLMNPRSTUVWXYZ')}` : ctx.rng.digits(12);
      const body = jsonBody(`{"orderId":${orderId},"carrier":"${carrier}","trackingNumber":"${tracking}","shippedAt":"${new Date(ctx.t).toISOString()}"}`);
      const req = partnerRequest(ctx, ep, '/partner/v1/shipments', NO_QUERY, body);
      const res = !orderExists(ctx, orderId)
        ? partnerReply(ctx, ep, 404, problemBody(404, ctx.requestId()))
        : maybeFail(ctx, ep, 0.02, 0.004) ?? partnerReply(ctx, ep, 201, jsonBody(`{"shipmentId":"shp_${ctx.rng.hex(12)}","orderId":${orderId}}`));
      return { request: req, response: res };
    },
  },
  {
    app: 'partners', method: 'GET', pathTemplate: '/partner/v1/exports/customers.csv', scheme: 'http', auth: 'basic',
    dataClasses: ['password', 'email', 'phone', 'person-name'], weight: 1.5, latency: [900, 0.5],
    build(ctx, ep) {
      const req = partnerRequest(ctx, ep, '/partner/v1/exports/customers.csv', { segment: ctx.rng.pick(['loyalty', 'recent', 'all']) }, undefined, { accept: 'text/csv' });
      let csv = 'customer_id,name,email,phone,city\r\n';
      const start = ctx.rng.int(ctx.pools.users.length - 8);
      for (let i = start; i < start + 8; i++) {
        const u = ctx.pools.users[i]!;
        const city = /"city":"([^"]*)"/.exec(u.addressJson)?.[1] ?? '';
        csv += `${u.id},"${u.name}",${u.email},${u.phone},${city}\r\n`;
      }
      return { request: req, response: maybeFail(ctx, ep, 0.01, 0.01) ?? partnerReply(ctx, ep, 200, textBody(csv, 'text/csv; charset=utf-8')) };
    },
  },
  {
    app: 'partners', method: 'GET', pathTemplate: '/partner/v1/catalog/feed', scheme: 'https', auth: 'basic',
    dataClasses: ['password'], weight: 4, latency: [260, 0.4],
    build(ctx, ep) {
      const page = ctx.rng.range(1, 40);
      const req = partnerRequest(ctx, ep, '/partner/v1/catalog/feed', { page: String(page), format: 'json' });
      let items = '';
      for (let i = 0; i < 5; i++) items += (i ? ',' : '') + ctx.pools.products[(page * 5 + i) % ctx.pools.products.length]!.summaryJson;
      return { request: req, response: maybeFail(ctx, ep, 0.005, 0.003) ?? partnerReply(ctx, ep, 200, jsonBody(`{"products":[${items}],"page":${page}}`)) };
    },
  },
  {
    app: 'partners', method: 'POST', pathTemplate: '/partner/v1/integrations', scheme: 'https', auth: 'basic',
    dataClasses: ['password'], weight: 0.3, latency: [110, 0.35],
    build(ctx, ep) {
      const p = ctx.rng.pick(ctx.pools.partners);
      const body = jsonBody(`{"type":"webhook","url":"https://hooks.${p.name}.example/northwind","events":["order.paid","order.cancelled"]}`);
      const req = partnerRequest(ctx, ep, '/partner/v1/integrations', NO_QUERY, body);
      return { request: req, response: partnerReply(ctx, ep, 201, jsonBody(`{"id":"int_${ctx.rng.hex(10)}","status":"active"}`)) };
    },
  },
  {
    app: 'partners', method: 'PUT', pathTemplate: '/partner/v1/sftp/credentials', scheme: 'https', auth: 'basic',
    dataClasses: ['password'], weight: 0.2, latency: [90, 0.3],
    build(ctx, ep) {
      const body = jsonBody(`{"username":"drop_${ctx.rng.hex(6)}","publicKey":"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${ctx.rng.chars(43, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')} partner"}`);
      const req = partnerRequest(ctx, ep, '/partner/v1/sftp/credentials', NO_QUERY, body);
      return { request: req, response: partnerReply(ctx, ep, 204) };
    },
  },
];
