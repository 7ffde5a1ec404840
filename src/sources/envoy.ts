import { tokenizeLogLine } from './log-tokenizer.js';
import { splitRequestLine } from './map-util.js';
import type { MapContext, MapResult } from './types.js';

/**
 * Envoy's default access-log format:
 *   [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS%
 *   %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%"
 *   "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"
 * The five trailing quoted fields are taken from the end and the numbers from between, so variants that
 * insert fields after the flags (Istio's %RESPONSE_CODE_DETAILS% etc.) still parse.
 * Envoy logs no client address in this format; X-Forwarded-For is kept as a header, not trusted as one.
 */
export function mapEnvoyLine(line: string, ctx: MapContext): MapResult {
  const t = tokenizeLogLine(line);
  if (t === undefined || t.length < 4) return { ok: false, reason: 'not an Envoy default access log line' };
  const [time, request, status] = t as [typeof t[0], typeof t[0], typeof t[0]];
  if (time.kind !== 'bracket' || request.kind !== 'quoted' || status.kind !== 'bare' || !/^\d{1,3}$/.test(status.text)) {
    return { ok: false, reason: 'not an Envoy default access log line' };
  }
  const quotedIdx: number[] = [];
  for (let i = 3; i < t.length; i++) if (t[i]!.kind === 'quoted') quotedIdx.push(i);
  if (quotedIdx.length < 5) return { ok: false, reason: 'not an Envoy default access log line (expected 5 quoted fields after the status)' };
  const tail = quotedIdx.slice(-5).map((i) => t[i]!.text);
  const [xff, ua, requestId, authority] = tail as [string, string, string, string];
  const numbers: number[] = [];
  for (let i = 3; i < quotedIdx[quotedIdx.length - 5]!; i++) {
    const tok = t[i]!;
    if (tok.kind === 'bare' && /^\d{1,15}$/.test(tok.text)) numbers.push(Number(tok.text));
  }
  // Upstream service time may be '-', so the three numbers always present are received, sent, duration.
  const rl = request.text === '-' ? undefined : splitRequestLine(request.text);
  if (rl === undefined) return { ok: false, reason: 'request is not "METHOD path PROTOCOL" (a TCP or rejected connection?)' };

  const headers: Record<string, string> = {};
  if (xff !== '-' && xff !== '') headers['x-forwarded-for'] = xff;
  if (ua !== '-' && ua !== '') headers['user-agent'] = ua;
  if (requestId !== '-' && requestId !== '') headers['x-request-id'] = requestId;
  const host = authority !== '-' && authority !== '' ? authority : ctx.defaultHost;
  if (host === undefined) return { ok: false, reason: 'no :authority in the log line and no default host' };

  const req: Record<string, unknown> = { method: rl.method, host, path: rl.target, headers };
  if (rl.protocol !== undefined) req.httpVersion = rl.protocol;
  if (numbers[0] !== undefined && numbers[0] > 0) req.body = { size: numbers[0] };
  const input: Record<string, unknown> = { timestamp: time.text, request: req };
  if (numbers[2] !== undefined) input.latencyMs = numbers[2];
  const code = Number(status.text);
  // Envoy logs 0 when the downstream went away before any response.
  if (code !== 0) {
    const res: Record<string, unknown> = { status: code, headers: {} };
    if (numbers[1] !== undefined && numbers[1] > 0) res.body = { size: numbers[1] };
    input.response = res;
  }
  return { ok: true, input };
}
