import type { InspectedValue } from '../types.js';
import { CHAR, conf, type PayloadDetector, type PayloadMatch } from './detector.js';

/**
 * Path traversal and file inclusion, on decoded values (so `%2e%2e%2f`, `%252e%252e%252f`, `..%c0%af` and
 * `%u002e%u002e/` arrive here as `../`):
 * - `traversal-dot-segments`: `../` or `..\` path segments climbing out of a directory, including filter
 *   bypasses (`....//`, `..;/`, `.../`), scored by how far they climb and whether a system file follows;
 * - `traversal-sensitive-file`: names of files attackers read to prove access (`/etc/passwd`, `win.ini`,
 *   `/proc/self/environ`, `WEB-INF/web.xml`);
 * - `traversal-file-wrapper`: stream wrappers and file URLs that turn an include or fetch into a local read
 *   or code execution (`php://filter`, `phar://`, `file:///`, `expect://`).
 */

/** Files read to prove a traversal works, and files whose content is itself a compromise. */
export const SENSITIVE_FILE =
  /(?:^|[\\/=:])(?:etc[\\/](?:passwd|shadow|group|hosts|issue|hostname|sudoers|crontab|fstab|master\.passwd)|proc[\\/](?:self|\d{1,7})[\\/](?:environ|cmdline|maps|status|fd)|proc[\\/]version|(?:windows|winnt)[\\/](?:win\.ini|system\.ini|system32[\\/](?:drivers[\\/]etc[\\/]hosts|config[\\/]sam|cmd\.exe))|win\.ini|boot\.ini|web-inf[\\/]web\.xml|\.ssh[\\/](?:id_rsa|id_dsa|id_ecdsa|id_ed25519|authorized_keys)|\.aws[\\/]credentials|\.bash_history|\.htpasswd|var[\\/]log[\\/](?:apache2?|httpd|nginx)[\\/](?:access|error)[._]log|(?:inetpub|xampp)[\\/]|\.git[\\/]config)(?![\w.])/i;
/** Stream wrappers and file URLs. */
export const FILE_WRAPPER = /\b(?:php:\/\/(?:filter|input|stdin|memory|temp|fd)|(?:phar|zip|expect|glob|ogg|rar|ssh2\.(?:shell|exec|tunnel|sftp|scp)):\/\/|data:\/\/|jar:(?:file|https?):|netdoc:\/|file:\/\/)/i;
/** What follows `file://` when it reads the local system: `/etc/…`, `localhost/…`, `/C:/…`, `/proc/…`. */
export const SYSTEM_FILE_URL = /^(?:localhost)?\/{1,2}(?:etc|proc|root|home|var|usr|boot|windows|winnt|[a-z]:|%[0-9a-f]{2})/i;
/** Directories a traversal is climbing towards when it names them right after the dots. */
export const SYSTEM_ROOTS = /^(?:etc|proc|windows|winnt|boot|root|var|usr|home|bin|sys|dev|tmp|system32|inetpub|web-inf|\.ssh|\.aws)(?:[\\/]|$)/i;

interface Climb {
  segments: number;
  start: number;
  end: number;
}

/**
 * Count `..` segments: `..` (or a filter bypass `....`, `...`, `..;`) preceded by the start or a separator
 * and followed by `/` or `\`. "Wait... /" is prose: the dots do not start a segment.
 */
function countClimb(s: string): Climb {
  let segments = 0;
  let start = -1;
  let end = 0;
  let i = s.indexOf('..');
  while (i >= 0) {
    const before = i === 0 ? 47 : s.charCodeAt(i - 1);
    let j = i + 2;
    while (j < s.length && j - i < 4 && s.charCodeAt(j) === 46) j++;
    if (s.charCodeAt(j) === 59) j++;
    const after = s.charCodeAt(j);
    const segStart = before === 47 || before === 92 || before === 61 || before === 58 || before === 32 || before === 34 || before === 39 || before === 0;
    if (segStart && (after === 47 || after === 92 || (j >= s.length && segments > 0))) {
      segments++;
      if (start < 0) start = i;
      end = j + 1;
    }
    i = s.indexOf('..', j);
  }
  return { segments, start, end };
}

