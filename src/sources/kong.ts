import { num, rec, str, type Rec } from './map-util.js';
import type { MapContext, MapResult } from './types.js';

/**
 * Kong's file-log (also http-log, tcp-log, syslog: same JSON) record:
 * request.{method,url,uri,headers,querystring,tls.version}, response.{status,headers},
 * latencies.request (ms), client_ip, started_at (epoch ms). Kong logs no bodies by default.
 */
export function mapKongRecord(r: Rec, ctx: MapContext): MapResult {
  const request = rec(r.request);
  if (request === undefined) return { ok: false, reason: 'Kong record has no "request" object' };
  const req: Rec = { method: request.method, headers: request.headers };
  const url = str(request.url) ?? str(request.request_uri);
  if (url !== undefined) {
    req.url = url;
  } else {
    req.path = str(request.uri);
    const host = str(rec(request.headers)?.host);
    if (host === undefined) req.host = ctx.defaultHost;
  }
  // querystring is already decoded and keeps `?flag` as `true`; prefer it to re-parsing the URL.
  if (rec(request.querystring) !== undefined) req.query = request.querystring;
  const tls = str(rec(request.tls)?.version);
  if (tls !== undefined) req.tlsVersion = tls;
  const client = str(r.client_ip);
  if (client !== undefined) req.clientAddress = client;

  const input: Rec = { timestamp: r.started_at, request: req };
  const latency = num(rec(r.latencies)?.request);
  if (latency !== undefined && latency >= 0) input.latencyMs = latency;
  const response = rec(r.response);
  if (response !== undefined && num(response.status) !== 0) {
    input.response = { status: num(response.status) ?? response.status, headers: response.headers };
  }
  return { ok: true, input };
}
