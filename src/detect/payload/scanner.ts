import type { InspectedValue } from '../types.js';
import { CHAR, type PayloadDetector, type PayloadMatch } from './detector.js';

/**
 * Known scanners and automation, by what they announce:
 * - `scanner-user-agent`: the user agents and marker headers of attack tools (sqlmap, Nikto, Nuclei, Acunetix,
 *   Burp, wfuzz, DirBuster, zgrab, masscan…) at high confidence; generic HTTP libraries (python-requests,
 *   curl, Go-http-client) at low confidence, since API clients legitimately use them.
 * - `scanner-oast-domain`: out-of-band testing domains (Burp Collaborator, interactsh, dnslog…) in any value:
 *   a blind injection payload waiting for a callback.
 * - `scanner-probe-path`: request paths only scanners ask for: backup and editor copies (`index.jsp.bak`,
 *   `~`), version-control and configuration files (`.git/config`, `.env`), legacy server probes (`_vti_pvt`,
 *   `iisadmpwd`).
 */

/** [marker, tool, confidence]; markers are lower-case substrings of the user agent. */
const TOOL_AGENTS: ReadonlyArray<readonly [string, string, number]> = [
  ['sqlmap', 'sqlmap', 0.95], ['nikto', 'Nikto', 0.95], ['nuclei', 'Nuclei', 0.95], ['acunetix', 'Acunetix', 0.95],
  ['netsparker', 'Netsparker', 0.95], ['invicti', 'Invicti', 0.9], ['burp', 'Burp Suite', 0.8], ['wfuzz', 'wfuzz', 0.95],
  ['dirbuster', 'DirBuster', 0.95], ['gobuster', 'gobuster', 0.95], ['feroxbuster', 'feroxbuster', 0.95],
  ['fuzz faster u fool', 'ffuf', 0.95], ['ffuf', 'ffuf', 0.9], ['zgrab', 'zgrab', 0.9], ['masscan', 'masscan', 0.95],
  ['nmap scripting engine', 'Nmap', 0.95], ['nmap', 'Nmap', 0.8], ['owasp zap', 'OWASP ZAP', 0.9], ['zaproxy', 'OWASP ZAP', 0.9],
  ['w3af', 'w3af', 0.95], ['arachni', 'Arachni', 0.95], ['skipfish', 'skipfish', 0.95], ['wpscan', 'WPScan', 0.95],
  ['joomscan', 'JoomScan', 0.95], ['whatweb', 'WhatWeb', 0.8], ['openvas', 'OpenVAS', 0.9], ['nessus', 'Nessus', 0.9],
  ['qualys', 'Qualys', 0.8], ['commix', 'commix', 0.95], ['hydra', 'THC Hydra', 0.85], ['jaeles', 'Jaeles', 0.9],
  ['xray', 'xray', 0.6], ['dirb', 'dirb', 0.85], ['paros', 'Paros', 0.9], ['webinspect', 'WebInspect', 0.9],
  ['appscan', 'AppScan', 0.9], ['havij', 'Havij', 0.95], ['morfeus', 'Morfeus', 0.95], ['zmeu', 'ZmEu', 0.95],
  ['censysinspect', 'Censys', 0.6], ['interactsh', 'interactsh', 0.9], ['httpx - open-source', 'httpx', 0.7],
  ['sqlninja', 'sqlninja', 0.95], ['pangolin', 'Pangolin', 0.9], ['grabber', 'Grabber', 0.8], ['vega/', 'Vega', 0.85],
  ['brutus', 'Brutus', 0.85], ['metasploit', 'Metasploit', 0.9], ['l9explore', 'LeakIX', 0.8], ['fimap', 'fimap', 0.95],
];
/** Generic clients: scripts and integrations, not necessarily hostile. */
const CLIENT_AGENTS: ReadonlyArray<readonly [string, string, number]> = [
  ['python-requests', 'python-requests', 0.25], ['python-urllib', 'Python urllib', 0.25], ['python-httpx', 'python httpx', 0.2],
  ['aiohttp', 'aiohttp', 0.2], ['go-http-client', 'Go net/http', 0.2], ['curl/', 'curl', 0.2], ['wget/', 'Wget', 0.25],
  ['libwww-perl', 'libwww-perl', 0.3], ['lwp::simple', 'LWP', 0.3], ['java/', 'Java HTTP client', 0.2], ['apache-httpclient', 'Apache HttpClient', 0.15],
  ['okhttp', 'OkHttp', 0.1], ['scrapy', 'Scrapy', 0.35], ['httpie', 'HTTPie', 0.15], ['powershell', 'PowerShell', 0.25], ['headlesschrome', 'Headless Chrome', 0.3],
  ['phantomjs', 'PhantomJS', 0.3],
];
const escapeMarker = (m: string) => m.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const TOOL_BY_MARKER = new Map(TOOL_AGENTS.map((t) => [t[0], t] as const));
const CLIENT_BY_MARKER = new Map(CLIENT_AGENTS.map((t) => [t[0], t] as const));
/**
 * One pass over the user agent for all tool markers (longest first, so "nmap scripting engine" wins over
 * "nmap"); short markers must be whole words ("dirb" is not in "dirbuster", "nmap" not in "unmapped").
 */
