import type { InspectedValue } from '../types.js';
import { CHAR, conf, isAsciiDigit, type PayloadDetector, type PayloadMatch } from './detector.js';

/**
 * Server-side request forgery: URL-valued parameters that point the server at itself, its network or its
 * cloud provider's metadata service. Hosts are classified after parsing IPv4 the way `inet_aton` does
 * (`2130706433`, `0x7f000001`, `0177.0.0.1`, `127.1` are all 127.0.0.1), unwrapping IPv4-mapped IPv6
 * (`[::ffff:127.0.0.1]`) and recognising wildcard-DNS names that resolve to any address (`127.0.0.1.nip.io`).
 * Request headers are not read: `Referer: http://localhost:3000/` is a developer's browser, not an attack.
 */

export const URL_IN_TEXT = /\b([a-z][a-z0-9+.-]{1,15}):\/\/([^\s/?#\\"'<>]{1,300})/gi;
/** Parameter names that carry a URL or host a server will contact. */
export const URL_PARAM_NAME = /(?:^|[^a-z])(?:url|uri|src|source|dest|destination|callback|webhook|hook|host|hostname|target|endpoint|proxy|feed|image|img|avatar|domain|site|server|fetch|load|remote|import|download)(?:$|[^a-z])/i;
/** Names of parameters the browser is sent to, not the server: `localhost` there is a native or development app (RFC 8252). */
export const REDIRECT_PARAM_NAME = /(?:^|[^a-z])(?:redirect|redirect_uri|redirect_url|return|return_to|returnurl|next|continue|post_logout_redirect_uri)(?:$|[^a-z])/i;
export const BARE_HOST = /^([a-z0-9.-]{1,253}|\[[0-9a-f:.]{2,45}\])(?::\d{1,5})?(?:[/?#].{0,200})?$/i;
export const GCP_METADATA_HOST = /metadata\.google\.internal/i;
export const METADATA_PATH = /\/(?:latest\/(?:meta-data|user-data|api\/token|dynamic)|computemetadata\/v1|metadata\/(?:instance|identity|v1)|opc\/v[12]\/|openstack\/latest)/i;

const METADATA_HOSTS = new Set([
  'metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal',
  'metadata.azure.com', 'metadata.packet.net', 'metadata.platformequinix.com',
]);
/** 169.254.169.254 (AWS, GCP, Azure, OpenStack, DigitalOcean), 169.254.170.2 (ECS), 100.100.100.200 (Alibaba), 192.0.0.192 (Oracle). */
const METADATA_IPS = new Set([0xa9fea9fe, 0xa9feaa02, 0x646464c8, 0xc00000c0]);
const DANGEROUS_SCHEMES: Readonly<Record<string, number>> = Object.freeze({ gopher: 0.85, dict: 0.85, tftp: 0.7, ldap: 0.6, ldaps: 0.6, sftp: 0.5, jar: 0.6, netdoc: 0.7 });
const WILDCARD_DNS = ['nip.io', 'sslip.io', 'xip.io', 'localtest.me', 'lvh.me', 'vcap.me', 'lacolhost.com', 'traefik.me', 'localh.st', '1u.ms'];
const INTERNAL_SUFFIXES = ['.internal', '.local', '.localdomain', '.localhost', '.corp', '.intranet', '.lan', '.home.arpa', '.svc.cluster.local', '.cluster.local'];

/** inet_aton: 1 to 4 parts, each decimal, octal (leading 0) or hex (0x); null when not an IPv4 address. */
export function parseIpv4(host: string): { ip: number; canonical: boolean } | null {
  if (host === '' || host.length > 64) return null;
  const parts = host.split('.');
  if (parts.length > 4) return null;
  if (parts[parts.length - 1] === '' && parts.length > 1) parts.pop();
  const nums: number[] = [];
  let canonical = parts.length === 4;
  for (const p of parts) {
    if (p === '') return null;
    let v: number;
    if (/^0x[0-9a-f]{0,8}$/i.test(p)) {
      v = p.length === 2 ? 0 : parseInt(p.slice(2), 16);
      canonical = false;
    } else if (/^0[0-7]+$/.test(p)) {
      v = parseInt(p, 8);
      canonical = false;
    } else if (/^\d{1,10}$/.test(p)) {
      v = Number(p);
    } else {
      return null;
    }
    nums.push(v);
  }
  const last = nums.length - 1;
  let ip = 0;
  for (let i = 0; i < last; i++) {
    if (nums[i]! > 255) return null;
    ip = ip * 256 + nums[i]!;
  }
  const room = 4 - last;
  if (nums[last]! >= 2 ** (8 * room)) return null;
  ip = ip * 2 ** (8 * room) + nums[last]!;
  return { ip: ip >>> 0, canonical };
}

type HostClass = 'metadata' | 'loopback' | 'private' | 'link-local' | 'internal-name' | 'wildcard-dns' | 'public';

function classifyIpv4(ip: number): HostClass {
  if (METADATA_IPS.has(ip)) return 'metadata';
  const a = ip >>> 24;
  const b = (ip >>> 16) & 255;
  if (a === 127 || ip === 0) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return 'private';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 0) return 'loopback';
  return 'public';
}

function classifyIpv6(h: string): HostClass | null {
  const x = h.toLowerCase();
  if (x.indexOf(':') < 0) return null;
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(x);
  if (mapped) return classifyIpv4(parseIpv4(mapped[1]!)?.ip ?? 1);
  const mappedHex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(x);
  if (mappedHex) return classifyIpv4(((parseInt(mappedHex[1]!, 16) << 16) | parseInt(mappedHex[2]!, 16)) >>> 0);
  if (x === '::1' || x === '::' || /^(?:0{1,4}:){7}0{0,3}1$/.test(x)) return 'loopback';
  if (x === 'fd00:ec2::254') return 'metadata';
  if (/^f[cd][0-9a-f]{0,2}:/.test(x)) return 'private';
  if (/^fe[89ab][0-9a-f]:/.test(x)) return 'link-local';
  return 'public';
}

export interface HostVerdict {
  kind: HostClass;
  /** Written in a form people do not use: decimal, hex, octal, short IPv4, IPv4-mapped IPv6. */
  obfuscated: boolean;
}

/** Classify a URL authority (`user@host:port`, `[v6]:port`). */
export function classifyHost(authority: string): HostVerdict {
  let host = authority;
  const at = host.lastIndexOf('@');
  if (at >= 0) host = host.slice(at + 1);
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    const inner = host.slice(1, close < 0 ? host.length : close);
    const kind = classifyIpv6(inner) ?? 'public';
    return { kind, obfuscated: inner.toLowerCase().indexOf('ffff:') >= 0 || (kind === 'loopback' && inner !== '::1') };
  }
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && /^\d{0,5}$/.test(host.slice(colon + 1))) host = host.slice(0, colon);
  host = host.toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (METADATA_HOSTS.has(host)) return { kind: 'metadata', obfuscated: false };
  const v4 = isAsciiDigit(host.charCodeAt(0)) ? parseIpv4(host) : null;
  if (v4) return { kind: classifyIpv4(v4.ip), obfuscated: !v4.canonical };
  if (host === 'localhost' || host === 'ip6-localhost' || host === 'ip6-loopback') return { kind: 'loopback', obfuscated: false };
  for (const w of WILDCARD_DNS) {
    if (host === w || host.endsWith(`.${w}`)) {
      // 127.0.0.1.nip.io, 169.254.169.254.nip.io, 7f000001.nip.io, or a bare localtest.me.
      const label = host.slice(0, Math.max(0, host.length - w.length - 1)).replace(/^[a-z0-9-]{0,40}[.-](?=\d)/, '').replace(/-/g, '.');
      const inner = parseIpv4(label);
      const kind = inner ? classifyIpv4(inner.ip) : host === w || w === 'localtest.me' || w === 'lvh.me' || w === 'vcap.me' ? 'loopback' : 'wildcard-dns';
      return { kind: kind === 'public' ? 'wildcard-dns' : kind, obfuscated: true };
    }
  }
  if (INTERNAL_SUFFIXES.some((sfx) => host.endsWith(sfx)) || host === 'kubernetes.default' || host.startsWith('kubernetes.default.')) return { kind: 'internal-name', obfuscated: false };
  return { kind: 'public', obfuscated: false };
}

interface Target {
  scheme: string;
  authority: string;
  start: number;
  end: number;
}

function urlsIn(s: string, max = 8): Target[] {
  const out: Target[] = [];
  if (s.indexOf('://') < 0) return out;
  // matchAll iterates a copy of the pattern: no shared lastIndex.
  for (const m of s.matchAll(URL_IN_TEXT)) {
    out.push({ scheme: m[1]!.toLowerCase(), authority: m[2]!, start: m.index, end: m.index + m[0].length });
    if (out.length >= max) break;
  }
  return out;
}

const BASE_CONFIDENCE: Readonly<Record<HostClass, number>> = Object.freeze({
  metadata: 0.95, loopback: 0.7, 'link-local': 0.75, private: 0.6, 'internal-name': 0.55, 'wildcard-dns': 0.7, public: 0,
});

/** Best internal target in a value, as (confidence, fragment, kind). */
function internalTarget(v: InspectedValue): { confidence: number; fragment: string; kind: HostClass; path: string } | null {
  if (v.location === 'header') return null;
  const s = v.value;
  let best: { confidence: number; fragment: string; kind: HostClass; path: string } | null = null;
  for (const t of urlsIn(s)) {
    const h = classifyHost(t.authority);
    let c = BASE_CONFIDENCE[h.kind];
    if (c > 0 && h.obfuscated) c = Math.max(c, 0.85);
    const scheme = DANGEROUS_SCHEMES[t.scheme];
    if (scheme !== undefined) c = Math.max(c, scheme) + (c > 0 ? 0.05 : 0);
    // http(s) URLs to internal hosts in a parameter whose name says "URL" are the classic shape.
    if (c > 0 && h.kind !== 'metadata' && scheme === undefined && !h.obfuscated && REDIRECT_PARAM_NAME.test(v.name)) c -= 0.3;
    else if (c > 0 && c < 0.9 && URL_PARAM_NAME.test(v.name)) c += 0.1;
    if (c > 0 && (best === null || c > best.confidence)) best = { confidence: c, fragment: s.slice(t.start, t.end + 60), kind: h.kind, path: s.slice(t.end, t.end + 200) };
  }
  if (best === null && URL_PARAM_NAME.test(v.name) && s.length <= 300) {
    // A bare host in a URL-named parameter: host=127.0.0.1:6379, url=169.254.169.254/latest/meta-data.
    const m = BARE_HOST.exec(s);
    if (m) {
      const h = classifyHost(m[1]!);
      const c = h.kind === 'public' ? 0 : h.kind === 'metadata' ? 0.9 : h.obfuscated ? 0.75 : BASE_CONFIDENCE[h.kind] - 0.1;
      if (c > 0) best = { confidence: c, fragment: s.slice(0, 120), kind: h.kind, path: s.slice(m[1]!.length) };
    }
  }
  return best;
}

export const SSRF_INTERNAL_ADDRESS: PayloadDetector = {
  id: 'ssrf-internal-address',
  title: 'Server-side request forgery to an internal address',
  category: 'ssrf',
  severity: 'high',
  owasp: 'API7:2023',
  cwe: 'CWE-918',
  mitre: 'T1190',
  rationale:
    'A URL parameter (webhook, avatar URL, import from URL, PDF renderer) that points at loopback, private, link-local or cluster-internal addresses makes the server send requests into its own network: admin interfaces, databases with HTTP ports, internal APIs that trust their network. Encoded addresses (`0x7f000001`, `2130706433`, `[::ffff:127.0.0.1]`, `127.0.0.1.nip.io`) and `gopher://`/`dict://` URLs exist only to bypass filters and speak other protocols.',
  remediation:
    'Resolve the host and check the resulting address (not the text) against an allow-list before fetching, on every redirect; block private, loopback, link-local and metadata ranges at the egress proxy; allow only `https`; do not return the fetched content or detailed errors to the caller.',
  gate: CHAR.COLON | CHAR.DOT | CHAR.BRACKET,
  locations: ['path', 'query', 'cookie', 'body', 'body-raw'],
  detect(v: InspectedValue): PayloadMatch | null {
    const t = internalTarget(v);
    if (t === null || t.kind === 'metadata') return null;
    return { confidence: conf(t.confidence), fragment: t.fragment };
  },
};

export const SSRF_CLOUD_METADATA: PayloadDetector = {
  id: 'ssrf-cloud-metadata',
  title: 'Cloud metadata service address in a request',
  category: 'ssrf',
  severity: 'critical',
  owasp: 'API7:2023',
  cwe: 'CWE-918',
  mitre: 'T1552.005',
  rationale:
    'The instance metadata service (`169.254.169.254`, `metadata.google.internal`, `100.100.100.200`) hands out the cloud credentials of the machine to anything that can make it send a request. An SSRF that reaches it turns into access to the cloud account (the Capital One breach). No client has a reason to send its address to an API.',
  remediation:
    'Require IMDSv2 (session tokens, hop limit 1) on AWS and the `Metadata-Flavor` header check on GCP; block the metadata addresses at the egress proxy and in URL validation (after DNS resolution); give instances the least-privileged role; treat a hit as an incident and check the response sizes of the endpoint.',
  gate: CHAR.DOT | CHAR.COLON,
  detect(v: InspectedValue): PayloadMatch | null {
    const t = internalTarget(v);
    if (t !== null && t.kind === 'metadata') {
      const c = METADATA_PATH.test(t.path) ? 0.97 : t.confidence;
      return { confidence: conf(c), fragment: t.fragment };
    }
    // The address on its own (headers included, except where browsers put URLs).
    if (v.location === 'header' && (v.name === 'referer' || v.name === 'origin')) return null;
    const s = v.value;
    const at = s.indexOf('169.254.169.254');
    if (at >= 0) return { confidence: 0.85, fragment: s.slice(Math.max(0, at - 20), at + 60) };
    const g = GCP_METADATA_HOST.exec(s);
    if (g) return { confidence: 0.85, fragment: s.slice(Math.max(0, g.index - 20), g.index + 60) };
    return null;
  },
};
