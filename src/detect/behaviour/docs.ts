import { OWASP_API_2023 } from '../../contracts/owasp.js';
import { CWE_TITLES as PAYLOAD_CWE_TITLES, MITRE_TITLES as PAYLOAD_MITRE_TITLES } from '../payload/docs.js';
import type { AttackCategory, DetectorInfo } from '../types.js';
import { BehaviourConfig } from './config.js';

/**
 * Generated documentation of the behavioural detectors: one page per detector (`docs/detectors/<id>.md`) and
 * an index (`docs/detectors/behaviour-detectors.md`), rendered from the records, the family modules' comments,
 * the settings with their defaults, and the examples of `fixtures/examples.ts` run through a real engine.
 * The registry test compares the pages with this output; `UPDATE_DETECTOR_DOCS=1` rewrites them.
 */

export const REGENERATE_COMMAND = 'UPDATE_DETECTOR_DOCS=1 npx vitest run src/detect/behaviour/registry.test.ts';
export const INDEX_PAGE = 'behaviour-detectors.md';

/** Id prefix of each family. */
export const FAMILY_PREFIX: Readonly<Partial<Record<AttackCategory, readonly string[]>>> = Object.freeze({
  bola: ['bola-'],
  enumeration: ['enum-'],
  'credential-stuffing': ['stuffing-', 'bruteforce-'],
  'rate-anomaly': ['rate-'],
  scraping: ['scraping-'],
  'data-exposure': ['exposure-'],
  bfla: ['bfla-'],
  'token-misuse': ['token-'],
});

/** Titles of the CWEs and ATT&CK techniques the behavioural records use, beside the payload detectors' own. */
export const CWE_TITLES: Readonly<Record<string, string>> = Object.freeze({
  ...PAYLOAD_CWE_TITLES,
  'CWE-285': 'Improper Authorization',
  'CWE-294': 'Authentication Bypass by Capture-replay',
  'CWE-307': 'Improper Restriction of Excessive Authentication Attempts',
  'CWE-347': 'Improper Verification of Cryptographic Signature',
  'CWE-425': "Direct Request ('Forced Browsing')",
  'CWE-613': 'Insufficient Session Expiration',
  'CWE-639': 'Authorization Bypass Through User-Controlled Key',
  'CWE-770': 'Allocation of Resources Without Limits or Throttling',
  'CWE-799': 'Improper Control of Interaction Frequency',
});

export const MITRE_TITLES: Readonly<Record<string, string>> = Object.freeze({
  ...PAYLOAD_MITRE_TITLES,
  T1078: 'Valid Accounts',
  'T1110.001': 'Brute Force: Password Guessing',
  'T1110.004': 'Brute Force: Credential Stuffing',
  T1119: 'Automated Collection',
  T1213: 'Data from Information Repositories',
  'T1499.003': 'Endpoint Denial of Service: Application Exhaustion Flood',
  'T1550.001': 'Use Alternate Authentication Material: Application Access Token',
  T1606: 'Forge Web Credentials',
});

/** The family module of each detector (its comment is the "How it detects" section). */
export const MODULE_OF: Readonly<Record<string, string>> = Object.freeze({
  'bola-distinct-ids': 'objects',
  'enum-object-ids': 'objects',
  'enum-forced-browsing': 'objects',
  'scraping-object-sweep': 'objects',
  'stuffing-many-usernames': 'login',
  'stuffing-many-sources': 'login',
  'stuffing-failure-spike': 'login',
  'bruteforce-401-burst': 'login',
  'rate-endpoint-anomaly': 'volume',
  'scraping-response-size': 'volume',
  'exposure-sensitive-unauthenticated': 'access',
  'bfla-unseen-admin-operation': 'access',
  'token-many-addresses': 'tokens',
  'token-alg-none-accepted': 'tokens',
  'token-expired-accepted': 'tokens',
});

