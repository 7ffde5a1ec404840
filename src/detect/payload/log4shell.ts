import type { InspectedValue } from '../types.js';
import { CHAR, type PayloadDetector, type PayloadMatch } from './detector.js';

/**
 * Log4Shell (CVE-2021-44228 and its variants): Log4j 2 lookups in any value that might be logged.
 * Obfuscation is undone the way Log4j itself would evaluate it, innermost lookup first:
 * `${lower:J}` is `j`, `${upper:n}` is `N`, `${::-j}` and `${env:NOPE:-j}` are their default `j`,
 * `${date:'j'}` is `j`. If the result contains `${jndi:`, it is an exploit attempt. Other lookups
 * (`${env:AWS_SECRET_ACCESS_KEY}`, `${sys:java.version}`) are data-exfiltration probes, scored lower.
 */

export const JNDI_PLAIN = /\$\{jndi:/i;

/** Lookups that exfiltrate data or fingerprint the host when resolved inside a JNDI URL. */
export const LOG4J_LOOKUP = /\$\{(?:env|sys|java|main|ctx|base64|k8s|docker|web|spring|bundle|marker|sd|map|jvmrunargs|log4j|event|hostname|date)\s{0,4}:/i;
/** Most characters and nesting levels evaluated: real payloads are a few hundred characters and a few levels. */
const MAX_LOOKUP_CHARS = 2048;
const MAX_LOOKUP_DEPTH = 16;

/** Evaluate the obfuscation lookups of `s` (see the module comment); unknown lookups stay as written. */
export function resolveLookups(s: string): string {
  const text = s.length > MAX_LOOKUP_CHARS ? s.slice(0, MAX_LOOKUP_CHARS) : s;
  // Text of the enclosing lookups (outermost first) and of the one being read.
  const outer: string[] = [];
  let cur = '';
  let i = 0;
  while (i < text.length) {
    if (text.charCodeAt(i) === 36 && text.charCodeAt(i + 1) === 123 && outer.length < MAX_LOOKUP_DEPTH) {
      outer.push(cur);
      cur = '';
      i += 2;
      continue;
    }
    if (text.charCodeAt(i) === 125 && outer.length > 0) {
      cur = outer.pop()! + evaluate(cur);
      i++;
      continue;
    }
    cur += text[i];
    i++;
  }
  // Unclosed lookups are kept as written.
  while (outer.length > 0) cur = outer.pop()! + '${' + cur;
  return cur;
}

function evaluate(inner: string): string {
  const lower = inner.toLowerCase();
  const colon = lower.indexOf(':');
  const key = colon < 0 ? lower : lower.slice(0, colon);
  if (key === 'jndi') return '${' + inner + '}';
  if (key === 'lower') return inner.slice(colon + 1).toLowerCase();
  if (key === 'upper') return inner.slice(colon + 1).toUpperCase();
  const dflt = inner.indexOf(':-');
  if (dflt >= 0) return inner.slice(dflt + 2);
  if (key === 'date') return inner.slice(colon + 1).replace(/'/g, '');
  return '${' + inner + '}';
}

export const LOG4SHELL_JNDI_LOOKUP: PayloadDetector = {
  id: 'log4shell-jndi-lookup',
  title: 'Log4Shell JNDI lookup',
  category: 'log4shell',
  severity: 'critical',
  owasp: 'API8:2023',
  cwe: 'CWE-917',
  mitre: 'T1190',
  rationale:
    'Log4j 2 before 2.15 evaluates `${jndi:ldap://…}` in any logged string and loads a Java class from the attacker\'s server: remote code execution from a user agent, a header or a form field, on the API or on any system that logs what it forwards. Scanning for it never stopped, with obfuscated variants (`${${lower:j}ndi:…}`, `${${::-j}ndi:…}`) that defeat naive filters.',
  remediation:
    'Upgrade Log4j to 2.17.1 or later everywhere (including vendored copies in third-party products), or remove the `JndiLookup` class; set `log4j2.formatMsgNoLookups=true` on older 2.x as a stop-gap; block outbound LDAP/RMI from servers; check the hosts that logged the request for callbacks to the URL in the evidence.',
  gate: CHAR.DOLLAR,
  gateAlso: CHAR.BRACE,
  detect(v: InspectedValue): PayloadMatch | null {
    const s = v.value;
    const at = s.indexOf('${');
    if (at < 0) return null;
    const resolved = resolveLookups(s);
    const j = resolved.toLowerCase().indexOf('${jndi:');
    if (j >= 0) {
      // Evidence: the lookup as sent when it is plain, else the obfuscated text and what it resolves to.
      const raw = JNDI_PLAIN.exec(s);
      const frag = raw ? s.slice(raw.index, raw.index + 120) : `${s.slice(at, at + 80)} => ${resolved.slice(j, j + 60)}`;
      return { confidence: 0.97, fragment: frag };
    }
    const l = LOG4J_LOOKUP.exec(s);
    if (l) return { confidence: 0.6, fragment: s.slice(l.index, l.index + 80) };
    return null;
  },
};