export const TRAVERSAL_DOT_SEGMENTS: PayloadDetector = {
  id: 'traversal-dot-segments',
  title: 'Path traversal',
  category: 'path-traversal',
  severity: 'high',
  owasp: 'API8:2023',
  cwe: 'CWE-22',
  mitre: 'T1083',
  rationale:
    'A file name or path with `../` segments escapes the directory the application meant to serve from (downloads, templates, uploads, report exports) and reads or overwrites files elsewhere: configuration with credentials, source code, keys. Encoded and filter-bypassing forms (`%2e%2e%2f`, `..%c0%af`, `....//`) exist only to get past naive checks.',
  remediation:
    'Never build file paths from request values: map an id to a file on the server side. Where a name is needed, allow-list its characters, resolve the full path (`path.resolve`) and check it stays under the base directory after resolution, on the decoded value. Serve files with a user that cannot read outside that directory.',
  gate: CHAR.DOT,
  detect(v: InspectedValue): PayloadMatch | null {
    const s = v.value;
    if (s.indexOf('..') < 0) return null;
    const climb = countClimb(s);
    if (climb.segments === 0) return null;
    const rest = s.slice(climb.end);
    const system = SYSTEM_ROOTS.test(rest) || SENSITIVE_FILE.test(s.slice(Math.max(0, climb.end - 1)));
    let c = climb.segments >= 3 ? 0.85 : climb.segments === 2 ? 0.7 : 0.45;
    // Relative links in free text (`[setup](../../guide/setup.md)` in a document body) climb too.
    if (v.location === 'body' && s.indexOf(' ') >= 0) c -= 0.25;
    if (system) c = Math.max(c + 0.1, 0.85);
    // A NUL byte cuts the file name a filter checked (`../../etc/passwd%00.png`).
    if (s.indexOf('\u0000', climb.end) >= 0) c += 0.05;
    return { confidence: conf(c), fragment: s.slice(climb.start, Math.min(s.length, climb.end + 60)) };
  },
};

export const TRAVERSAL_SENSITIVE_FILE: PayloadDetector = {
  id: 'traversal-sensitive-file',
  title: 'Sensitive system file requested',
  category: 'path-traversal',
  severity: 'high',
  owasp: 'API8:2023',
  cwe: 'CWE-22',
  mitre: 'T1005',
  rationale:
    'Values naming `/etc/passwd`, `win.ini`, `/proc/self/environ`, private SSH keys or cloud credential files are how attackers test and use file disclosure, local file inclusion and XXE: the files exist on every system of a kind, and some of them hold secrets outright. No legitimate API client sends them as parameters.',
  remediation:
    'Treat as an attempted file disclosure: check the endpoint for path traversal or file inclusion (see traversal-dot-segments), confirm from the response whether the file was returned, and rotate any credentials whose files are readable by the service.',
  gate: CHAR.SLASH | CHAR.BSLASH | CHAR.DOT,
  gateAlso: CHAR.LETTER,
  detect(v: InspectedValue): PayloadMatch | null {
    const s = v.value;
    const m = SENSITIVE_FILE.exec(s);
    if (m === null) return null;
    // The request path `/etc/passwd` (a probe) counts less than a parameter naming the file.
    const c = v.location === 'path' ? 0.7 : 0.85;
    return { confidence: c, fragment: s.slice(Math.max(0, m.index - 20), m.index + m[0].length) };
  },
};

export const TRAVERSAL_FILE_WRAPPER: PayloadDetector = {
  id: 'traversal-file-wrapper',
  title: 'File inclusion through a stream wrapper',
  category: 'path-traversal',
  severity: 'high',
  owasp: 'API8:2023',
  cwe: 'CWE-98',
  mitre: 'T1190',
  rationale:
    'Stream wrappers (`php://filter/convert.base64-encode/resource=`, `phar://`, `expect://`, `zip://`) and `file://` URLs in a value turn a file include, an image fetch or a URL preview into a read of local files or into code execution. They have no use in API parameters.',
  remediation:
    'Do not pass request values to include/require, `file_get_contents`, `fopen` or URL fetchers; allow-list schemes (`https` only) where a URL is expected; disable unused wrappers (`allow_url_include=Off`, `stream_wrapper_unregister`).',
  gate: CHAR.COLON,
  detect(v: InspectedValue): PayloadMatch | null {
    const s = v.value;
    const m = FILE_WRAPPER.exec(s);
    if (m === null) return null;
    const w = m[0].toLowerCase();
    // file:// to a share or a document is an intranet link; to a system path it is a local read.
    const fileTarget = s.slice(m.index + m[0].length, m.index + m[0].length + 40);
    const c = w.startsWith('file:') ? (SYSTEM_FILE_URL.test(fileTarget) ? 0.9 : 0.45) : w.startsWith('data:') ? 0.7 : 0.9;
    return { confidence: c, fragment: s.slice(m.index, m.index + 100) };
  },
};
