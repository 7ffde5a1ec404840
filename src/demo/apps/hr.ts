import { jsonString } from '../json-text.js';
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
import { DEPARTMENTS } from '../pools.js';

export const HR: DemoApplication = {
  id: 'hr',
  name: 'Internal HR API',
  host: 'hr.internal.northwind.example',
  tlsVersion: 'TLSv1.2',
  clients: 'private',
  securityHeaders: 'partial',
  intendedIssues: [
    'employee records with US SSNs, UK NINOs, dates of birth, salaries and bank details',
    'DELETE /admin/employees/{id} reachable with an ordinary session cookie',
    'no HSTS and no CSP',
  ],
};

const HOST = HR.host;
const TLS = HR.tlsVersion;

const HR_HEADERS: HeaderTemplate = (rid) => ({
  server: 'Apache/2.4.58 (Ubuntu)',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'cache-control': 'no-store',
  'x-request-id': rid,
});

const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0';

/** A request from an employee's browser on the office network: private address, session cookie. */
export function staffRequest(ctx: Ctx, ep: EndpointDef, path: string, query: Record<string, string>, body?: BodyInput, staff?: number): RequestInput {
  const e = ctx.pools.employees[staff ?? ctx.pools.employeeZipf.sample(ctx.rng)]!;
  const headers: Headers = { accept: 'application/json', 'user-agent': UA, referer: 'https://hr.internal.northwind.example/app/' };
  if (body) headers['content-type'] = 'application/json';
  const cookies: Record<string, string> = ep.auth === 'session-cookie' ? { HRSESSID: e.session, hr_locale: 'en' } : { hr_locale: 'en' };
  return request(ep, HOST, TLS, path, query, headers, cookies, e.ip, body);
}

export function hrReply(ctx: Ctx, status: number, text?: string): Exchange['response'] {
  return response(ctx, HR_HEADERS, status, text === undefined ? undefined : jsonBody(text));
}

function maybeFail(ctx: Ctx, p4xx: number, p5xx: number): Exchange['response'] | undefined {
  const o = ctx.outcome(p4xx, p5xx);
  if (o === 0) return undefined;
  const status = o === 5 ? serverErrorStatus(ctx.rng) : clientErrorStatus(ctx.rng);
  return response(ctx, HR_HEADERS, status, problemBody(status, ctx.requestId()));
}

function employee(ctx: Ctx) {
  return ctx.pools.employees[ctx.pools.employeeZipf.sample(ctx.rng)]!;
}

