import type { ApiRequest } from '../../contracts/api-event.js';
import { findInText } from '../../classify/index.js';
import type { Detection, InspectedValue } from '../types.js';
import { CMDI_SHELL_SYNTAX, CMDI_SSI_DIRECTIVE } from './cmdi.js';
import { COOKIE_SERIALIZED_OBJECT } from './cookie.js';
import { CRLF_HEADER_INJECTION, LOGFORGE_INJECTED_LINE } from './crlf.js';
import { charClasses, passesPrefilter, type PayloadDetector } from './detector.js';
import { collectValues, inspectValues, type CollectedValue, type KnownClean, type KnownValues } from './inspect.js';
import { LOG4SHELL_JNDI_LOOKUP } from './log4shell.js';
import { NOSQLI_OPERATORS } from './nosqli.js';
import { SCANNER_OAST_DOMAIN, SCANNER_PROBE_PATH, SCANNER_USER_AGENT } from './scanner.js';
import { SQLI_TOKENS } from './sqli.js';
import { SSRF_CLOUD_METADATA, SSRF_INTERNAL_ADDRESS } from './ssrf.js';
import { SSTI_EXPRESSION } from './ssti.js';
import { TRAVERSAL_DOT_SEGMENTS, TRAVERSAL_FILE_WRAPPER, TRAVERSAL_SENSITIVE_FILE } from './traversal.js';
import { XSS_MARKUP } from './xss.js';
import { XXE_EXTERNAL_ENTITY_DETECTOR } from './xxe.js';

export type { PayloadDetector, PayloadMatch } from './detector.js';
export { CHAR, charClasses, passesPrefilter } from './detector.js';
export { inspectValues, collectValues, DEFAULT_INSPECT_LIMITS, SKIPPED_HEADERS, type InspectLimits, type KnownClean } from './inspect.js';
export { decodeValue } from './decode.js';

/**
 * Every payload detector, in the order they run. An explicit list: adding a detector means adding it here,
 * with its table cases in `fixtures/` and its generated page in `docs/detectors/`.
 */
export const PAYLOAD_DETECTORS: readonly PayloadDetector[] = Object.freeze([
  SQLI_TOKENS,
  NOSQLI_OPERATORS,
  XSS_MARKUP,
  CMDI_SHELL_SYNTAX,
  CMDI_SSI_DIRECTIVE,
  TRAVERSAL_DOT_SEGMENTS,
  TRAVERSAL_SENSITIVE_FILE,
  TRAVERSAL_FILE_WRAPPER,
  SSRF_INTERNAL_ADDRESS,
  SSRF_CLOUD_METADATA,
  XXE_EXTERNAL_ENTITY_DETECTOR,
  SSTI_EXPRESSION,
  LOG4SHELL_JNDI_LOOKUP,
  CRLF_HEADER_INJECTION,
  LOGFORGE_INJECTED_LINE,
  COOKIE_SERIALIZED_OBJECT,
  SCANNER_USER_AGENT,
  SCANNER_OAST_DOMAIN,
  SCANNER_PROBE_PATH,
]);

/** Detections below this confidence are dropped unless the caller asks for them (`minConfidence: 0`). */
export const DEFAULT_MIN_CONFIDENCE = 0.5;
/**
 * Raw values (before decoding) no detector matched, by location (`body+` for form fields, whose `+` is a space),
 * then name: flat string keys, no concatenation per value.
 */
export interface CleanValueCache extends KnownValues {
  readonly values: Map<string, Map<string, Set<string>>>;
  /** Values held (whole paths are bounded on their own). */
  size: number;
  /** The lookup the collector calls before decoding a value (made once per cache, not per request). */
  readonly known: KnownClean;
  readonly paths: Map<string, number>;
}

/** Form fields are the only values decoded with `+` as a space (see `inspect.ts`); they get a partition of their own. */
const FORM_PARTITION = 'body+';
/** Longest name (parameter, header, cookie, JSON pointer) the cache keeps values under. */
const MAX_CLEAN_NAME = 128;

/** Short values under short names only: a long one is rarely seen twice, and the cache must not hold much raw traffic. */
function fitsCleanCache(name: string, raw: string): boolean {
  return raw.length <= MAX_CLEAN_CACHED && name.length <= MAX_CLEAN_NAME;
}

function partitionOf(location: string, plusAsSpace: boolean): string {
  return plusAsSpace ? FORM_PARTITION : location;
}

/** Remembers a raw value on which no detector matched; the cache empties itself at its bound. */
function rememberClean(cache: CleanValueCache, bound: number, location: string, name: string, raw: string, plusAsSpace: boolean): void {
  const partition = partitionOf(location, plusAsSpace);
  let byName = cache.values.get(partition);
  if (byName === undefined) cache.values.set(partition, (byName = new Map()));
  let clean = byName.get(name);
  if (clean === undefined) byName.set(name, (clean = new Set()));
  // The same value twice in one request (`?a=x&a=x`) is one entry.
  if (clean.has(raw)) return;
  if (cache.size >= bound) {
    cache.values.clear();
    cache.size = 0;
    return;
  }
  clean.add(raw);
  cache.size++;
}

