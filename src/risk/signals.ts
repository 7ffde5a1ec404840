import type { ApiEvent } from '../contracts/api-event.js';
import type { DataClassHit } from '../contracts/data-class.js';
import type { CredentialFacts } from '../redact/credential-facts.js';
import { signal, type EndpointState } from '../aggregate/endpoint-state.js';

/**
 * Per-event posture signals: counters on the endpoint state that posture rules later turn into findings.
 * Signal keys are `<kind>` or `<kind>:<detail>`; details are names and class ids, never values.
 */

/** Built-in stack-trace and raw-error patterns. Bounded quantifiers only: they run on response bodies. */
export const STACK_TRACE_PATTERNS: ReadonlyArray<readonly [string, RegExp]> = [
  ['java', /\bat [\w$.<>]{1,300}\((?:[\w$-]{1,120}\.(?:java|kt|scala):\d{1,6}|Native Method|Unknown Source)\)/],
  ['node', /\bat [^\n()]{0,200}\(?(?:\/|[A-Za-z]:\\|file:\/\/|node:)[^\n():]{1,300}:\d{1,6}:\d{1,6}\)?/],
  ['python', /Traceback \(most recent call last\)|File "[^"\n]{1,300}", line \d{1,6}/],
  ['dotnet', /\bat [\w.`<>]{1,300}\([^)\n]{0,300}\) in [^\n]{1,300}:line \d{1,6}/],
  ['php', /(?:Fatal error|Parse error|Warning|Notice): [^\n]{1,300} in \/[^\n ]{1,300} on line \d{1,6}/],
  ['go', /goroutine \d{1,9} \[running\]:/],
  ['ruby', /\.rb:\d{1,6}:in [`'][^\n]{1,200}'/],
  ['sql', /You have an error in your SQL syntax|ORA-\d{5}:|SQLSTATE\[[0-9A-Z]{5}\]|PG::[A-Z][A-Za-z]{1,60}Error|SQLite3?::[A-Z][A-Za-z]{1,60}Exception/],
];

const MAX_SCAN = 64 * 1024;

export function findStackTrace(text: string): string | null {
  const t = text.length > MAX_SCAN ? text.slice(0, MAX_SCAN) : text;
  if (!/\d/.test(t) && !t.includes('Traceback')) return null;
  for (const [lang, re] of STACK_TRACE_PATTERNS) if (re.test(t)) return lang;
  return null;
}

const CREDENTIAL_CLASSES = new Set(['password', 'api-key', 'secret', 'private-key', 'session-token', 'jwt']);
export const isCredentialClass = (c: string) => CREDENTIAL_CLASSES.has(c);

/** Signals every event carries (headers and credential facts only: cheap). */
export function observeHeaderSignals(state: EndpointState, event: ApiEvent, facts: CredentialFacts): void {
  if (facts.kind !== 'none' && event.request.scheme === 'http') signal(state, `credentials-over-http:${facts.kind}`);
  if (facts.kind === 'basic') signal(state, 'basic-auth');
  if (facts.jwt) {
    if (facts.jwt.alg.toLowerCase() === 'none') signal(state, 'jwt-alg-none');
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
