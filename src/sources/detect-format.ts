import { isGzip, peekGunzip } from './byte-input.js';
import { isRec, rec, type Rec } from './map-util.js';
import type { SourceFormat } from './types.js';

const SNIFF_BYTES = 64 * 1024;
export const ENVOY_HEAD = /^\[\d{4}-\d{2}-\d{2}T[\d:.]{5,20}Z?\] "/;
// Each \S+ is followed by a space it cannot match, so there is no backtracking ambiguity.
export const NGINX_HEAD = /^\S{1,256} \S{1,256} \S{1,256} \[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "/;
export const HAR_HEAD = /^\{\s*"log"\s*:\s*\{/;
/** A raw HTTP/1.x request line (CSIC 2010 dumps, a proxy's saved request). \S+ stops at the space before the version. */
export const RAW_HTTP_HEAD = /^(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|TRACE) \S+ HTTP\/\d(?:\.\d)?\r?$/;

/**
 * Which format a JSON log record is in, from its keys; null when it is not an access-log record
 * (e.g. Caddy's startup messages), so callers can look at the next line.
 */
export function classifyJsonRecord(r: Rec): SourceFormat | null {
  if (isRec(r.log) && Array.isArray(r.log.entries)) return 'har';
  const req = rec(r.request);
  if (req !== undefined && (r.started_at !== undefined || r.latencies !== undefined || r.client_ip !== undefined || r.upstream_uri !== undefined)) return 'kong';
  if (r.requestId !== undefined && (r.httpMethod !== undefined || r.routeKey !== undefined)) return 'aws-apigw';
  if (req !== undefined && (req.uri !== undefined || req.remote_ip !== undefined)) return 'json-log';
  if (r.RequestMethod !== undefined) return 'json-log';
  if (req !== undefined && typeof req.method === 'string' && (req.url !== undefined || req.path !== undefined || req.host !== undefined)) return 'ndjson';
  if (rec(r.req)?.method !== undefined) return 'json-log';
  if (r.method !== undefined || r.request_method !== undefined || r.http_method !== undefined || typeof r.request === 'string') return 'json-log';
  return null;
}

/**
 * Guess a traffic file's format from its first bytes (gzip is looked through) and, as a hint, its name.
 * Returns null when unsure: better to ask the user for `--format` than to reject every line.
 *
 * @example detectFormat(fs.readFileSync('access.log.gz').subarray(0, 65536), 'access.log.gz') // 'nginx'
 */
export function detectFormat(head: Buffer, fileName?: string): SourceFormat | null {
  const bytes = isGzip(head) ? peekGunzip(head, SNIFF_BYTES) : head.subarray(0, SNIFF_BYTES);
  const name = fileName?.toLowerCase().replace(/\.gz$/, '');
  if (name?.endsWith('.har')) return 'har';
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.trimStart();
  if (text.startsWith('{')) {
    if (HAR_HEAD.test(text)) return 'har';
    const lines = text.split('\n');
    // The last line may be cut by the sniff window; only whole lines are parsed.
    const whole = bytes.length < SNIFF_BYTES ? lines : lines.slice(0, -1);
    let tried = 0;
    for (const line of whole) {
      const l = line.trim();
      if (l === '') continue;
      if (++tried > 20) break;
      let parsed: unknown;
      try {
        parsed = JSON.parse(l);
      } catch {
        break; // pretty-printed JSON: not a line format
      }
      if (isRec(parsed)) {
        const f = classifyJsonRecord(parsed);
        if (f !== null) return f;
      }
    }
    if (/"log"\s*:/.test(text) && /"entries"\s*:/.test(text)) return 'har';
    if (name?.endsWith('.ndjson') || name?.endsWith('.jsonl')) return 'ndjson';
    return null;
  }
  const firstLine = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length);
  if (ENVOY_HEAD.test(firstLine)) return 'envoy';
  if (NGINX_HEAD.test(firstLine)) return 'nginx';
  if (RAW_HTTP_HEAD.test(firstLine)) return 'raw-http';
  return null;
}
