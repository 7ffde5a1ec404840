import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync, statSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { invalidInput } from '../errors/domain-errors.js';

/**
 * The per-installation key of the redaction HMAC. It lives in its own file (mode 0600), never in the
 * database: with the key beside the hashes, low-entropy values (an SSN, a phone number) could be
 * recovered by trying every candidate.
 */
export function loadOrCreateSecret(dataDir: string, env: Record<string, string | undefined> = {}): Buffer {
  const fromEnv = env.BULWARK_SECRET;
  if (fromEnv) {
    if (fromEnv.length < 32) throw invalidInput('BULWARK_SECRET must be at least 32 characters');
    return Buffer.from(fromEnv, 'utf8');
  }
  if (existsSync(dataDir) && !statSync(dataDir).isDirectory()) throw invalidInput(`data directory ${dataDir} exists and is not a directory`);
  const file = path.join(dataDir, 'installation.key');
  if (existsSync(file)) {
    const hex = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(hex)) throw invalidInput(`${file} is not a valid installation key (64 hex characters)`);
    return Buffer.from(hex, 'hex');
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}
