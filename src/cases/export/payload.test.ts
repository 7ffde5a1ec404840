import { describe, expect, it } from 'vitest';
import { exportEventId, toExportDocument, toJsonLine } from './payload.js';
import { asciiJson, clip, truncateUtf8 } from './text.js';
import { sampleItem } from './fixtures/items.js';

describe('toExportDocument', () => {
  it('carries the issue without its exchange, and the case id, ref, status and grouping reason', () => {
    const doc = toExportDocument(sampleItem(), { includeExchange: false });
    expect(doc).toMatchObject({
      type: 'bulwark.threat-issue',
      schema_version: 1,
      issue: { id: 'iss_01', detector: 'sqli-union-select', severity: 'high', actor: { id: '3f2a9c1b7d0e4a55' } },
      case: { id: 'case_01', ref: 'C-7', status: 'new', groupingReason: 'same actor address 3f2a9c1b against host api.example.com within 60 min' },
    });
    expect(doc.issue).not.toHaveProperty('exchange');
    expect(JSON.stringify(doc)).not.toContain('EXCHANGE-BODY-MARKER');
  });

  it('adds the (already redacted) exchange on request', () => {
    const doc = toExportDocument(sampleItem(), { includeExchange: true });
    expect(doc.issue.exchange?.response?.body?.text).toBe('EXCHANGE-BODY-MARKER');
  });

  it('is a snapshot: changing the case afterwards does not change it', () => {
    const item = sampleItem();
    const doc = toExportDocument(item, { includeExchange: false });
    item.case.status = 'resolved';
    item.issue.count = 9;
    expect(doc.case.status).toBe('new');
    expect(doc.issue.count).toBe(1);
  });
});

describe('exportEventId', () => {
  it('is stable for the same issue state and changes when the issue folds', () => {
    const a = exportEventId(sampleItem().issue);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(exportEventId(sampleItem({ title: 'other title' }).issue)).toBe(a);
    expect(exportEventId(sampleItem({ count: 2 }).issue)).not.toBe(a);
    expect(exportEventId(sampleItem({ lastSeen: '2026-03-01T09:00:30.000Z' }).issue)).not.toBe(a);
    expect(exportEventId(sampleItem({ id: 'iss_02' }).issue)).not.toBe(a);
  });
});

describe('toJsonLine', () => {
  it.each([
    ['newlines', 'a\nb\r\nc'],
    ['unicode line separators', 'a\u2028b\u2029c'],
    ['a lone surrogate', 'a\ud800b'],
    ['quotes and backslashes', '"\\"'],
  ])('keeps one document on one line with %s in a value', (_name, evidence) => {
    const line = toJsonLine(toExportDocument(sampleItem({ evidence }), { includeExchange: false }));
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(/[\r\n]/);
    expect(JSON.parse(line).issue.evidence).toBe(evidence);
  });
});

describe('text bounds', () => {
  it.each([
    ['short', 10, 'short'],
    ['abcdefghij', 5, 'abcd…'],
    ['ab🎯cd', 4, 'ab…'],
  ])('clip(%j, %i) = %j', (value, max, expected) => {
    expect(clip(value, max)).toBe(expected);
  });

  it.each([
    ['abc', 2, 'ab'],
    ['aé', 2, 'a'],
    ['a🎯', 4, 'a'],
    ['a🎯', 5, 'a🎯'],
    ['abc', 0, ''],
  ])('truncateUtf8(%j, %i) = %j', (value, max, expected) => {
    expect(truncateUtf8(value, max)).toBe(expected);
  });

  it('asciiJson escapes every non-ASCII character and parses back to the same value', () => {
    const value = { t: 'ünï 🎯 \u2028 \u007f' };
    const json = asciiJson(value);
    expect(/^[\x20-\x7e]*$/.test(json)).toBe(true);
    expect(JSON.parse(json)).toEqual(value);
  });
});