/** Remembers a whole path none of whose values matched; the map empties itself at its bound. */
function rememberCleanPath(cache: CleanValueCache, path: string, taken: number): void {
  if (path.length > MAX_CLEAN_PATH) return;
  if (cache.paths.size >= MAX_CLEAN_PATHS) cache.paths.clear();
  cache.paths.set(path, taken);
}

export function createCleanValueCache(): CleanValueCache {
  const values = new Map<string, Map<string, Set<string>>>();
  const known: KnownClean = (location, name, raw, plusAsSpace) =>
    fitsCleanCache(name, raw) && values.get(partitionOf(location, plusAsSpace))?.get(name)?.has(raw) === true;
  return { values, size: 0, known, paths: new Map() };
}

/** Longest value the clean-value cache keeps. */
const MAX_CLEAN_CACHED = 256;
/**
 * Longest whole path it keeps, and how many: most calls repeat one of a few hundred paths. Raw paths can carry
 * tokens and e-mail addresses, so none is kept longer than a value is.
 */
const MAX_CLEAN_PATH = MAX_CLEAN_CACHED;
const MAX_CLEAN_PATHS = 8_192;
/** Longest evidence string, after redaction. */
export const MAX_EVIDENCE = 200;

export interface DetectPayloadOptions {
  /** 0..1; default `DEFAULT_MIN_CONFIDENCE`. */
  readonly minConfidence?: number;
  /**
   * Values (by location, name and raw text) on which no detector matched at all, so the next identical value is
   * skipped before it is even decoded: traffic repeats its headers, cookies and small parameters. In process memory only, like the
   * redactor's placeholder cache; the caller bounds it with `cleanCacheSize`. Only for the default detectors and
   * the default inspection limits (their `maxChars` is above the longest value kept), and only in `detectPayloads`.
   */
  readonly cleanCache?: CleanValueCache;
  /** Entries the clean cache holds before it is emptied (default 50,000). */
  readonly cleanCacheSize?: number;
  /** Defaults to `PAYLOAD_DETECTORS` (tests and the benchmark pass subsets). */
  readonly detectors?: readonly PayloadDetector[];
}

/** Control characters shown as escapes, so evidence can itself be logged without forging lines. */
function escapeControls(s: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 32 && c !== 127 && c !== 0x85 && c !== 0x2028 && c !== 0x2029) continue;
    const esc = c === 10 ? '\\n' : c === 13 ? '\\r' : c === 9 ? '\\t' : `\\x${c.toString(16).padStart(2, '0')}`;
    out += s.slice(last, i) + esc;
    last = i + 1;
  }
  return last === 0 ? s : out + s.slice(last);
}

/**
 * The evidence an analyst sees: the matched fragment with personal data and secrets replaced by
 * `[REDACTED:<class>]` (attack strings stay: they are the evidence), control characters escaped, at most
 * `MAX_EVIDENCE` characters.
 */
export function redactEvidence(fragment: string): string {
  // Redact on a little more than will be shown, so a secret cut at the edge is still recognised.
  const text = fragment.length > MAX_EVIDENCE * 2 ? fragment.slice(0, MAX_EVIDENCE * 2) : fragment;
  const spans = findInText(text);
  let out = '';
  let last = 0;
  for (const span of spans) {
    if (span.start < last) continue;
    out += text.slice(last, span.start) + `[REDACTED:${span.dataClass}]`;
    last = span.end;
  }
  out += text.slice(last);
  out = escapeControls(out);
  return out.length > MAX_EVIDENCE ? `${out.slice(0, MAX_EVIDENCE - 1)}…` : out;
}

/**
 * Run every payload detector on every inspected value of `request`. At most one detection per detector and
 * location (parameter, header, cookie, JSON pointer…), the most confident; a detector that throws is skipped
 * for that value (payload detectors are pure and bounded; a throw is a bug, not an attack to stop the pipeline for).
 *
 * @example
 * detectPayloads(req) // [{ detector: 'sqli-tokens', category: 'sqli', confidence: 0.95,
 * //   location: { where: 'query', name: 'id' }, evidence: "1' OR '1'='1", severity: 'high', ... }]
 */
export function detectPayloads(request: ApiRequest, opts: DetectPayloadOptions = {}): Detection[] {
  const cache = opts.detectors === undefined ? opts.cleanCache : undefined;
  if (cache === undefined) return detectInValues(inspectValues(request), opts);
  // With a cache, a value seen clean before is looked up by its raw text and never decoded, and a path seen clean
  // before is skipped whole.
  const { values, pathTaken, pathKnown } = collectValues(request, cache);
  return detectIn(values, opts, cache, pathKnown ? undefined : request.path, pathTaken);
}

