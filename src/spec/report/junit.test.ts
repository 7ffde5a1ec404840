import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { scoreSpec } from '../score.js';
import { formatJunit } from './junit.js';
import { finding, SAMPLE_RULES, sampleFindings, sampleModel } from './fixtures/sample.js';
import type { SpecAuditResult } from './report.js';

const opts = { cwd: '/work/repo', toolVersion: '0.1.0' };

function sample(): SpecAuditResult {
  const model = sampleModel();
  const findings = sampleFindings(model);
  return { model, findings, score: scoreSpec(findings, model), rules: SAMPLE_RULES, ruleset: null };
}

interface Case {
  name: string;
  classname: string;
  file?: string;
  line?: string;
  failure?: { '#text': string; type: string; message: string };
}

function parse(xml: string) {
  const valid = XMLValidator.validate(xml);
  expect(valid, JSON.stringify(valid)).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'testcase' || name === 'property' }).parse(xml) as {
    testsuites: { tests: string; failures: string; testsuite: { name: string; tests: string; failures: string; properties: { property: Array<{ name: string; value: string }> }; testcase: Case[] } };
  };
  return doc.testsuites;
}

describe('formatJunit', () => {
  it('is well-formed XML with one test suite and one test case per rule', () => {
    const suites = parse(formatJunit(sample(), opts));
    const suite = suites.testsuite;
    expect(suite.name).toBe('spec audit: specs/pets & "friends".yaml');
    expect(suite.testcase.map((c) => c.name.split(':')[0])).toEqual(SAMPLE_RULES.map((r) => r.id));
    expect(suite.tests).toBe(String(SAMPLE_RULES.length));
    // Rules with findings fail; spec-schema-no-additional-properties found nothing and passes.
    expect(suite.failures).toBe('5');
    expect(suites.failures).toBe('5');
    expect(suite.testcase.find((c) => c.name.startsWith('spec-schema-no-additional-properties'))!.failure).toBeUndefined();
    expect(suite.properties.property).toContainEqual({ name: 'score', value: String(sample().score.total) });
  });

  it('lists every finding of a rule, with its place, in the rule\'s failure', () => {
    const suite = parse(formatJunit(sample(), opts)).testsuite;
    const unbounded = suite.testcase.find((c) => c.name.startsWith('spec-schema-string-unbounded'))!;
    expect(unbounded).toMatchObject({ classname: 'bulwark.spec.data-validation', file: 'specs/pets & "friends".yaml', line: '23' });
    expect(unbounded.failure!.type).toBe('low');
    expect(unbounded.failure!.message).toMatch(/^2 findings: /);
    const lines = unbounded.failure!['#text'].split('\n');
    expect(lines[0]).toBe('low specs/pets & "friends".yaml:23:5 Path parameter "id" has no maxLength');
    // The control character a spec put in a name cannot be in XML: replaced, and the document still parses.
    expect(lines[1]).toBe('low specs/pets & "friends".yaml:40:5 String "name" has no maxLength ]]> \uFFFD');
    expect(unbounded.failure!['#text']).toContain('Fix: Fix spec-schema-string-unbounded like <this> & "that".');
  });

  it('escapes markup in messages and attributes', () => {
    const r = sample();
    const evil = finding('spec-security-http-server', '/servers/0', '</failure></testcase><testcase name="injected"/> & \'"');
    const xml = formatJunit({ ...r, findings: [evil] }, opts);
    const suite = parse(xml).testsuite;
    expect(suite.testcase).toHaveLength(SAMPLE_RULES.length);
    expect(suite.testcase.map((c) => c.name)).not.toContain('injected');
    expect(suite.testcase.find((c) => c.failure)!.failure!.message).toBe('1 finding: </failure></testcase><testcase name="injected"/> & \'"');
  });

  it('passes every case when there are no findings', () => {
    const r = sample();
    const suite = parse(formatJunit({ ...r, findings: [], score: scoreSpec([], r.model) }, opts)).testsuite;
    expect(suite.failures).toBe('0');
    expect(suite.testcase.every((c) => c.failure === undefined)).toBe(true);
  });
});