/** The settings (paths in `detection.behaviour`) each detector reads, besides `cooldownMinutes` and `memory`. */
export const SETTINGS_OF: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'bola-distinct-ids': ['objectWindowMinutes', 'objectWarmupWindows', 'bola.minIds', 'bola.multiplier', 'bola.minUnknownShare', 'bola.minSuccessShare', 'bola.maxAnonymousShare', 'exposure.warmupResponses'],
  'enum-object-ids': ['objectWindowMinutes', 'objectWarmupWindows', 'enumeration.minIds', 'enumeration.multiplier', 'enumeration.minErrorShare'],
  'enum-forced-browsing': ['enumeration.windowMinutes', 'enumeration.minPaths', 'enumeration.minErrorShare'],
  'scraping-object-sweep': ['objectWindowMinutes', 'objectWarmupWindows', 'scraping.minObjects', 'scraping.multiplier'],
  'stuffing-many-usernames': ['login.windowMinutes', 'login.minUsernames', 'login.minFailureShare'],
  'stuffing-many-sources': ['login.usernameWindowMinutes', 'login.minSources'],
  'stuffing-failure-spike': ['login.burstMinutes', 'login.spikeMinFailures', 'login.spikeMultiplier', 'login.spikeWarmupBuckets'],
  'bruteforce-401-burst': ['login.burstMinutes', 'login.burstFailures'],
  'rate-endpoint-anomaly': ['rate.minPerMinute', 'rate.multiplier', 'rate.warmupMinutes'],
  'scraping-response-size': ['scraping.minBytes', 'scraping.sizeMultiplier', 'scraping.warmupResponses'],
  'exposure-sensitive-unauthenticated': ['exposure.warmupResponses', 'exposure.maxAnonymousShare'],
  'bfla-unseen-admin-operation': ['bfla.warmupCalls', 'bfla.hostWarmupEvents'],
  'token-many-addresses': ['token.windowMinutes', 'token.minAddresses', 'token.minForeignShare'],
  'token-alg-none-accepted': ['token.algNoneNormShare', 'token.algNoneWarmup'],
  'token-expired-accepted': ['token.expiredSkewSeconds'],
});