export const TOOL_AGENT_PATTERN = new RegExp(
  `(?<![a-z])(${[...TOOL_AGENTS].sort((a, b) => b[0].length - a[0].length).map((t) => escapeMarker(t[0])).join('|')})(?![a-z])`,
  'i',
);
export const CLIENT_AGENT_PATTERN = new RegExp(`(${[...CLIENT_AGENTS].sort((a, b) => b[0].length - a[0].length).map((t) => escapeMarker(t[0])).join('|')})`, 'i');

/** Headers only scanners send. */
const TOOL_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'acunetix-aspect': 'Acunetix', 'acunetix-aspect-password': 'Acunetix', 'acunetix-aspect-queries': 'Acunetix', 'acunetix-product': 'Acunetix',
  'x-wipp': 'WebInspect', 'x-scan-memo': 'WebInspect', 'x-request-memo': 'WebInspect', 'x-wvs-id': 'Acunetix', 'x-scanner': 'scanner',
  'x-ffuf': 'ffuf', 'x-nuclei': 'Nuclei', 'x-bug-bounty': 'bug bounty researcher', 'x-hackerone': 'HackerOne researcher',
});

/** Callback domains of out-of-band testing services (the label before them is the test's unique id). */
export const OAST_DOMAIN =
  /(burpcollaborator\.net|oastify\.com|oast\.(?:pro|live|site|online|fun|me)|interact\.sh|interactsh\.com|dnslog\.(?:cn|link)|ceye\.io|requestbin\.(?:net|com)|canarytokens\.com|bxss\.me|xss\.ht|xss\.report|eyes\.sh|dnsbin\.zhack\.ca|r87\.me|webhook\.site|pipedream\.net|ngrok\.io|ngrok-free\.app|requestcatcher\.com|postb\.in|beeceptor\.com)(?![a-z0-9-])/i;
const OAST_CONFIDENCE: Readonly<Record<string, number>> = Object.freeze({
  'webhook.site': 0.45, 'pipedream.net': 0.4, 'ngrok.io': 0.35, 'ngrok-free.app': 0.35, 'requestcatcher.com': 0.45, 'postb.in': 0.45,
  'beeceptor.com': 0.35, 'requestbin.com': 0.45, 'requestbin.net': 0.5,
});

/** Extensions of backup, editor and source copies of files (`.bak`, `.old`, `.swp`), lower-case. */
const BACKUP_EXTENSIONS: Readonly<Record<string, number>> = Object.freeze({
  bak: 0.6, backup: 0.6, bkp: 0.6, old: 0.6, orig: 0.6, save: 0.6, sav: 0.6, swp: 0.6, swo: 0.6, tmp: 0.45, temp: 0.45,
  copy: 0.45, inc: 0.55, java: 0.55, class: 0.45, dist: 0.45, 'un~': 0.6,
});
/**
 * Path segments that exist to be probed: VCS and config files, legacy IIS/FrontPage and Domino probes, debug
 * handlers. Matched per segment (the inspected path values are segments).
 */
export const PROBE_SEGMENT =
  /^(?:\.git|\.svn|\.hg|\.bzr|\.env(?:\.[a-z]{1,12})?|\.ds_store|\.htaccess|\.htpasswd|\.aws|\.ssh|\.bash_history|\.vscode|\.idea|wp-config\.php|phpinfo\.php|_vti_(?:bin|pvt|cnf|log|txt|script|inf(?:\.html?)?)|iisadmpwd|iissamples|iisadmin|msadc|(?:root|cmd)\.exe|test-cgi|phf|[a-z0-9_-]{1,40}\.nsf|server-status|server-info|web\.config|web-inf|meta-inf|heapdump|jolokia|id_rsa|phpmyadmin|adminer\.php|sftp-config\.json|elmah\.axd|trace\.axd|\.well-known\.bak)$/i;