export const HR_ENDPOINTS: EndpointDef[] = [
  {
    app: 'hr', method: 'POST', pathTemplate: '/auth/session', scheme: 'https', auth: 'none',
    dataClasses: ['password', 'session-token'], weight: 3, latency: [140, 0.3],
    build(ctx, ep) {
      const staff = ctx.pools.employeeZipf.sample(ctx.rng);
      const e = ctx.pools.employees[staff]!;
      const body = jsonBody(`{"username":"${e.email.split('@')[0]}","password":"Northwind-${ctx.rng.digits(4)}"}`);
      const req = staffRequest(ctx, ep, '/auth/session', NO_QUERY, body, staff);
      if (ctx.rng.chance(0.07)) return { request: req, response: hrReply(ctx, 401, '{"error":"invalid_credentials"}') };
      const res = hrReply(ctx, 200, `{"user":${e.summaryJson},"expiresIn":28800}`);
      (res.headers as Headers)['set-cookie'] = `HRSESSID=${e.session}; Path=/; Secure; HttpOnly; SameSite=Lax`;
      return { request: req, response: res };
    },
  },
  {
    app: 'hr', method: 'GET', pathTemplate: '/employees', scheme: 'https', auth: 'session-cookie',
    dataClasses: ['session-token', 'person-name', 'email'], weight: 6, latency: [70, 0.4],
    build(ctx, ep) {
      const dept = ctx.rng.pick(DEPARTMENTS);
      const page = ctx.rng.range(1, 4);
      const req = staffRequest(ctx, ep, '/employees', { department: dept, page: String(page) });
      let items = '';
      for (let i = 0; i < 5; i++) items += (i ? ',' : '') + ctx.pools.employees[(page * 37 + i * 11) % ctx.pools.employees.length]!.summaryJson;
      return { request: req, response: maybeFail(ctx, 0.01, 0.003) ?? hrReply(ctx, 200, `{"employees":[${items}],"page":${page}}`) };
    },
  },
  {
    app: 'hr', method: 'GET', pathTemplate: '/employees/{id}', scheme: 'https', auth: 'session-cookie',
    dataClasses: ['session-token', 'person-name', 'email', 'phone', 'us-ssn', 'uk-nino', 'date-of-birth', 'street-address', 'iban'],
    weight: 8, latency: [45, 0.4],
    build(ctx, ep) {
      const e = employee(ctx);
      const req = staffRequest(ctx, ep, `/employees/${e.id}`, NO_QUERY);
      return { request: req, response: maybeFail(ctx, 0.015, 0.003) ?? hrReply(ctx, 200, e.recordJson) };
    },
  },
  {
    app: 'hr', method: 'PUT', pathTemplate: '/employees/{id}', scheme: 'https', auth: 'session-cookie',
    dataClasses: ['session-token', 'person-name', 'email', 'phone', 'us-ssn', 'uk-nino', 'date-of-birth', 'street-address', 'iban'],
    weight: 1.5, latency: [95, 0.35],
    build(ctx, ep) {
      const e = employee(ctx);
      const phone = /"phone":("[^"]*")/.exec(e.recordJson)?.[1] ?? '""';
      const body = jsonBody(`{"phone":${phone},"title":"Senior Specialist"}`);
      const req = staffRequest(ctx, ep, `/employees/${e.id}`, NO_QUERY, body);
      return { request: req, response: maybeFail(ctx, 0.04, 0.004) ?? hrReply(ctx, 200, e.recordJson) };
    },
  },
  {
    app: 'hr', method: 'GET', pathTemplate: '/employees/{id}/payslips', scheme: 'https', auth: 'session-cookie',
    dataClasses: ['session-token', 'iban'], weight: 3, latency: [85, 0.4],
    build(ctx, ep) {
      const e = employee(ctx);
      const req = staffRequest(ctx, ep, `/employees/${e.id}/payslips`, { year: '2025' });
      return { request: req, response: maybeFail(ctx, 0.01, 0.003) ?? hrReply(ctx, 200, e.payslipsJson) };
    },
  },
  {
    app: 'hr', method: 'GET', pathTemplate: '/departments', scheme: 'https', auth: 'session-cookie',
    dataClasses: ['session-token'], weight: 2, latency: [20, 0.3],
    build(ctx, ep) {
      const req = staffRequest(ctx, ep, '/departments', NO_QUERY);
      return { request: req, response: hrReply(ctx, 200, `{"departments":${JSON.stringify(DEPARTMENTS)}}`) };
    },
  },
  {
    app: 'hr', method: 'DELETE', pathTemplate: '/admin/employees/{id}', scheme: 'https', auth: 'session-cookie',
    dataClasses: ['session-token'], weight: 0.15, latency: [120, 0.3],
    build(ctx, ep) {
      const e = employee(ctx);
      const req = staffRequest(ctx, ep, `/admin/employees/${e.id}`, NO_QUERY);
      return { request: req, response: hrReply(ctx, 204) };
    },
  },
  {
    app: 'hr', method: 'GET', pathTemplate: '/admin/audit-log', scheme: 'https', auth: 'session-cookie',
    dataClasses: ['session-token', 'email'], weight: 0.4, latency: [230, 0.4],
    build(ctx, ep) {
      const req = staffRequest(ctx, ep, '/admin/audit-log', { limit: '2' });
      const a = employee(ctx);
      const b = employee(ctx);
      return {
        request: req,
        response: hrReply(ctx, 200, `{"entries":[{"actor":"${a.email}","action":"employee.view","target":${b.id}},{"actor":"${b.email}","action":"payslip.view","target":${a.id}}]}`),
      };
    },
  },
  {
    app: 'hr', method: 'PUT', pathTemplate: '/settings/integrations', scheme: 'https', auth: 'session-cookie',
    dataClasses: ['session-token'], weight: 0.2, latency: [60, 0.3],
    build(ctx, ep) {
      const body = jsonBody(`{"emailDigest":${ctx.rng.chance(0.5)},"digestHour":${ctx.rng.range(6, 10)}}`);
      const req = staffRequest(ctx, ep, '/settings/integrations', NO_QUERY, body);
      return { request: req, response: hrReply(ctx, 200, '{"saved":true}') };
    },
  },
];
