import { jsonString } from '../json-text.js';
import {
  jsonBody,
  NO_QUERY,
  request,
  response,
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
import { USER_ID_BASE } from '../pools.js';
import { orderJson, randomOwnOrder, userPassword } from './storefront.js';

export const MOBILE: DemoApplication = {
  id: 'mobile',
  name: 'Legacy Mobile API',
  host: 'm.northwind.example',
  clients: 'public',
  securityHeaders: 'none',
  intendedIssues: [
    'plain http only, no TLS',
    'unsigned JWTs (alg: none) without exp',
    'verbose 500 errors with Java and Node stack traces',
    'CORS: Access-Control-Allow-Origin * with Access-Control-Allow-Credentials true',
    'no security headers, x-powered-by disclosed',
  ],
};

const HOST = MOBILE.host;

const MOBILE_HEADERS: HeaderTemplate = (rid) => ({
  server: 'nginx',
  'x-powered-by': 'Express',
  'access-control-allow-origin': '*',
  'access-control-allow-credentials': 'true',
  'x-request-id': rid,
});

/** Mobile users are the storefront's users on the app; the top of the pool is skipped to vary the mix. */
function mobileUser(ctx: Ctx): number {
  return (ctx.pools.userZipf.sample(ctx.rng) + 1709) % ctx.pools.users.length;
}

export function appRequest(ctx: Ctx, ep: EndpointDef, path: string, query: Record<string, string>, user: number, body?: BodyInput): RequestInput {
  const person = ctx.pools.users[user]!;
  const headers: Headers = {
    accept: 'application/json',
    'user-agent': ctx.pools.mobileUas[user % ctx.pools.mobileUas.length]!,
    'x-app-version': '3.8.2',
  };
  if (ep.auth !== 'none') headers.authorization = 'Bearer ' + ctx.mobileToken(user);
  if (body) headers['content-type'] = 'application/json; charset=UTF-8';
  return request(ep, HOST, undefined, path, query, headers, {}, ctx.rng.chance(0.85) ? person.ip : ctx.rng.pick(ctx.pools.publicIps), body);
}

const JAVA_TRACE =
  'java.lang.NullPointerException: Cannot invoke "com.northwind.mobile.model.Order.getLines()" because "order" is null\n' +
  '\tat com.northwind.mobile.service.OrderService.toDto(OrderService.java:214)\n' +
  '\tat com.northwind.mobile.web.OrderController.get(OrderController.java:88)\n' +
  '\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)\n' +
  '\tat org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:166)';
const NODE_TRACE =
  "TypeError: Cannot read properties of undefined (reading 'loyalty')\n" +
  '    at buildProfile (/srv/mobile-gateway/src/routes/profile.js:42:31)\n' +
  '    at Layer.handle [as handle_request] (/srv/mobile-gateway/node_modules/express/lib/router/layer.js:95:5)\n' +
  '    at next (/srv/mobile-gateway/node_modules/express/lib/router/route.js:149:13)\n' +
  '    at processTicksAndRejections (node:internal/process/task_queues:95:5)';

/** The leaky 500: the framework's exception page, as the backend never got an error handler. */
export function verboseError(ctx: Ctx, path: string, extra = ''): Exchange['response'] {
  if (ctx.rng.chance(0.5)) {
    return response(ctx, MOBILE_HEADERS, 500, jsonBody(
      `{"timestamp":"${new Date(ctx.t).toISOString()}","status":500,"error":"Internal Server Error","exception":"java.lang.NullPointerException",` +
        `"trace":${jsonString(JAVA_TRACE + extra)},"path":${jsonString(path)}}`,
    ));
  }
  return response(ctx, MOBILE_HEADERS, 500, textBody(NODE_TRACE + extra, 'text/plain; charset=utf-8'));
}

function reply(ctx: Ctx, status: number, text?: string): Exchange['response'] {
  return response(ctx, MOBILE_HEADERS, status, text === undefined ? undefined : jsonBody(text));
}

function maybeFail(ctx: Ctx, req: RequestInput): Exchange['response'] | undefined {
  const o = ctx.outcome(0.02, 0.02);
  if (o === 0) return undefined;
  return o === 5 ? verboseError(ctx, req.path ?? '/') : reply(ctx, 404, '{"error":"not found"}');
}

const PROMOS = '{"banners":[{"id":"winter-sale","title":"Winter sale: 30% off insulated jackets"},{"id":"members","title":"Double points weekend"}],"recommended":[10012,10044,10107,10230]}';

export const MOBILE_ENDPOINTS: EndpointDef[] = [
  {
    app: 'mobile', method: 'POST', pathTemplate: '/api/v3/login', scheme: 'http', auth: 'none',
    dataClasses: ['email', 'password', 'jwt'], weight: 5, latency: [210, 0.4],
    build(ctx, ep) {
      const user = mobileUser(ctx);
      const person = ctx.pools.users[user]!;
      const body = jsonBody(`{"email":${jsonString(person.email)},"password":${jsonString(userPassword(ctx, user))},"deviceId":"${ctx.rng.hex(16)}"}`);
      const req = appRequest(ctx, ep, '/api/v3/login', NO_QUERY, user, body);
      if (ctx.rng.chance(0.06)) return { request: req, response: reply(ctx, 401, '{"error":"Invalid email or password"}') };
      const res = reply(ctx, 200, `{"token":"${ctx.mobileToken(user)}","user":${person.customerJson}}`);
      (res.headers as Headers)['set-cookie'] = `m_session=${ctx.rng.hex(32)}; Path=/`;
      return { request: req, response: res };
    },
  },
  {
    app: 'mobile', method: 'GET', pathTemplate: '/api/v3/feed', scheme: 'http', auth: 'bearer-jwt',
    dataClasses: ['jwt'], weight: 30, latency: [60, 0.5],
    build(ctx, ep) {
      const user = mobileUser(ctx);
      const req = appRequest(ctx, ep, '/api/v3/feed', { locale: 'en_US' }, user);
      return { request: req, response: maybeFail(ctx, req) ?? reply(ctx, 200, PROMOS) };
    },
  },
  {
    app: 'mobile', method: 'GET', pathTemplate: '/api/v3/profile', scheme: 'http', auth: 'bearer-jwt',
    dataClasses: ['jwt', 'email', 'person-name', 'phone', 'street-address', 'date-of-birth'], weight: 12, latency: [40, 0.45],
    build(ctx, ep) {
      const user = mobileUser(ctx);
      const req = appRequest(ctx, ep, '/api/v3/profile', NO_QUERY, user);
      return { request: req, response: maybeFail(ctx, req) ?? reply(ctx, 200, ctx.pools.users[user]!.profileJson) };
    },
  },
  {
    app: 'mobile', method: 'GET', pathTemplate: '/api/v3/orders/{orderId}', scheme: 'http', auth: 'bearer-jwt',
    dataClasses: ['jwt', 'email', 'person-name', 'phone', 'street-address'], weight: 8, latency: [75, 0.5],
    build(ctx, ep) {
      const user = mobileUser(ctx);
      const orderId = randomOwnOrder(ctx, user);
      const req = appRequest(ctx, ep, `/api/v3/orders/${orderId}`, NO_QUERY, user);
      return { request: req, response: maybeFail(ctx, req) ?? reply(ctx, 200, orderJson(ctx, orderId)) };
    },
  },
  {
    app: 'mobile', method: 'POST', pathTemplate: '/api/v3/push/register', scheme: 'http', auth: 'bearer-jwt',
    dataClasses: ['jwt'], weight: 3, latency: [35, 0.3],
    build(ctx, ep) {
      const user = mobileUser(ctx);
      const body = jsonBody(`{"deviceToken":"${ctx.rng.hex(64)}","platform":"${user % 3 === 0 ? 'ios' : 'android'}","userId":${USER_ID_BASE + user}}`);
      const req = appRequest(ctx, ep, '/api/v3/push/register', NO_QUERY, user, body);
      return { request: req, response: maybeFail(ctx, req) ?? reply(ctx, 204) };
    },
  },
  {
    app: 'mobile', method: 'GET', pathTemplate: '/api/v3/stores/{storeId}/stock', scheme: 'http', auth: 'bearer-jwt',
    dataClasses: ['jwt'], weight: 6, latency: [90, 0.5],
    build(ctx, ep) {
      const user = mobileUser(ctx);
      const store = ctx.rng.range(101, 140);
      const p = ctx.pools.products[ctx.pools.productZipf.sample(ctx.rng)]!;
      const req = appRequest(ctx, ep, `/api/v3/stores/${store}/stock`, { sku: p.sku }, user);
      return { request: req, response: maybeFail(ctx, req) ?? reply(ctx, 200, `{"storeId":${store},"sku":"${p.sku}","available":${ctx.rng.int(25)}}`) };
    },
  },
];