export const SCANNER_USER_AGENT: PayloadDetector = {
  id: 'scanner-user-agent',
  title: 'Known scanner or automation client',
  category: 'scanner',
  severity: 'low',
  owasp: 'API8:2023',
  cwe: 'CWE-200',
  mitre: 'T1595.002',
  rationale:
    'Attack tools announce themselves unless told otherwise: sqlmap, Nikto, Nuclei, Acunetix and others put their name in the User-Agent or send marker headers. A request from one means someone is actively testing the API for vulnerabilities, authorised or not. Generic HTTP libraries (python-requests, curl, Go) are how scripts and scrapers talk to APIs; they are reported at low confidence as context for other detections.',
  remediation:
    'Check whether the scan is authorised (a pentest window, the team\'s own DAST in CI). If not, block or rate-limit the source, review what the scan hit (the other detections of the same actor), and prioritise fixes for anything it found. Do not rely on user agents for blocking: they are trivially changed.',
  gate: CHAR.LETTER,
  locations: ['header'],
  // A header-name lookup; the agent patterns run only on the user-agent headers.
  cheap: true,
  detect(v: InspectedValue): PayloadMatch | null {
    if (v.location !== 'header') return null;
    const tool = TOOL_HEADERS[v.name];
    if (tool !== undefined) return { confidence: 0.9, fragment: `${v.name}: ${v.value.slice(0, 80)} (${tool})` };
    if (v.name !== 'user-agent' && v.name !== 'x-user-agent' && v.name !== 'from') return null;
    const ua = v.value.length > 512 ? v.value.slice(0, 512) : v.value;
    const t = TOOL_AGENT_PATTERN.exec(ua);
    if (t) {
      const [, name, c] = TOOL_BY_MARKER.get(t[1]!.toLowerCase())!;
      return { confidence: c, fragment: `${v.value.slice(0, 120)} (${name})` };
    }
    const g = CLIENT_AGENT_PATTERN.exec(ua);
    if (g) {
      const [, name, c] = CLIENT_BY_MARKER.get(g[1]!.toLowerCase())!;
      return { confidence: c, fragment: `${v.value.slice(0, 120)} (${name})` };
    }
    return null;
  },
};

export const SCANNER_OAST_DOMAIN: PayloadDetector = {
  id: 'scanner-oast-domain',
  title: 'Out-of-band testing domain in a request',
  category: 'scanner',
  severity: 'medium',
  owasp: 'API8:2023',
  cwe: 'CWE-74',
  mitre: 'T1595.002',
  rationale:
    'Blind injection testing (SSRF, XXE, Log4Shell, command and SQL injection without visible output) plants a unique host name under a callback service (Burp Collaborator, interactsh, dnslog) and waits for the server to resolve it. Such a domain in a parameter or header is a test payload: the surrounding value shows which injection was tried.',
  remediation:
    'Find which value carried the domain and which injection it was wrapped in (the same request usually has another detection), check DNS and egress logs for lookups of that host (a lookup proves the injection works), and fix the endpoint accordingly. Block egress to these services from servers.',
  gate: CHAR.DOT,
  detect(v: InspectedValue): PayloadMatch | null {
    const s = v.value;
    const m = OAST_DOMAIN.exec(s);
    if (m === null) return null;
    // A domain boundary before it: `x.oastify.com`, `//oastify.com`; not `notoastify.com`.
    const before = m.index === 0 ? 46 : s.charCodeAt(m.index - 1);
    const label = (before >= 97 && before <= 122) || (before >= 65 && before <= 90) || (before >= 48 && before <= 57) || before === 45;
    if (label) return null;
    const domain = m[1]!.toLowerCase();
    return { confidence: OAST_CONFIDENCE[domain] ?? 0.85, fragment: s.slice(Math.max(0, m.index - 40), m.index + m[0].length + 20) };
  },
};

export const SCANNER_PROBE_PATH: PayloadDetector = {
  id: 'scanner-probe-path',
  title: 'Scanner probe for backup, source or configuration files',
  category: 'scanner',
  severity: 'low',
  owasp: 'API9:2023',
  cwe: 'CWE-530',
  mitre: 'T1595.003',
  rationale:
    'Requests for backup and editor copies (`orders.jsp.bak`, `index.php~`), version-control metadata (`.git/config`), environment files (`.env`) and legacy server probes (`_vti_pvt`, `iisadmpwd`, `*.nsf`) come from wordlist scanners looking for forgotten files that leak source code and credentials. Clients of an API never ask for them.',
  remediation:
    'Make sure the probed files do not exist in the deployed artefact (build from a clean tree, exclude `.git`, `.env` and backups), deny dot-files and backup extensions at the web server, and review the rest of the actor\'s traffic for what else was tried.',
  gate: CHAR.DOT | CHAR.LETTER,
  locations: ['path'],
  // One anchored pattern and an extension lookup on one path segment.
  cheap: true,
  detect(v: InspectedValue): PayloadMatch | null {
    if (v.location !== 'path' || v.name === '*') return null;
    const s = v.value;
    const p = PROBE_SEGMENT.exec(s);
    if (p) return { confidence: 0.7, fragment: s.slice(0, 160) };
    // An editor's backup (`index.jsp~`) or a copy with a backup extension (`orders.jsp.bak`).
    if (s.length > 1 && s.charCodeAt(s.length - 1) === 126) return { confidence: 0.6, fragment: s.slice(0, 160) };
    const dot = s.lastIndexOf('.');
    if (dot > 0 && s.length - dot <= 8) {
      const c = BACKUP_EXTENSIONS[s.slice(dot + 1).toLowerCase()];
      if (c !== undefined) return { confidence: c, fragment: s.slice(0, 160) };
    }
    return null;
  },
};
