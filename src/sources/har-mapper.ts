import { isRec, num, rec, str, type Rec } from './map-util.js';
import type { MapResult } from './types.js';

function nameValues(list: unknown): Array<{ name: string; value: string }> | undefined {
  if (!Array.isArray(list)) return undefined;
  const out: Array<{ name: string; value: string }> = [];
  for (const h of list) {
    if (isRec(h) && typeof h.name === 'string') out.push({ name: h.name, value: typeof h.value === 'string' ? h.value : String(h.value ?? '') });
  }
  return out;
}

/** Firefox and Burp often give form posts as `params` without `text`: rebuild the urlencoded body. */
function paramsToText(params: unknown): string | undefined {
  if (!Array.isArray(params) || params.length === 0) return undefined;
  const parts: string[] = [];
  for (const p of params) {
    if (isRec(p) && typeof p.name === 'string') parts.push(`${encodeURIComponent(p.name)}=${encodeURIComponent(typeof p.value === 'string' ? p.value : '')}`);
  }
  return parts.join('&');
}

/**
 * One HAR 1.2 entry (Chrome/Firefox devtools, mitmproxy, Burp, Charles) -> ApiEventInput.
 * HAR has no client address, so none is set. `serverIPAddress` has no place in ApiEvent and is dropped.
 */
export function mapHarEntry(entry: Rec): MapResult {
  const request = rec(entry.request);
  if (request === undefined) return { ok: false, reason: 'entry has no "request" object' };
  const req: Rec = {
    method: request.method,
    url: request.url,
    headers: nameValues(request.headers),
  };
  const cookies = nameValues(request.cookies);
  if (cookies !== undefined && cookies.length > 0) req.cookies = cookies;
  const hv = str(request.httpVersion);
  if (hv !== undefined) req.httpVersion = hv;
  const post = rec(request.postData);
  if (post !== undefined) {
    const text = typeof post.text === 'string' ? post.text : paramsToText(post.params);
    if (text !== undefined) {
      const body: Rec = { text };
      const mime = str(post.mimeType);
      if (mime !== undefined) body.contentType = mime;
      req.body = body;
    }
  }
  // Chrome's extension field; mitmproxy and Firefox have no TLS version.
  const tls = str(rec(entry._securityDetails)?.protocol);
  if (tls !== undefined) req.tlsVersion = tls;

  const input: Rec = { timestamp: entry.startedDateTime, request: req };
  const time = num(entry.time);
  if (time !== undefined && time >= 0) input.latencyMs = time;

  const response = rec(entry.response);
  // Status 0 is how devtools records a request that got no response (blocked, cancelled, CORS failure).
  if (response !== undefined && response.status !== 0) {
    const res: Rec = { status: response.status, headers: nameValues(response.headers) };
    const content = rec(response.content);
    if (content !== undefined) {
      const body: Rec = {};
      if (typeof content.text === 'string') body.text = content.text;
      if (content.encoding === 'base64') body.encoding = 'base64';
      const mime = str(content.mimeType);
      if (mime !== undefined) body.contentType = mime;
      const size = num(content.size);
      if (size !== undefined && size >= 0) body.size = Math.round(size);
      if (body.text !== undefined || (typeof body.size === 'number' && body.size > 0)) res.body = body;
    }
    input.response = res;
  }
  return { ok: true, input };
}
