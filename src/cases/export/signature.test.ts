import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhookBody, verifyWebhookSignature } from './signature.js';

const SECRET = 'whsec_0123456789abcdef';
const BODY = '{"event_id":"abc","issue":{"title":"ünïcødé"}}';
const T = 1_767_225_600;

describe('signWebhookBody', () => {
  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(signWebhookBody(SECRET, BODY, T + 0.9)).toBe(`t=${T},v1=${expected}`);
  });
});

describe('verifyWebhookSignature', () => {
  const header = signWebhookBody(SECRET, BODY, T);
  const v1 = header.slice(header.indexOf('v1=') + 3);

  it.each([
    ['the signed body, on time', SECRET, header, BODY, T + 10, true],
    ['the same bytes as a Buffer', SECRET, header, Buffer.from(BODY, 'utf8'), T, true],
    ['a clock a little behind', SECRET, header, BODY, T - 299, true],
    ['one of several v1 entries (secret rotation)', SECRET, `t=${T},v1=${'0'.repeat(64)},v1=${v1}`, BODY, T, true],
    ['spaces around entries', SECRET, ` t=${T} , v1=${v1} `, BODY, T, true],
    ['another secret', 'whsec_another_secret_value', header, BODY, T, false],
    ['a changed body', SECRET, header, BODY.replace('abc', 'abd'), T, false],
    ['a body parsed and re-serialised', SECRET, header, JSON.stringify(JSON.parse(BODY), null, 1), T, false],
    ['a replay after the tolerance', SECRET, header, BODY, T + 301, false],
    ['a timestamp from the future', SECRET, header, BODY, T - 301, false],
    ['a changed timestamp', SECRET, header.replace(`t=${T}`, `t=${T + 1}`), BODY, T, false],
    ['no timestamp', SECRET, `v1=${v1}`, BODY, T, false],
    ['no v1', SECRET, `t=${T}`, BODY, T, false],
    ['a v0 scheme only', SECRET, `t=${T},v0=${v1}`, BODY, T, false],
    ['a short signature', SECRET, `t=${T},v1=${v1.slice(0, 10)}`, BODY, T, false],
    ['an empty header', SECRET, '', BODY, T, false],
    ['no header', SECRET, undefined, BODY, T, false],
    ['a huge header', SECRET, `t=${T},` + 'v1=x,'.repeat(2000), BODY, T, false],
  ])('%s -> %s', (_name, secret, h, body, now, expected) => {
    expect(verifyWebhookSignature(secret, h, body, 300, now)).toBe(expected);
  });
});
