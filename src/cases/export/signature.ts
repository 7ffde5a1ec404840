import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, Stripe-style: `X-Bulwark-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * The timestamp is signed with the body, so a receiver that checks it against its clock refuses a replayed
 * delivery; several `v1=` entries are accepted (a receiver may see one per secret while rotating).
 *
 * @example
 * const header = signWebhookBody(secret, body, 1767225600);   // 't=1767225600,v1=5f1c…'
 * verifyWebhookSignature(secret, header, body, 300, 1767225650) // true
 */

export const SIGNATURE_HEADER = 'X-Bulwark-Signature';
export const EVENT_ID_HEADER = 'X-Bulwark-Event-Id';

function hmacHex(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

export function signWebhookBody(secret: string, rawBody: string | Buffer, unixSeconds: number): string {
  const t = Math.floor(unixSeconds);
  return `t=${t},v1=${hmacHex(secret, t, rawBody)}`;
}

/**
 * True when `header` carries a `v1` HMAC of `rawBody` (the exact bytes received, before any JSON parsing)
 * under `secret`, made at most `toleranceSeconds` from now (either way, for clock skew).
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined | null,
  rawBody: string | Buffer,
  toleranceSeconds = 300,
  nowSeconds: number = Date.now() / 1000,
): boolean {
  if (typeof header !== 'string' || header.length > 4096) return false;
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === null || signatures.length === 0) return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, rawBody), 'hex');
  return signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
}
