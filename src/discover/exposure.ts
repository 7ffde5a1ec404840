import { BlockList, isIP } from 'node:net';
import { invalidInput } from '../errors/domain-errors.js';

/**
 * Decides whether a call came from the internet. Behind a trusted proxy the client is the right-most
 * address of X-Forwarded-For that is not itself a trusted proxy (left-most entries are client-supplied
 * and can be forged).
 */
export interface ExposureClassifier {
  /** The effective client address and whether it is public; `public` is null when unknown. */
  classify(clientAddress: string | undefined, forwardedFor: string | undefined): { address: string | null; public: boolean | null };
}

const NON_PUBLIC_V4 = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const;
const NON_PUBLIC_V6 = [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const;

function addCidr(list: BlockList, cidr: string): void {
  const [addr, bits] = cidr.split('/');
  const family = isIP(addr ?? '');
  if (!family) throw invalidInput(`trusted proxy ${cidr} is not an IP address or CIDR`);
  const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) throw invalidInput(`trusted proxy ${cidr} has an invalid prefix`);
  list.addSubnet(addr!, prefix, family === 4 ? 'ipv4' : 'ipv6');
}

/** Strips IPv4-mapped IPv6, brackets and ports that log formats add. */
export function cleanAddress(raw: string): string | null {
  let a = raw.trim();
  if (a.startsWith('[')) a = a.slice(1, a.indexOf(']') > 0 ? a.indexOf(']') : undefined);
  else if (a.includes('.') && a.lastIndexOf(':') > 0 && a.indexOf(':') === a.lastIndexOf(':')) a = a.slice(0, a.indexOf(':'));
  if (a.toLowerCase().startsWith('::ffff:') && isIP(a.slice(7)) === 4) a = a.slice(7);
  return isIP(a) ? a : null;
}

export function createExposureClassifier(trustedProxies: readonly string[] = []): ExposureClassifier {
  const nonPublic = new BlockList();
  for (const [a, p] of NON_PUBLIC_V4) nonPublic.addSubnet(a, p, 'ipv4');
  for (const [a, p] of NON_PUBLIC_V6) nonPublic.addSubnet(a, p, 'ipv6');
  const trusted = new BlockList();
  for (const cidr of trustedProxies) addCidr(trusted, cidr);
  const hasTrusted = trustedProxies.length > 0;
  // Addresses repeat heavily; the cache is bounded and simply reset when full.
  const cache = new Map<string, boolean>();

  const isPublic = (a: string): boolean => {
    let v = cache.get(a);
    if (v === undefined) {
      v = !nonPublic.check(a, isIP(a) === 6 ? 'ipv6' : 'ipv4');
      if (cache.size >= 50_000) cache.clear();
      cache.set(a, v);
    }
    return v;
  };
  const isTrusted = (a: string) => trusted.check(a, isIP(a) === 6 ? 'ipv6' : 'ipv4');

  // Without trusted proxies the answer depends on the client address alone: remember it per raw address.
  const direct = new Map<string, { address: string | null; public: boolean | null }>();

  return {
    classify(clientAddress, forwardedFor) {
      if (!hasTrusted && clientAddress) {
        let r = direct.get(clientAddress);
        if (r === undefined) {
          const address = cleanAddress(clientAddress);
          r = Object.freeze({ address, public: address ? isPublic(address) : null });
          if (direct.size >= 50_000) direct.clear();
          direct.set(clientAddress, r);
        }
        return r;
      }
      let address = clientAddress ? cleanAddress(clientAddress) : null;
      if (address && hasTrusted && forwardedFor && isTrusted(address)) {
        const hops = forwardedFor.split(',');
        for (let i = hops.length - 1; i >= 0; i--) {
          const hop = cleanAddress(hops[i]!);
          if (!hop) break;
          address = hop;
          if (!isTrusted(hop)) break;
        }
      }
      return { address, public: address ? isPublic(address) : null };
    },
  };
}
