import { firstDefined, num, rec, str, type Rec } from './map-util.js';
import type { MapContext, MapResult } from './types.js';

/**
 * API Gateway access logs in JSON (REST and HTTP APIs), keyed as in AWS's examples:
 * requestId, ip (or sourceIp / identity.sourceIp), requestTime (CLF) or requestTimeEpoch, httpMethod,
 * domainName, path (or resourcePath, or the HTTP API `routeKey` "GET /items/{id}"), status, protocol,
 * responseLength, responseLatency (or integrationLatency), userAgent. API Gateway prints "-" for
 * empty variables, which reads as absent. Template paths from resourcePath/routeKey are kept as sent.
 */
export function mapAwsApiGwRecord(r: Rec, ctx: MapContext): MapResult {
  const identity = rec(r.identity);
  const routeKey = str(r.routeKey);
  const route = routeKey !== undefined && routeKey.includes(' ') ? routeKey.split(' ') : undefined;
  const method = firstDefined(str(r.httpMethod), route?.[0]);
  const path = firstDefined(str(r.path), str(r.resourcePath), route?.[1]);
  if (method === undefined) return { ok: false, reason: 'API Gateway record has no httpMethod or routeKey' };
  if (path === undefined) return { ok: false, reason: 'API Gateway record has no path, resourcePath or routeKey' };
  const host = firstDefined(str(r.domainName), ctx.defaultHost);
  if (host === undefined) return { ok: false, reason: 'no domainName in the record and no default host' };

  const headers: Record<string, string> = {};
  const ua = firstDefined(str(r.userAgent), str(identity?.userAgent), str(r['identity.userAgent']));
  if (ua !== undefined) headers['user-agent'] = ua;
  const req: Rec = { method, host, path, headers, scheme: 'https' };
  const ip = firstDefined(str(r.ip), str(r.sourceIp), str(identity?.sourceIp), str(r['identity.sourceIp']));
  if (ip !== undefined) req.clientAddress = ip;
  const proto = str(r.protocol);
  if (proto !== undefined) req.httpVersion = proto;

  const input: Rec = { timestamp: firstDefined<unknown>(num(r.requestTimeEpoch), str(r.requestTime)), request: req };
  const latency = firstDefined(num(r.responseLatency), num(r.integrationLatency), num(rec(r.integration)?.latency));
  if (latency !== undefined && latency >= 0) input.latencyMs = latency;
  const status = num(r.status);
  if (status !== undefined) {
    const res: Rec = { status, headers: {} };
    const requestId = str(r.requestId);
    if (requestId !== undefined) res.headers = { 'x-amzn-requestid': requestId };
    const len = num(r.responseLength);
    if (len !== undefined && len > 0) res.body = { size: Math.round(len) };
    input.response = res;
  }
  return { ok: true, input };
}
