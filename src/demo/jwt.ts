import { Rng } from './prng.js';

function b64url(json: string): string {
  return Buffer.from(json, 'utf8').toString('base64url');
}

const RS256_HEADER = b64url('{"alg":"RS256","typ":"JWT"}');
const NONE_HEADER = b64url('{"alg":"none","typ":"JWT"}');

/**
 * A real-looking RS256 token: genuine base64url header and claims, with 256 bytes of seeded noise as
 * the signature (the size of an RSA-2048 signature), so analysers see the shape they would in production.
 */
export function rs256Token(claims: Record<string, string | number>, signatureSeed: number): string {
  const rng = new Rng(signatureSeed);
  const words = new Uint32Array(64);
  for (let i = 0; i < 64; i++) words[i] = rng.u32();
  // Endianness varies by platform but not within the Node builds we support (all little-endian).
  return RS256_HEADER + '.' + b64url(JSON.stringify(claims)) + '.' + Buffer.from(words.buffer).toString('base64url');
}

/** An unsigned token (`alg: none`, empty signature), as the legacy mobile backend still accepts. */
export function unsignedToken(claims: Record<string, string | number>): string {
  return NONE_HEADER + '.' + b64url(JSON.stringify(claims)) + '.';
}
