import type { InspectedValue } from '../types.js';
import { CHAR, conf, type PayloadDetector, type PayloadMatch } from './detector.js';

/**
 * Line-break injection, in two detectors that look at what follows the line break:
 * - `crlf-header-injection`: an HTTP header line (`\r\nSet-Cookie: …`, `\nLocation: …`) or a second response
 *   (`\r\n\r\n<html>`, `HTTP/1.1 200`) after a CR/LF: response splitting, header and cookie injection. Also
 *   `Set-Cookie:` glued into a parameter where a filter removed the line break.
 * - `logforge-injected-line`: a line that imitates a log entry (`\nERROR: user admin logged in`,
 *   `\n2024-01-01 12:00:00 INFO …`, `\n[WARN] …`): fake log entries that hide an attack or frame a user.
 *   ANSI escape sequences, which rewrite what a terminal shows of a log, count too.
 * Free-text body fields hold line breaks legitimately, so there only the clearest shapes count; raw bodies
 * (XML, text) are not read.
 */

/** Response headers an attacker sets by splitting: cookies, redirects, content type, caching, CORS. */
export const INJECTED_HEADER = /^[ \t]{0,4}(set-cookie|location|content-type|content-length|content-disposition|transfer-encoding|refresh|cache-control|access-control-allow-[a-z-]{1,20}|x-xss-protection|content-security-policy|x-frame-options|link|host|cookie|x-forwarded-[a-z-]{1,20}|status)[ \t]{0,4}:/i;
/** Any header-shaped line: `X-Anything: value`. */
export const HEADER_LINE = /^[ \t]{0,4}[A-Za-z][A-Za-z0-9]{0,30}-[A-Za-z0-9-]{1,40}[ \t]{0,4}:[ \t]{0,4}\S/;
export const SECOND_RESPONSE = /^(?:HTTP\/[0-9.]{1,4}\s{1,4}\d{3}|\s{0,8}<(?:html|script|body|head|!doctype|svg|iframe))/i;
export const GLUED_SET_COOKIE = /set-cookie\s{0,4}:\s{0,4}[^=\s;]{1,64}=/i;

/** Log shapes: level words, time stamps, syslog and access-log prefixes, audit-like sentences. */
export const LOG_LEVEL_LINE = /^[ \t]{0,8}\[?(?:info|warn|warning|error|err|debug|trace|fatal|critical|crit|notice|alert|emerg|severe|audit|security)\]?(?:[ \t]{0,4}[:\]-]|[ \t]{1,4}[^\s:\]-])/i;
export const LOG_TAG_LINE = /^[ \t]{0,8}\[?[A-Z][A-Z_]{2,19}(?: [A-Z][A-Z_]{1,19}){0,2}\]?[ \t]{0,4}:[ \t]{0,4}\S/;
/** `Word: text` after a line break, where no line break belongs (parameters, headers, cookies). */
export const LOG_GENERIC_LINE = /^[ \t]{0,8}[A-Za-z][A-Za-z_]{1,20}(?: [A-Za-z_]{1,20}){0,2}:[ \t]{1,4}\S/;
export const LOG_TIMESTAMP_LINE = /^[ \t]{0,8}\[?(?:\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\d{1,2}\/[A-Za-z]{3}\/\d{4}:\d{2}:\d{2}|[A-Z][a-z]{2} {1,2}\d{1,2} \d{2}:\d{2}:\d{2}|\d{2}:\d{2}:\d{2}[.,]\d{3})/;
export const LOG_CLF_LINE = /^[ \t]{0,8}\d{1,3}(?:\.\d{1,3}){3} - \S{1,64} \[/;
/** Audit-like sentences: a subject at the start (`user admin`, `login`) and an outcome later in the line (`logged in`, `failed`). */
export const LOG_AUDIT_SUBJECT = /^[ \t]{0,8}(?:user|login|logon|auth[a-z]{0,12}|session|admin)\b/i;
export const LOG_AUDIT_OUTCOME = /\b(?:logged (?:in|out)|succeeded|successful|failed|granted|denied|authenticated|created|deleted)\b/i;
export const ANSI_ESCAPE = /\u001b\[[0-9;]{0,12}[A-Za-z]|\u001b\][0-9]{1,4};/;

/** Lines after each line break in `s` (at most 16), with the break's offset. */
function linesAfterBreaks(s: string): Array<{ at: number; line: string; blankBefore: boolean }> {
  const out: Array<{ at: number; line: string; blankBefore: boolean }> = [];
  let i = 0;
  while (i < s.length && out.length < 16) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x85 || c === 0x2028 || c === 0x2029) {
      let j = i + 1;
      let breaks = 1;
      while (j < s.length && (s.charCodeAt(j) === 10 || s.charCodeAt(j) === 13)) {
        if (s.charCodeAt(j) === 10) breaks++;
        j++;
      }
      let e = j;
      while (e < s.length && e - j < 300 && s.charCodeAt(e) !== 10 && s.charCodeAt(e) !== 13) e++;
      out.push({ at: i, line: s.slice(j, e), blankBefore: breaks >= 2 });
      i = e;
      continue;
    }
    i++;
  }
  return out;
}

