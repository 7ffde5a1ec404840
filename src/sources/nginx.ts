import { parseClfTime } from '../normalize/timestamp.js';
import { tokenizeLogLine } from './log-tokenizer.js';
import { splitRequestLine } from './map-util.js';
import type { MapContext, MapResult } from './types.js';

export const SECONDS = /^\d{1,6}\.\d{1,6}$/;
export const IP_LIST = /^[0-9A-Fa-f.:]{2,45}(, ?[0-9A-Fa-f.:]{2,45}){0,31}$/;
export const HOSTNAME = /^[A-Za-z0-9._-]{1,253}(:\d{1,5})?$/;

/** IPv4 lists, or IPv6 (two or more colons); `cafe.de` is hex but a host name. */
function isIpList(v: string): boolean {
  if (!IP_LIST.test(v)) return false;
  if (!/[A-Fa-f]/.test(v)) return v.includes('.') || v.includes(':');
  return v.indexOf(':') !== v.lastIndexOf(':');
}

/**
 * nginx `combined`:
 *   $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"
 * plus common extensions appended after it, recognised by shape: `$request_time` (seconds with a dot),
 * `"$http_x_forwarded_for"` (an IP list, as in the stock `main` format) and `$host` / `"$http_host"`.
 * The plain Common Log Format (no referer/user agent) is accepted too.
 */
export function mapNginxLine(line: string, ctx: MapContext): MapResult {
  const t = tokenizeLogLine(line);
  if (t === undefined || t.length < 7) return { ok: false, reason: 'not an nginx combined/common log line' };
  const [addr, , user, time, request, status, bytes] = t as [typeof t[0], typeof t[0], typeof t[0], typeof t[0], typeof t[0], typeof t[0], typeof t[0]];
  if (time.kind !== 'bracket' || request.kind !== 'quoted' || status.kind !== 'bare' || user.kind !== 'bare' || addr.kind !== 'bare') {
    return { ok: false, reason: 'not an nginx combined/common log line' };
  }
  const ms = parseClfTime(time.text);
  if (ms === undefined) return { ok: false, reason: 'time is not in nginx $time_local format' };
  if (request.text === '' || request.text === '-') return { ok: false, reason: 'no request line (the client sent no valid request)' };
  const rl = splitRequestLine(request.text);
  if (rl === undefined) return { ok: false, reason: 'request is not "METHOD target PROTOCOL"' };

  const headers: Record<string, string> = {};
  const referer = t[7];
  const ua = t[8];
  if (referer?.kind === 'quoted' && referer.text !== '-' && referer.text !== '') headers.referer = referer.text;
  if (ua?.kind === 'quoted' && ua.text !== '-' && ua.text !== '') headers['user-agent'] = ua.text;

  let host: string | undefined;
  let latencyMs: number | undefined;
  for (let i = 9; i < t.length; i++) {
    const v = t[i]!.text;
    if (v === '-' || v === '') continue;
    if (latencyMs === undefined && SECONDS.test(v)) latencyMs = Number(v) * 1000;
    else if (headers['x-forwarded-for'] === undefined && isIpList(v)) headers['x-forwarded-for'] = v;
    else if (host === undefined && HOSTNAME.test(v) && /[A-Za-z]/.test(v)) host = v;
  }

  const req: Record<string, unknown> = { method: rl.method, headers, clientAddress: addr.text };
  if (rl.protocol !== undefined) req.httpVersion = rl.protocol;
  if (/^https?:\/\//i.test(rl.target)) {
    req.url = rl.target; // absolute-form (forward proxy) carries its own host
  } else {
    host ??= ctx.defaultHost;
    if (host === undefined) return { ok: false, reason: 'no host in the log line: add $host to log_format or pass a default host' };
    req.host = host;
    req.path = rl.target;
  }
  const input: Record<string, unknown> = { timestamp: ms, request: req };
  if (latencyMs !== undefined) input.latencyMs = latencyMs;
  const code = Number(status.text);
  // 0/000 means no response was sent; the request still happened.
  if (code !== 0) {
    const res: Record<string, unknown> = { status: /^\d{3}$/.test(status.text) ? code : status.text, headers: {} };
    const size = Number(bytes.text);
    if (Number.isInteger(size) && size > 0) res.body = { size };
    input.response = res;
  }
  return { ok: true, input };
}