/** A scenario and what the engine made of it, for a page. */
export interface RenderedExample {
  readonly name: string;
  /** The detection of the page's detector, or null when it stayed silent. */
  readonly result: { readonly confidence: number; readonly severity: string; readonly evidence: string } | null;
}

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
/** A Markdown table: a header row, its rule, and the rows. */
const table = (head: readonly string[], rows: readonly (readonly string[])[]) => [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`);
const section = (heading: string, ...body: string[]) => [`## ${heading}`, '', ...body, ''];
const code = (s: string) => `\`${s}\``;
/** `CWE-639: Authorization Bypass...`: an id with its title when it has one. */
const titled = (id: string, titles: Readonly<Record<string, string>>, sep: string) => (titles[id] ? `${id}${sep}${titles[id]}` : id);
/** A page's title and the note that it is generated (and from what). */
const header = (title: string, from: string) => [`# ${title}`, '', `<!-- Generated from ${from} by \`${REGENERATE_COMMAND}\`. Edit those, not this page. -->`, ''];

/** The default of a setting path (`bola.minIds`). */
export function settingDefault(path: string): unknown {
  let v: unknown = BehaviourConfig.parse({});
  for (const part of path.split('.')) v = (v as Record<string, unknown>)[part];
  return v;
}

/** The docs page of one behavioural detector. */
export function renderBehaviourDoc(d: DetectorInfo, source: { path: string; comment: string }, reported: RenderedExample, silent: RenderedExample): string {
  const record: Array<[string, string]> = [
    ['Id', code(d.id)],
    ['Category', code(d.category)],
    ['Severity', code(d.severity)],
    ['OWASP API Top 10 2023', titled(d.owasp, OWASP_API_2023, ' ')],
    ['CWE', titled(d.cwe, CWE_TITLES, ': ')],
    ['MITRE ATT&CK', titled(d.mitre, MITRE_TITLES, ' ')],
    ['Location', "`actor`, named after the endpoint's path template (the login path for login detectors)"],
  ];
  const example = (label: string, e: RenderedExample) => [label, cell(e.name), e.result?.severity ?? '-', String(e.result?.confidence ?? '-'), e.result ? `\`${cell(e.result.evidence)}\`` : '-'];
  const settings = [...(SETTINGS_OF[d.id] ?? []), 'cooldownMinutes'];
  return [
    ...header(d.title, `${source.path}, src/detect/behaviour/detectors.ts and fixtures/examples.ts`),
    ...table(['', ''], record.map(([k, v]) => [`**${k}**`, v])),
    '',
    ...section('How it detects', source.comment),
    ...section('Why it matters', d.rationale),
    ...section('How to fix', d.remediation),
    ...section(
      'Examples',
      'Run through the engine with the default settings (`src/detect/behaviour/fixtures/examples.ts`; evidence as an analyst sees it):',
      '',
      ...table(['', 'Scenario', 'Severity', 'Confidence', 'Evidence'], [example('Reported', reported), example('Silent', silent)]),
    ),
    ...section(
      'Settings',
      'In `detection.behaviour` of the config file (see `src/detect/behaviour/config.ts` for what each means):',
      '',
      ...table(['Setting', 'Default'], settings.map((p) => [code(p), JSON.stringify(settingDefault(p))])),
      '',
      'A detector reports one actor on one endpoint at most once per `cooldownMinutes`; the cases module folds',
      'repeats into one issue anyway. Suppress a false positive for one actor or endpoint with a scoped exception',
      'in the cases module rather than by raising a threshold for everyone.',
    ),
  ].join('\n');
}

/** The index of all behavioural detectors. */
export function renderBehaviourIndex(detectors: readonly DetectorInfo[]): string {
  return [
    ...header('Behavioural detectors', 'src/detect/behaviour/detectors.ts'),
    'Detectors that look across the requests of one actor (the authenticated principal, else the API key, the',
    'session, the client address), one endpoint or one host: what no single request shows. Thresholds are',
    "learned per endpoint where traffic allows (the 99th percentile of the same count over earlier actors, times",
    'a multiplier, never below a minimum); all state is bounded (LRU tables with time-to-live, sets of 32-bit',
    'hashes, fixed-size histograms), and evidence holds counts only, never ids, usernames, tokens or addresses.',
    'The engine is `createBehaviourEngine` (`src/detect/behaviour/`), fed every raw event by the detect stage;',
    '[benchmarks.md](../benchmarks.md#behavioural-scenarios) has detection rates and false positives on labelled',
    'scenarios mixed into the demo traffic.',
    '',
    `${detectors.length} detectors.`,
    '',
    ...table(['Detector', 'Category', 'Severity', 'OWASP', 'CWE', 'MITRE'], detectors.map((d) => [`[\`${d.id}\`](${d.id}.md) ${cell(d.title)}`, d.category, d.severity, d.owasp, d.cwe, d.mitre])),
    '',
    '## Adding a detector',
    '',
    '1. Write its record in `src/detect/behaviour/detectors.ts` (id with the family prefix, OWASP, CWE, MITRE,',
    '   rationale, remediation) and its logic in the family module, with every threshold in `config.ts`.',
    '2. Keep state in the bounded tables of `state.ts`; no regular expression on request data.',
    '3. Add table tests (reported and silent cases) beside the family module, and one reported and one silent',
    '   example to `fixtures/examples.ts`.',
    `4. Register it in \`BEHAVIOUR_DETECTORS\`, map it in \`docs.ts\`, and regenerate the pages with \`${REGENERATE_COMMAND}\`.`,
    '',
  ].join('\n');
}
