import { Rng, mixSeed } from './prng.js';

export const PLANTED_SECRET_KINDS = ['aws-access-key-id', 'aws-secret-access-key', 'github-token', 'slack-webhook-url', 'private-key'] as const;
export type PlantedSecretKind = (typeof PLANTED_SECRET_KINDS)[number];

export interface PlantedSecret {
  kind: PlantedSecretKind;
  /** The raw value exactly as planted. In JSON bodies it is JSON-escaped (the PEM's newlines become `\n`). */
  value: string;
}

const UPPER_ALNUM_B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const B64 = ALNUM + '+/';

/**
 * The credentials the demo plants in a few events, derived from the seed alone (not from the event
 * count), so a privacy test can generate traffic, ingest it, and then check that none of these values
 * reached the store.
 *
 * @example
 * for (const s of plantedSecretSamples(7)) expect(storeDump).not.toContain(s.value);
 */
export function plantedSecretSamples(seed: number): PlantedSecret[] {
  const rng = new Rng(mixSeed(seed, 9001));
  // AWS key ids use base32 characters after the AKIA prefix.
  const awsKeyId = 'AKIA' + rng.chars(16, UPPER_ALNUM_B32);
  const awsSecret = rng.chars(40, B64);
  const github = 'ghp_' + rng.chars(36, ALNUM);
  const slack = `https://hooks.slack.com/services/T${rng.chars(10, UPPER_ALNUM)}/B${rng.chars(10, UPPER_ALNUM)}/${rng.chars(24, ALNUM)}`;
  // DER of an RSA-2048 PKCS#1 key always opens with these bytes; the rest is noise.
  let b64 = 'MIIEowIBAAKCAQEA' + rng.chars(1560, B64);
  b64 = b64.slice(0, 1588) + '==';
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  const pem = `-----BEGIN RSA PRIVATE KEY-----\n${lines.join('\n')}\n-----END RSA PRIVATE KEY-----`;
  return [
    { kind: 'aws-access-key-id', value: awsKeyId },
    { kind: 'aws-secret-access-key', value: awsSecret },
    { kind: 'github-token', value: github },
    { kind: 'slack-webhook-url', value: slack },
    { kind: 'private-key', value: pem },
  ];
}
