import type { ApiEvent } from '../contracts/api-event.js';
import type { DataClassHit } from '../contracts/data-class.js';
import { isNoneAlg, type CredentialFacts } from '../redact/credential-facts.js';
import { signal, type EndpointState } from '../aggregate/endpoint-state.js';
import { isCredentialClass } from '../classify/registry.js';

/**
 * Per-event posture signals: counters on the endpoint state that posture rules later turn into findings.
 * Signal keys are `<kind>` or `<kind>:<detail>`; details are names and class ids, never values.
 */

/**
 * Built-in stack-trace and raw-error detectors. They run on attacker-influenced response bodies, so
 * each is a literal `hint` found with `indexOf` plus a pattern anchored at that position and applied to
 * a bounded window: linear by construction, and every pattern passes `redos-detector` (signals.test.ts).
 * `lineStart` detectors only count when the hint starts a line (after indentation), as frames do, also
 * inside JSON strings where lines end in an escaped `\n`.
 */
export interface StackTraceDetector {
  lang: string;
  hint: string;
  pattern: RegExp | null;
  lineStart: boolean;
  /** A literal that must also occur in the window (kept out of the pattern to keep it unambiguous). */
  also?: string;
}

export const STACK_TRACE_DETECTORS: readonly StackTraceDetector[] = [
  { lang: 'java', hint: 'at ', lineStart: true, pattern: /^at [\w$.<>]{1,300}\((?:[\w$-]{1,120}\.(?:java|kt|scala):\d{1,6}|Native Method|Unknown Source)\)/ },
  { lang: 'node', hint: 'at ', lineStart: true, pattern: /^at (?:async )?[^()\s]{1,200} \((?:\/|[A-Za-z]:\\|file:\/\/|node:)[^():\s]{1,300}:\d{1,6}:\d{1,6}\)/ },
  { lang: 'node', hint: 'at ', lineStart: true, pattern: /^at (?:\/|[A-Za-z]:\\|file:\/\/|node:)[^():\s]{1,300}:\d{1,6}:\d{1,6}(?:$|\\n|\s)/ },
  { lang: 'dotnet', hint: 'at ', lineStart: true, pattern: /^at [\w.`<>]{1,300}\([^)]{0,300}\) in /, also: ':line ' },
  { lang: 'python', hint: 'Traceback (most recent call last)', lineStart: false, pattern: null },
  { lang: 'python', hint: 'File "', lineStart: false, pattern: /^File "[^"\n]{1,300}", line \d{1,6}/ },
  { lang: 'php', hint: ' on line ', lineStart: false, pattern: /^ on line \d{1,6}/ },
  { lang: 'go', hint: 'goroutine ', lineStart: true, pattern: /^goroutine \d{1,9} \[running\]:/ },
  { lang: 'ruby', hint: '.rb:', lineStart: false, pattern: /^\.rb:\d{1,6}:in [`'][^'\n]{1,200}'/ },
  { lang: 'sql', hint: 'You have an error in your SQL syntax', lineStart: false, pattern: null },
  { lang: 'sql', hint: 'ORA-', lineStart: false, pattern: /^ORA-\d{5}:/ },
  { lang: 'sql', hint: 'SQLSTATE[', lineStart: false, pattern: /^SQLSTATE\[[0-9A-Z]{5}\]/ },
  { lang: 'sql', hint: 'PG::', lineStart: false, pattern: /^PG::[A-Z][A-Za-z]{1,60}: {1,2}ERROR/ },
  { lang: 'sql', hint: 'SQLite', lineStart: false, pattern: /^SQLite3?::[A-Z][A-Za-z]{1,60}:/ },
];

/** The patterns, for the ReDoS test. */
export const STACK_TRACE_PATTERNS: ReadonlyArray<readonly [string, RegExp]> = STACK_TRACE_DETECTORS.filter((d) => d.pattern).map((d) => [d.lang, d.pattern!] as const);

const MAX_SCAN = 64 * 1024;
const WINDOW = 1200;
const MAX_HITS_PER_HINT = 200;
const PHP_PREFIX = /(?:Fatal error|Parse error|Warning|Notice)<?\/?b?>?: /;

/** Whether only indentation (spaces, tabs, or JSON-escaped `\t`) stands between `pos` and a line start. */
function atLineStart(t: string, pos: number): boolean {
  let i = pos - 1;
  for (let n = 0; n < 40; n++) {
    if (i < 0) return true;
    const c = t.charCodeAt(i);
    if (c === 10 || c === 13) return true;
    if (c === 32 || c === 9) {
      i--;
      continue;
    }
    // JSON-escaped \n, \r or \t: a backslash before n, r or t.
    if ((c === 110 || c === 114 || c === 116) && t.charCodeAt(i - 1) === 92) {
      if (c !== 116) return true;
      i -= 2;
      continue;
    }
    return false;
  }
  return false;
}

export function findStackTrace(text: string): string | null {
  let t = text.length > MAX_SCAN ? text.slice(0, MAX_SCAN) : text;
  // Quotes escaped inside a JSON string (`File \"/srv/app.py\"`) read as plain quotes.
  if (t.includes('\\"')) t = t.replaceAll('\\"', '"');
  for (const d of STACK_TRACE_DETECTORS) {
    let from = 0;
    for (let n = 0; n < MAX_HITS_PER_HINT; n++) {
      const pos = t.indexOf(d.hint, from);
      if (pos < 0) break;
      from = pos + 1;
      if (d.lineStart && !atLineStart(t, pos)) continue;
      if (d.lang === 'php') {
        // `... in /var/www/x.php on line 12` after an error prefix earlier on the same line.
        const lineFrom = Math.max(0, t.lastIndexOf('\n', pos) + 1, pos - WINDOW);
        if (!PHP_PREFIX.test(t.slice(lineFrom, pos))) continue;
      }
      const window = t.slice(pos, pos + WINDOW);
      if (d.also && !window.includes(d.also)) continue;
      if (!d.pattern || d.pattern.test(window)) return d.lang;
    }
  }
  return null;
}


/** Signals every event carries (headers and credential facts only: cheap). */
export function observeHeaderSignals(state: EndpointState, event: ApiEvent, facts: CredentialFacts): void {
  if (facts.kind !== 'none' && event.request.scheme === 'http') signal(state, `credentials-over-http:${facts.kind}`);
  if (facts.kind === 'basic') signal(state, 'basic-auth');
  if (facts.jwt) {
    if (isNoneAlg(facts.jwt.alg)) signal(state, 'jwt-alg-none');
    if (!facts.jwt.hasExp) signal(state, 'jwt-no-exp');
  }
  const res = event.response;
  if (!res) return;
  const h = res.headers;
  const acao = h['access-control-allow-origin'];
  if (acao !== undefined && h['access-control-allow-credentials']?.trim().toLowerCase() === 'true') {
    const origin = event.request.headers.origin;
    if (acao.trim() === '*') signal(state, 'cors-credentials:wildcard');
    else if (origin && acao.trim() === origin.trim() && origin !== 'null') signal(state, 'cors-credentials:reflected');
    else if (acao.trim() === 'null') signal(state, 'cors-credentials:null');
  }
  if (event.request.scheme === 'https' && h['strict-transport-security'] === undefined) signal(state, 'missing-header:strict-transport-security');
  if (res.body?.size && h['x-content-type-options'] === undefined) signal(state, 'missing-header:x-content-type-options');
}

/** Signals from where data classes were found (any event whose request was redacted). */
export function observeHitSignals(state: EndpointState, hits: readonly DataClassHit[], facts: CredentialFacts, pathNames: readonly (string | null)[]): void {
  for (const h of hits) {
    if (h.direction === 'request' && (h.location === 'path' || h.location === 'query')) {
      let name = h.name;
      if (h.location === 'path') {
        const idx = Number(name.replace(/^\//, ''));
        name = (Number.isInteger(idx) ? pathNames[idx] : null) ?? name;
      }
      signal(state, `in-url:${h.dataClass}:${h.location}:${name}`);
    }
    if (h.direction === 'response' && facts.kind === 'none' && !isCredentialClass(h.dataClass)) signal(state, `unauth-response:${h.dataClass}`);
  }
}

/** Signals that need the response body (analysed events only). */
export function observeBodySignals(state: EndpointState, event: ApiEvent): void {
  const body = event.response?.body;
  if (body?.text && body.encoding !== 'base64') {
    const lang = findStackTrace(body.text);
    if (lang) signal(state, `stack-trace:${lang}`);
  }
}
