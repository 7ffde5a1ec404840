import { firstDefined, isRec, num, rec, splitRequestLine, str, tlsVersionName, type Rec } from './map-util.js';
import type { MapContext, MapResult } from './types.js';

/**
 * Generic JSON access-log lines. Recognises, in order:
 * - Caddy: request.{remote_ip,client_ip,method,host,uri,headers,proto,tls}, status, duration (s), size, resp_headers, ts;
 * - Traefik: RequestMethod, RequestHost, RequestPath, RequestScheme, RequestProtocol, DownstreamStatus,
 *   ClientHost, Duration (ns), StartUTC, and kept headers as `request_<Name>` / `downstream_<Name>`;
 * - pino-http style: req.{method,url,headers,remoteAddress}, res.statusCode, responseTime (ms);
 * - flat: method, url | path | uri, host, status | status_code, remote_addr | client_ip | ip, time fields.
 */
export function mapJsonLogRecord(r: Rec, ctx: MapContext): MapResult {
  const request = rec(r.request);
  if (request !== undefined && (request.uri !== undefined || request.remote_ip !== undefined)) return mapCaddy(r, request, ctx);
  if (r.RequestMethod !== undefined) return mapTraefik(r, ctx);
  const req = rec(r.req);
  if (req !== undefined && req.method !== undefined) return mapPinoHttp(r, req, ctx);
  return mapFlat(r, ctx);
}

/** Caddy and Traefik log header values as arrays or strings; keep both. */
function headerMap(h: unknown): Rec | undefined {
  return isRec(h) ? h : undefined;
}

function mapCaddy(r: Rec, request: Rec, ctx: MapContext): MapResult {
  const tls = rec(request.tls);
  const req: Rec = {
    method: request.method,
    host: firstDefined(str(request.host), ctx.defaultHost),
    path: str(request.uri),
    headers: headerMap(request.headers),
    scheme: tls !== undefined ? 'https' : 'http',
  };
  const client = firstDefined(str(request.client_ip), str(request.remote_ip));
  if (client !== undefined) req.clientAddress = client;
  const proto = str(request.proto);
  if (proto !== undefined) req.httpVersion = proto;
  const tv = tlsVersionName(tls?.version);
  if (tv !== undefined) req.tlsVersion = tv;
  const input: Rec = { timestamp: r.ts, request: req };
  const duration = num(r.duration);
  if (duration !== undefined && duration >= 0) input.latencyMs = duration * 1000;
  const status = num(r.status);
  // Caddy logs status 0 when the connection closed before a reply.
  if (status !== undefined && status !== 0) {
    const res: Rec = { status, headers: headerMap(r.resp_headers) };
    const size = num(r.size);
    if (size !== undefined && size > 0) res.body = { size };
    input.response = res;
  }
  return { ok: true, input };
}

function mapTraefik(r: Rec, ctx: MapContext): MapResult {
  const reqHeaders: Rec = {};
  const resHeaders: Rec = {};
  for (const k in r) {
    if (k.startsWith('request_')) reqHeaders[k.slice(8)] = r[k];
    else if (k.startsWith('downstream_')) resHeaders[k.slice(11)] = r[k];
  }
  const req: Rec = {
    method: r.RequestMethod,
    host: firstDefined(str(r.RequestHost), str(r.RequestAddr), ctx.defaultHost),
    path: str(r.RequestPath),
    headers: reqHeaders,
  };
  const scheme = str(r.RequestScheme);
  if (scheme !== undefined) req.scheme = scheme;
  const port = num(r.RequestPort);
  if (port !== undefined) req.port = port;
  const proto = str(r.RequestProtocol);
  if (proto !== undefined) req.httpVersion = proto;
  const client = str(r.ClientHost);
  if (client !== undefined) req.clientAddress = client;
  const input: Rec = { timestamp: firstDefined<unknown>(str(r.StartUTC), str(r.time)), request: req };
  const duration = num(r.Duration);
  if (duration !== undefined && duration >= 0) input.latencyMs = duration / 1e6;
  const status = num(r.DownstreamStatus);
  if (status !== undefined && status !== 0) {
    const res: Rec = { status, headers: resHeaders };
    const size = num(r.DownstreamContentSize);
    if (size !== undefined && size > 0) res.body = { size };
    input.response = res;
  }
  return { ok: true, input };
}

