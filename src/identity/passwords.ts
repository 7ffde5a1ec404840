import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { emailKey } from '../contracts/identity.js';

/**
 * Local account passwords: scrypt from node:crypto, with the cost stored in the hash string so that
 * raising the cost later does not break existing hashes (`needsRehash` tells when to upgrade one).
 *
 * Format: `scrypt$<N>$<r>$<p>$<salt base64url>$<key base64url>`, e.g. `scrypt$32768$8$1$q8…$Zk…`.
 */
export interface ScryptCost {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/**
 * About 32 MiB and some tens of milliseconds per hash on a server core. OWASP's cheat sheet suggests up to
 * N=2^17; raising it is a change of this constant, and `needsRehash` upgrades stored hashes at next login.
 */
export const PRODUCTION_SCRYPT_COST: Readonly<ScryptCost> = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });
/** For tests only: fast, and still the same code path. */
export const TEST_SCRYPT_COST: Readonly<ScryptCost> = Object.freeze({ N: 2 ** 4, r: 8, p: 1 });

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Bounds on the parameters read back from a stored hash, so a corrupt row cannot make verify run for minutes. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function scryptOptions(cost: ScryptCost): ScryptOptions {
  // Node's default maxmem (32 MiB) is exactly the need of N=2^15, r=8, and the check is strict.
  return { N: cost.N, r: cost.r, p: cost.p, maxmem: 128 * cost.N * cost.r * cost.p + 16 * 1024 * 1024 };
}

/** Unicode-normalised so that the same password typed on two keyboards (composed or not) verifies. */
function normalise(password: string): string {
  return password.normalize('NFKC');
}

/** Hashes a password; async, so a login does not block the event loop for the length of a hash. */
export async function hashPassword(password: string, cost: ScryptCost = PRODUCTION_SCRYPT_COST): Promise<string> {
  validateCost(cost);
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(normalise(password), salt, KEY_BYTES, scryptOptions(cost));
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * Whether `password` matches `stored`. Compares in constant time; answers false (never throws) for a
 * malformed or out-of-bounds stored hash.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed || password.length > PASSWORD_MAX_LENGTH * 4) return false;
  let key: Buffer;
  try {
    key = await scrypt(normalise(password), parsed.salt, parsed.key.length, scryptOptions(parsed.cost));
  } catch {
    return false;
  }
  return timingSafeEqual(key, parsed.key);
}

/** True when `stored` was made with other parameters than `cost` (or cannot be read): re-hash at next login. */
export function needsRehash(stored: string, cost: ScryptCost = PRODUCTION_SCRYPT_COST): boolean {
  const parsed = parseHash(stored);
  return !parsed || parsed.cost.N !== cost.N || parsed.cost.r !== cost.r || parsed.cost.p !== cost.p;
}

function parseHash(stored: string): { cost: ScryptCost; salt: Buffer; key: Buffer } | null {
  if (stored.length > 512) return null;
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = [parts[1], parts[2], parts[3]].map((x) => (x !== undefined && /^\d{1,8}$/.test(x) ? Number(x) : NaN));
  const cost = { N: N ?? NaN, r: r ?? NaN, p: p ?? NaN };
  if (!isValidCost(cost)) return null;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 8 || key.length < 16 || key.length > 64) return null;
  return { cost, salt, key };
}

function isValidCost(c: ScryptCost): boolean {
  return (
    Number.isInteger(c.N) && c.N >= 2 && c.N <= MAX_N && (c.N & (c.N - 1)) === 0 &&
    Number.isInteger(c.r) && c.r >= 1 && c.r <= MAX_R &&
    Number.isInteger(c.p) && c.p >= 1 && c.p <= MAX_P
  );
}

function validateCost(c: ScryptCost): void {
  if (!isValidCost(c)) throw new RangeError(`invalid scrypt cost N=${c.N} r=${c.r} p=${c.p}`);
}

/** One reason a password is refused; the messages are shown to the user as they are. */
export interface PasswordProblem {
  code: 'too-short' | 'too-long' | 'same-as-email';
  message: string;
}

/**
 * The password policy: 12 to 256 characters (counted as code points, after normalisation), and not the
 * account's email address or its local part. Length over composition rules, as NIST SP 800-63B advises.
 *
 * @example checkPasswordPolicy('correct horse battery', { email: 'ana@example.com' }) // []
 */
export function checkPasswordPolicy(password: string, account: { email: string }): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...normalise(password)].length;
  if (length < PASSWORD_MIN_LENGTH) problems.push({ code: 'too-short', message: `use at least ${PASSWORD_MIN_LENGTH} characters` });
  if (length > PASSWORD_MAX_LENGTH) problems.push({ code: 'too-long', message: `use at most ${PASSWORD_MAX_LENGTH} characters` });
  const candidate = normalise(password).trim().toLowerCase();
  const email = emailKey(account.email);
  const local = email.split('@')[0] ?? '';
  if (candidate === email || (local !== '' && candidate === local)) {
    problems.push({ code: 'same-as-email', message: 'do not use your email address or user name as the password' });
  }
  return problems;
}