/** The detectors that can read a value, and whether it is worth remembering the value when none matches. */
interface Eligible {
  readonly detectors: readonly PayloadDetector[];
  /** False when every one of them is `cheap`: running them again costs no more than a cache lookup. */
  readonly remember: boolean;
}

type EligibleTable = Map<string, Map<number, Eligible>>;
const ELIGIBLE = new WeakMap<readonly PayloadDetector[], EligibleTable>();
const MAX_ELIGIBLE_SETS = 4096;

/** The memo of a detector list (found once per call, not once per value). */
function eligibleTable(detectors: readonly PayloadDetector[]): EligibleTable {
  let table = ELIGIBLE.get(detectors);
  if (table === undefined) ELIGIBLE.set(detectors, (table = new Map()));
  return table;
}

/**
 * The detectors whose prefilters a value with character classes `classes` at `location` passes, memoised per
 * detector list: values share a handful of class sets, so this replaces a prefilter test per detector and value
 * with one lookup, and a value no detector can read (an id, a plain word in most places) costs no cache entry.
 */
function eligibleDetectors(table: EligibleTable, detectors: readonly PayloadDetector[], location: InspectedValue['location'], classes: number): Eligible {
  let byClasses = table.get(location);
  if (byClasses === undefined) table.set(location, (byClasses = new Map()));
  let e = byClasses.get(classes);
  if (e === undefined) {
    const list = detectors.filter((d) => passesPrefilter(d, classes, location));
    e = { detectors: list, remember: list.some((d) => d.cheap !== true) };
    // At most 2^30 class sets exist in principle; in practice a few hundred. Bounded all the same.
    if (byClasses.size >= MAX_ELIGIBLE_SETS) byClasses.clear();
    byClasses.set(classes, e);
  }
  return e;
}

/** `detectPayloads` on values already inspected (the pipeline may share them with other stages); no clean-value cache. */
export function detectInValues(values: readonly InspectedValue[], opts: DetectPayloadOptions = {}): Detection[] {
  return detectIn(values, opts, undefined, undefined, 0);
}

/**
 * Runs the detectors on `values`; with a cache (then the values are `CollectedValue`s), a value none matched goes into
 * it under its raw text, and so does `path`, whole, with the `pathTaken` values it took, when none of its values matched.
 */
function detectIn(
  values: readonly InspectedValue[], opts: DetectPayloadOptions, cache: CleanValueCache | undefined, path: string | undefined, pathTaken: number,
): Detection[] {
  const min = opts.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const detectors = opts.detectors ?? PAYLOAD_DETECTORS;
  let found: Map<string, { d: PayloadDetector; v: InspectedValue; confidence: number; fragment: string }> | undefined;
  const table = eligibleTable(detectors);
  let pathMatched = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v.value === '') continue;
    const eligible = eligibleDetectors(table, detectors, v.location, charClasses(v.value));
    if (eligible.detectors.length === 0) continue;
    const rawText = cache === undefined ? undefined : (v as CollectedValue).raw;
    const cacheable = rawText !== undefined && eligible.remember && fitsCleanCache(v.name, rawText);
    let matched = false;
    for (const d of eligible.detectors) {
      let m;
      try {
        m = d.detect(v);
      } catch {
        // Not known clean: it is inspected again next time.
        matched = true;
        continue;
      }
      if (m === null || m.confidence <= 0) continue;
      matched = true;
      if (m.confidence < min) continue;
      found ??= new Map();
      const at = `${d.id}\u0000${v.location}\u0000${v.name}`;
      const prev = found.get(at);
      if (prev === undefined || m.confidence > prev.confidence) found.set(at, { d, v, confidence: m.confidence, fragment: m.fragment });
    }
    if (matched && v.location === 'path') pathMatched = true;
    // Only a value that no detector matched leaves anything in the cache (no empty set under an attack's name).
    if (cacheable && !matched) rememberClean(cache!, opts.cleanCacheSize ?? 50_000, v.location, v.name, rawText, (v as CollectedValue).plus);
  }
  if (cache !== undefined && path !== undefined && !pathMatched) rememberCleanPath(cache, path, pathTaken);
  if (found === undefined) return [];
  const out: Detection[] = [];
  for (const { d, v, confidence, fragment } of found.values()) {
    out.push({
      detector: d.id,
      category: d.category,
      severity: d.severity,
      confidence,
      owasp: d.owasp,
      mitre: d.mitre,
      location: { where: v.location, name: v.name },
      evidence: redactEvidence(fragment),
    });
  }
  return out;
}
