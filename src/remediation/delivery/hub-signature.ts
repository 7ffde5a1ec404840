import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The WebSub-style signature trackers put on their webhooks: `sha256=<hex HMAC-SHA256(secret, raw body)>`,
 * in `X-Hub-Signature` (Jira Cloud admin webhooks with a secret) or `X-Hub-Signature-256` (GitHub).
 * Unlike Bulwark's own signature it carries no timestamp, so it proves the sender, not the freshness.
 *
 * @example
 * verifyHubSignature(secret, req.headers['x-hub-signature-256'], rawBody) // true or false, never throws
 */

export type HeaderValue = string | readonly string[] | undefined | null;

/** True when `header` is exactly one `sha256=` HMAC of `rawBody` (the bytes received, before JSON parsing) under `secret`. */
export function verifyHubSignature(secret: string, header: HeaderValue, rawBody: string | Buffer): boolean {
  if (secret === '' || typeof header !== 'string' || header.length > 200) return false;
  const hex = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim())?.[1];
  if (hex === undefined) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
}

/** A header by its lower-case name from node's headers, a fetch `Headers`, or a plain record with any case. */
export function headerValue(headers: Headers | Record<string, HeaderValue>, name: string): string | undefined {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return headers.get(name) ?? undefined;
  const record = headers as Record<string, HeaderValue>;
  const direct = record[name];
  if (typeof direct === 'string') return direct;
  if (direct !== undefined && direct !== null) return undefined; // repeated: not trusted
  for (const [key, value] of Object.entries(record)) {
    if (key.toLowerCase() === name && typeof value === 'string') return value;
  }
  return undefined;
}
