import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEVERITY_RANK } from '../../contracts/finding.js';
import { OWASP_API_2023 } from '../../contracts/owasp.js';
import { moduleComment } from '../payload/docs.js';
import { ATTACK_CATEGORIES } from '../types.js';
import { BehaviourConfig } from './config.js';
import { BEHAVIOUR_DETECTORS } from './detectors.js';
import { CWE_TITLES, FAMILY_PREFIX, INDEX_PAGE, MITRE_TITLES, MODULE_OF, REGENERATE_COMMAND, renderBehaviourDoc, renderBehaviourIndex, settingDefault, SETTINGS_OF, type RenderedExample } from './docs.js';
import { EXAMPLES, type Example } from './fixtures/examples.js';
import { Harness } from './fixtures/kit.js';

/**
 * Rules as data: every behavioural detector has a well-formed record, table tests that name it, one reported
 * and one silent example that behave as declared, known settings, and an up-to-date docs page generated from
 * all of these (`UPDATE_DETECTOR_DOCS=1` rewrites the pages after a change).
 */

const DOCS = new URL('../../../docs/detectors/', import.meta.url);
const UPDATE = process.env.UPDATE_DETECTOR_DOCS === '1';
const HERE = new URL('./', import.meta.url);
const TESTS = readdirSync(HERE).filter((f) => f.endsWith('.test.ts') && f !== 'registry.test.ts').map((f) => readFileSync(new URL(f, HERE), 'utf8'));

function run(example: Example, id: string): { all: string[]; mine: RenderedExample['result'] } {
  const h = new Harness();
  example.run(h);
  const d = h.all.find((x) => x.detector === id);
  return { all: h.ids(), mine: d === undefined ? null : { confidence: d.confidence, severity: d.severity, evidence: d.evidence } };
}

/** Whether the page on disk is what the generator writes now (with `UPDATE_DETECTOR_DOCS=1`, it is written first). */
function pageIsCurrent(file: string, expected: string): boolean {
  const url = new URL(file, DOCS);
  if (UPDATE) writeFileSync(url, expected);
  return existsSync(url) && readFileSync(url, 'utf8') === expected;
}
const STALE = `is missing or out of date (regenerate: ${REGENERATE_COMMAND})`;

const cases = BEHAVIOUR_DETECTORS.map((d) => [d.id, d] as const);

describe('behavioural detector registry', () => {
  it('has unique ids and a mapping for each', () => {
    const ids = BEHAVIOUR_DETECTORS.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.keys(MODULE_OF).sort()).toEqual([...ids].sort());
    expect(Object.keys(SETTINGS_OF).sort()).toEqual([...ids].sort());
    expect(Object.keys(EXAMPLES).sort()).toEqual([...ids].sort());
  });

  it.each(cases)('%s: record is well formed', (id, d) => {
    expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)+$/);
    expect(ATTACK_CATEGORIES).toContain(d.category);
    expect(FAMILY_PREFIX[d.category]?.some((p) => id.startsWith(p)), `family prefix for ${d.category}`).toBe(true);
    expect(Object.keys(SEVERITY_RANK)).toContain(d.severity);
    expect(OWASP_API_2023[d.owasp], d.owasp).toBeDefined();
    expect(CWE_TITLES[d.cwe], `title of ${d.cwe}`).toBeDefined();
    expect(MITRE_TITLES[d.mitre], `title of ${d.mitre}`).toBeDefined();
    expect(d.rationale.length).toBeGreaterThan(80);
    expect(d.remediation.length).toBeGreaterThan(60);
    for (const path of SETTINGS_OF[id]!) expect(settingDefault(path), path).toBeDefined();
  });

  it.each(cases)('%s: has table tests', (id) => {
    expect(TESTS.some((t) => t.includes(`'${id}'`))).toBe(true);
  });

  it.each(cases)('%s: reports its reported example and not its silent one', (id) => {
    const reported = run(EXAMPLES[id]!.reported, id);
    expect(reported.mine, `${EXAMPLES[id]!.reported.name}: ${reported.all.join(', ')}`).not.toBeNull();
    expect(reported.all.filter((x) => x === id)).toHaveLength(1);
    expect(run(EXAMPLES[id]!.silent, id).all).toEqual([]);
  });

  it.each(cases)('%s: has an up-to-date docs page', (id, d) => {
    const module = MODULE_OF[id]!;
    const comment = moduleComment(readFileSync(new URL(`./${module}.ts`, HERE), 'utf8'));
    const rendered = (e: Example): RenderedExample => ({ name: e.name, result: run(e, id).mine });
    const page = renderBehaviourDoc(d, { path: `src/detect/behaviour/${module}.ts`, comment }, rendered(EXAMPLES[id]!.reported), rendered(EXAMPLES[id]!.silent));
    expect(pageIsCurrent(`${id}.md`, page), `docs/detectors/${id}.md ${STALE}`).toBe(true);
  });

  it('has an up-to-date index page and no page for an unregistered behavioural detector', () => {
    expect(pageIsCurrent(INDEX_PAGE, renderBehaviourIndex(BEHAVIOUR_DETECTORS)), `docs/detectors/${INDEX_PAGE} ${STALE}`).toBe(true);
    const prefixes = Object.values(FAMILY_PREFIX).flat();
    const pages = readdirSync(DOCS).filter((f) => f.endsWith('.md') && prefixes.some((p) => f.startsWith(p!)));
    expect(pages.map((f) => f.slice(0, -3)).sort()).toEqual(BEHAVIOUR_DETECTORS.map((d) => d.id).sort());
  });

  it('has safe defaults: the empty config parses, unknown keys are refused', () => {
    expect(BehaviourConfig.parse({}).memory.maxActors).toBe(20_000);
    expect(BehaviourConfig.safeParse({ bola: { minIdz: 3 } }).success).toBe(false);
    expect(BehaviourConfig.safeParse({ memory: { maxActors: 10 } }).success).toBe(false);
  });
});