function mapPinoHttp(r: Rec, req: Rec, ctx: MapContext): MapResult {
  const headers = headerMap(req.headers);
  const request: Rec = { method: req.method, path: str(req.url), headers };
  if (str(headers?.host) === undefined) request.host = ctx.defaultHost;
  const client = firstDefined(str(req.remoteAddress), str(req.ip));
  if (client !== undefined) request.clientAddress = client;
  const input: Rec = { timestamp: firstDefined<unknown>(r.time, r.timestamp), request };
  const rt = num(r.responseTime);
  if (rt !== undefined && rt >= 0) input.latencyMs = rt;
  const res = rec(r.res);
  const status = num(res?.statusCode);
  if (status !== undefined && status !== 0) input.response = { status, headers: headerMap(res?.headers) };
  return { ok: true, input };
}

function mapFlat(r: Rec, ctx: MapContext): MapResult {
  let method = firstDefined(str(r.method), str(r.http_method), str(r.request_method), str(r.verb));
  let target = firstDefined(str(r.url), str(r.request_url), str(r.path), str(r.uri), str(r.request_uri), str(r.request_path));
  let protocol = firstDefined(str(r.protocol), str(r.server_protocol), str(r.http_version));
  // nginx JSON log_format often keeps "$request" whole.
  if ((method === undefined || target === undefined) && typeof r.request === 'string') {
    const rl = splitRequestLine(r.request);
    if (rl !== undefined) {
      method ??= rl.method;
      target ??= rl.target;
      protocol ??= rl.protocol;
    }
  }
  if (method === undefined || target === undefined) return { ok: false, reason: 'JSON log line has no recognisable method and URL/path fields' };

  const headers: Rec = { ...(headerMap(r.headers) ?? {}) };
  const ua = firstDefined(str(r.user_agent), str(r.http_user_agent), str(r.userAgent), str(r.agent));
  if (ua !== undefined) headers['user-agent'] = ua;
  const referer = firstDefined(str(r.referer), str(r.http_referer), str(r.referrer));
  if (referer !== undefined) headers.referer = referer;
  const auth = str(r.authorization) ?? str(r.http_authorization);
  if (auth !== undefined) headers.authorization = auth;

  const req: Rec = { method, headers };
  if (/^https?:\/\//i.test(target)) req.url = target;
  else {
    req.path = target;
    const host = firstDefined(str(r.host), str(r.http_host), str(r.server_name), str(headers.host), str(headers.Host));
    req.host = host ?? ctx.defaultHost;
  }
  const scheme = str(r.scheme);
  if (scheme !== undefined) req.scheme = scheme;
  if (protocol !== undefined) req.httpVersion = protocol;
  const client = firstDefined(str(r.remote_addr), str(r.client_ip), str(r.clientip), str(r.remote_ip), str(r.ip));
  if (client !== undefined) req.clientAddress = client;

  const input: Rec = {
    timestamp: firstDefined<unknown>(r.timestamp, r['@timestamp'], r.time, r.ts, r.time_iso8601, r.time_local, r.date),
    request: req,
  };
  const ms = firstDefined(num(r.latency_ms), num(r.duration_ms), num(r.response_time_ms), num(r.responseTime), num(r.elapsed_ms));
  const secs = firstDefined(num(r.request_time), num(r.upstream_response_time));
  if (ms !== undefined && ms >= 0) input.latencyMs = ms;
  else if (secs !== undefined && secs >= 0) input.latencyMs = secs * 1000;
  const status = firstDefined(num(r.status), num(r.status_code), num(r.statusCode), num(r.response_status), num(r.response));
  if (status !== undefined && status !== 0) {
    const res: Rec = { status, headers: {} };
    const size = firstDefined(num(r.body_bytes_sent), num(r.bytes_sent), num(r.response_size), num(r.bytes));
    if (size !== undefined && size > 0) res.body = { size };
    input.response = res;
  }
  return { ok: true, input };
}
