import { describe, expect, it } from 'vitest';
import { formatCef, issueCefEvent } from './cef.js';
import { toExportDocument } from './payload.js';
import { sampleItem } from './fixtures/items.js';
import { parseCef } from './fixtures/readers.js';

describe('formatCef', () => {
  it('writes the seven header fields and the extensions in order', () => {
    const line = formatCef({ deviceVersion: '0.1.0', signatureId: 'sqli-union', name: 'SQL injection', severity: 7, extensions: [['cs1Label', 'caseRef'], ['cs1', 'C-7'], ['cnt', 3]] });
    expect(line).toBe('CEF:0|Bulwark|Bulwark|0.1.0|sqli-union|SQL injection|7|cs1Label=caseRef cs1=C-7 cnt=3');
  });

  it.each([
    [-3, 0],
    [4.6, 5],
    [99, 10],
  ])('clamps severity %d to %d', (input, expected) => {
    expect(formatCef({ deviceVersion: '1', signatureId: 's', name: 'n', severity: input, extensions: [] })).toBe(`CEF:0|Bulwark|Bulwark|1|s|n|${expected}|`);
  });

  it('drops characters other than letters and digits from extension keys', () => {
    expect(formatCef({ deviceVersion: '1', signatureId: 's', name: 'n', severity: 1, extensions: [['bad key=', 'v'], ['=', 'gone']] })).toBe('CEF:0|Bulwark|Bulwark|1|s|n|1|badkey=v');
  });

  it('keeps a hostile title and evidence inside their fields', () => {
    const title = 'evil|CEF:0|x|y\\|z\nsecond line';
    const evidence = "q=1' OR 'a'='a msg=forged act=blocked\r\nrt=0";
    const doc = toExportDocument(sampleItem({ title, evidence }), { includeExchange: false });
    const line = formatCef(issueCefEvent(doc, '0.1.0'));
    expect(line).not.toMatch(/[\r\n]/);
    const { header, extensions } = parseCef(line);
    expect(header).toEqual(['CEF:0', 'Bulwark', 'Bulwark', '0.1.0', 'sqli-union-select', 'evil|CEF:0|x|y\\|z second line', '7']);
    expect(extensions.msg).toBe("q=1' OR 'a'='a msg=forged act=blocked\nrt=0");
    expect(extensions.act).toBe('observed');
    expect(extensions.rt).toBe(String(Date.parse('2026-03-01T09:00:00.000Z')));
  });

  it('bounds very long values', () => {
    const doc = toExportDocument(sampleItem({ title: 'T'.repeat(5000), evidence: '='.repeat(5000) }), { includeExchange: false });
    const line = formatCef(issueCefEvent(doc, '0.1.0'));
    const { header, extensions } = parseCef(line);
    expect(header[5]?.length).toBeLessThanOrEqual(200);
    expect(extensions.msg?.length).toBeLessThanOrEqual(512);
    expect(line.length).toBeLessThan(4000);
  });
});

describe('issueCefEvent', () => {
  it('maps the issue to CEF fields, with the actor as its digest and no src address', () => {
    const doc = toExportDocument(sampleItem({ count: 4, severity: 'critical' }), { includeExchange: false });
    const { header, extensions } = parseCef(formatCef(issueCefEvent(doc, '0.1.0')));
    expect(header[6]).toBe('10');
    expect(extensions).toMatchObject({
      cat: 'injection',
      cnt: '4',
      requestMethod: 'GET',
      request: 'api.example.com/users/{id}',
      dhost: 'api.example.com',
      suid: '3f2a9c1b7d0e4a55',
      cs1Label: 'caseRef',
      cs1: 'C-7',
      cs3: 'API8:2023',
      cs5: doc.event_id,
      flexString1: 'CWE-89',
    });
    expect(extensions).not.toHaveProperty('src');
  });

  it.each([
    ['info', '1'],
    ['low', '3'],
    ['medium', '5'],
    ['high', '7'],
    ['critical', '10'],
  ] as const)('severity %s is CEF %s', (severity, cef) => {
    const { header } = parseCef(formatCef(issueCefEvent(toExportDocument(sampleItem({ severity }), { includeExchange: false }), '1')));
    expect(header[6]).toBe(cef);
  });

  it('leaves out date fields that do not parse', () => {
    const { extensions } = parseCef(formatCef(issueCefEvent(toExportDocument(sampleItem({ lastSeen: 'not a date' }), { includeExchange: false }), '1')));
    expect(extensions).not.toHaveProperty('rt');
    expect(extensions).toHaveProperty('start');
  });
});