/**
 * Whether a body value is free text (a message, a description, a document), where line breaks are normal: its
 * first line has a space, or it has more than three lines, or it is long. A short value whose first line is a
 * single token (`bob\nINFO: admin logged in` in a user-name field) is a field with a forged line.
 */
function isFreeText(v: InspectedValue): boolean {
  if (v.location !== 'body') return false;
  const s = v.value;
  if (s.length > 300) return true;
  let lines = 1;
  let firstLine = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10) {
      lines++;
      firstLine = false;
    } else if (firstLine && (c === 32 || c === 9)) {
      return true;
    }
  }
  return lines > 3;
}

function hasBreak(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x85 || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

export const CRLF_HEADER_INJECTION: PayloadDetector = {
  id: 'crlf-header-injection',
  title: 'CRLF injection (HTTP header or response splitting)',
  category: 'crlf-injection',
  severity: 'medium',
  owasp: 'API8:2023',
  cwe: 'CWE-113',
  mitre: 'T1190',
  rationale:
    'A carriage return and line feed followed by a header line lets a value that is echoed into a response header (a redirect target, a file name, a cookie value) add headers of its own: cookies planted in the victim\'s browser (session fixation), redirects, cache poisoning, or a whole second response carrying script.',
  remediation:
    'Reject or strip CR and LF (and their encodings) in every value written into a header; use the framework\'s header APIs, which refuse them in current versions; encode file names in Content-Disposition (RFC 6266); never reflect request values into Location without validating them as URLs.',
  gate: CHAR.NEWLINE | CHAR.CONTROL | CHAR.NON_ASCII | CHAR.COLON,
  detect(v: InspectedValue): PayloadMatch | null {
    if (v.location === 'body-raw') return null;
    const s = v.value;
    const freeText = isFreeText(v);
    let best = 0;
    let frag = '';
    if (hasBreak(s)) {
      for (const { at, line, blankBefore } of linesAfterBreaks(s)) {
        let c = 0;
        if (INJECTED_HEADER.test(line)) c = freeText ? 0.7 : 0.9;
        else if (SECOND_RESPONSE.test(line) && (blankBefore || line.startsWith('HTTP/'))) c = 0.85;
        else if (HEADER_LINE.test(line)) c = freeText ? 0.3 : 0.7;
        if (c > best) {
          best = c;
          frag = s.slice(Math.max(0, at - 20), at + 2 + line.length);
        }
      }
    }
    if (best < 0.6 && v.location !== 'header') {
      const g = GLUED_SET_COOKIE.exec(s);
      if (g) {
        best = 0.6;
        frag = s.slice(Math.max(0, g.index - 20), g.index + 80);
      }
    }
    return best > 0 ? { confidence: conf(best), fragment: frag } : null;
  },
};

export const LOGFORGE_INJECTED_LINE: PayloadDetector = {
  id: 'logforge-injected-line',
  title: 'Log forging (fake log entry)',
  category: 'log-forging',
  severity: 'medium',
  owasp: 'API8:2023',
  cwe: 'CWE-117',
  mitre: 'T1565.001',
  rationale:
    'Applications write request values into plain-text logs. A value with a line break followed by something shaped like a log entry (a level, a time stamp, "user admin logged in") adds a fake entry: it hides an attack among invented noise, frames another user, or feeds false events to alerting. Terminal escape sequences rewrite what an operator sees when reading the log.',
  remediation:
    'Log structured data (JSON with the value as a field) instead of concatenated lines; otherwise encode CR, LF and control characters in logged values (OWASP: neutralise before logging); validate that identifiers, ids and codes contain no control characters at the API boundary.',
  gate: CHAR.NEWLINE | CHAR.CONTROL | CHAR.NON_ASCII,
  detect(v: InspectedValue): PayloadMatch | null {
    if (v.location === 'body-raw') return null;
    const s = v.value;
    const freeText = isFreeText(v);
    let best = 0;
    let frag = '';
    if (hasBreak(s)) {
      for (const { at, line } of linesAfterBreaks(s)) {
        let c = 0;
        // Pasted logs in a bug report are free text; the same lines in a parameter are forged entries.
        if (LOG_TIMESTAMP_LINE.test(line) || LOG_CLF_LINE.test(line)) c = freeText ? 0.45 : 0.85;
        else if (LOG_LEVEL_LINE.test(line)) c = freeText ? 0.4 : 0.85;
        else if (LOG_TAG_LINE.test(line)) c = freeText ? 0.35 : 0.8;
        else if (LOG_AUDIT_SUBJECT.test(line) && LOG_AUDIT_OUTCOME.test(line.slice(0, 100))) c = freeText ? 0.45 : 0.75;
        else if (!freeText && LOG_GENERIC_LINE.test(line)) c = 0.65;
        if (c > best) {
          best = c;
          frag = s.slice(Math.max(0, at - 20), at + 1 + line.length);
        }
      }
    }
    if (best < 0.7) {
      const a = ANSI_ESCAPE.exec(s);
      if (a) {
        best = 0.7;
        frag = s.slice(Math.max(0, a.index - 20), a.index + 40);
      }
    }
    return best > 0 ? { confidence: conf(best), fragment: frag } : null;
  },
};
