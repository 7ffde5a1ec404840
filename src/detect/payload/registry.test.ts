import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEVERITY_RANK } from '../../contracts/finding.js';
import { OWASP_API_2023 } from '../../contracts/owasp.js';
import { ATTACK_CATEGORIES } from '../types.js';
import * as cmdi from './cmdi.js';
import * as cookie from './cookie.js';
import * as crlf from './crlf.js';
import { charClasses, passesPrefilter, type PayloadDetector } from './detector.js';
import { CWE_TITLES, FAMILY_PREFIX, INDEX_PAGE, MITRE_TITLES, moduleComment, REGENERATE_COMMAND, renderDetectorDoc, renderDetectorIndex, type DocExample } from './docs.js';
import { ALL_CASES } from './fixtures/all.cases.js';
import type { PayloadCase } from './fixtures/case.js';
import { inspectedOf } from './fixtures/run-cases.js';
import { PAYLOAD_DETECTORS, redactEvidence } from './index.js';
import * as log4shell from './log4shell.js';
import * as nosqli from './nosqli.js';
import * as scanner from './scanner.js';
import * as sqli from './sqli.js';
import * as ssrf from './ssrf.js';
import * as ssti from './ssti.js';
import * as traversal from './traversal.js';
import * as xss from './xss.js';
import * as xxe from './xxe.js';

/**
 * Rules as data: every registered payload detector has a well-formed record, table tests with positive and
 * negative cases, and an up-to-date docs page generated from the record, its module comment and its cases
 * (`UPDATE_DETECTOR_DOCS=1` rewrites the pages after a change).
 */

const DOCS = new URL('../../../docs/detectors/', import.meta.url);
const UPDATE = process.env.UPDATE_DETECTOR_DOCS === '1';
const MODULES: Readonly<Record<string, Record<string, unknown>>> = { sqli, nosqli, xss, cmdi, traversal, ssrf, xxe, ssti, log4shell, crlf, cookie, scanner };
const MIN_CASES = 3;
const EXAMPLES = 6;

function moduleOf(d: PayloadDetector): string {
  const hit = Object.entries(MODULES).find(([, mod]) => Object.values(mod).includes(d));
  return hit![0];
}

function example(d: PayloadDetector, c: PayloadCase): DocExample {
  const m = d.detect(inspectedOf(c));
  return {
    name: c.name,
    value: c.value,
    location: c.location ?? 'query',
    param: c.param ?? 'q',
    result: m === null ? null : { confidence: m.confidence, evidence: redactEvidence(m.fragment) },
  };
}

function checkPage(file: string, expected: string): void {
  const url = new URL(file, DOCS);
  if (UPDATE) writeFileSync(url, expected);
  expect(existsSync(url), `docs/detectors/${file} exists (regenerate: ${REGENERATE_COMMAND})`).toBe(true);
  expect(readFileSync(url, 'utf8'), `docs/detectors/${file} is up to date (regenerate: ${REGENERATE_COMMAND})`).toBe(expected);
}

const cases = PAYLOAD_DETECTORS.map((d) => [d.id, d] as const);

describe('payload detector registry', () => {
  it('has unique ids and registers every detector its modules export', () => {
    const ids = PAYLOAD_DETECTORS.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    const exported = Object.values(MODULES).flatMap((m) => Object.values(m).filter((x): x is PayloadDetector => typeof x === 'object' && x !== null && 'detect' in x && 'id' in x));
    expect(exported.map((d) => d.id).sort()).toEqual([...ids].sort());
  });

  it.each(cases)('%s: record is well formed', (id, d) => {
    expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)+$/);
    expect(ATTACK_CATEGORIES).toContain(d.category);
    expect(FAMILY_PREFIX[d.category], `family prefix for ${d.category}`).toBeDefined();
    expect(id.startsWith(FAMILY_PREFIX[d.category]!), `id starts with ${FAMILY_PREFIX[d.category]}`).toBe(true);
    expect(Object.keys(SEVERITY_RANK)).toContain(d.severity);
    expect(d.owasp).toMatch(/^API(?:10|[1-9]):2023$/);
    expect(OWASP_API_2023[d.owasp]).toBeDefined();
    expect(d.cwe).toMatch(/^CWE-[1-9]\d*$/);
    expect(CWE_TITLES[d.cwe], `title of ${d.cwe} in docs.ts`).toBeDefined();
    expect(d.mitre).toMatch(/^T\d{4}(?:\.\d{3})?$/);
    expect(MITRE_TITLES[d.mitre], `title of ${d.mitre} in docs.ts`).toBeDefined();
    expect(d.title.trim().length).toBeGreaterThan(5);
    expect(d.rationale.trim().length).toBeGreaterThan(80);
    expect(d.remediation.trim().length).toBeGreaterThan(60);
    expect(typeof d.detect).toBe('function');
  });

  it.each(cases)(`%s: has at least ${MIN_CASES} positive and ${MIN_CASES} negative table cases`, (id) => {
    const own = ALL_CASES.filter((c) => c.detector === id);
    expect(own.filter((c) => c.hit).length, 'positive cases').toBeGreaterThanOrEqual(MIN_CASES);
    expect(own.filter((c) => !c.hit).length, 'negative cases').toBeGreaterThanOrEqual(MIN_CASES);
  });

  it('has no case for a detector that is not registered', () => {
    const ids = new Set(PAYLOAD_DETECTORS.map((d) => d.id));
    expect(ALL_CASES.filter((c) => !ids.has(c.detector)).map((c) => c.detector)).toEqual([]);
  });

  it.each(cases)('%s: prefilters never hide a positive case of any detector', (_id, d) => {
    // The prefilters are an optimisation: whatever the detector reports on any case, they must let through.
    for (const c of ALL_CASES) {
      const v = inspectedOf(c);
      const m = d.detect(v);
      if (m !== null) expect(passesPrefilter(d, charClasses(v.value), v.location), `${c.name}: ${JSON.stringify(c.value)}`).toBe(true);
    }
  });

  it.each(cases)('%s: has an up-to-date docs page', (id, d) => {
    const own = ALL_CASES.filter((c) => c.detector === id);
    const file = `src/detect/payload/${moduleOf(d)}.ts`;
    const comment = moduleComment(readFileSync(new URL(`./${moduleOf(d)}.ts`, import.meta.url), 'utf8'));
    const flagged = own.filter((c) => c.hit).slice(0, EXAMPLES).map((c) => example(d, c));
    const passing = own.filter((c) => !c.hit).slice(0, EXAMPLES).map((c) => example(d, c));
    checkPage(`${id}.md`, renderDetectorDoc(d, { path: file, comment }, flagged, passing));
  });

  it('has an up-to-date index page and no page for an unregistered payload detector', () => {
    checkPage(INDEX_PAGE, renderDetectorIndex(PAYLOAD_DETECTORS));
    const prefixes = Object.values(FAMILY_PREFIX);
    const pages = readdirSync(DOCS).filter((f) => f.endsWith('.md') && prefixes.some((p) => f.startsWith(p!)));
    expect(pages.map((f) => f.slice(0, -3)).sort()).toEqual(PAYLOAD_DETECTORS.map((d) => d.id).sort());
  });
});
