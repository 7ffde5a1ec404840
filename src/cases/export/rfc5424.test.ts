import { describe, expect, it } from 'vitest';
import { toExportDocument } from './payload.js';
import { formatRfc5424, frameSyslog, issueSyslogMessage, type Rfc5424Message } from './rfc5424.js';
import { sampleItem } from './fixtures/items.js';
import { parseRfc5424 } from './fixtures/readers.js';

const base: Rfc5424Message = {
  facility: 20,
  severity: 3,
  timestamp: new Date('2026-03-01T09:00:00.000Z'),
  hostname: 'sensor-1',
  appName: 'bulwark',
  procId: '4242',
  msgId: 'issue',
  structuredData: [],
  msg: '',
};

describe('formatRfc5424', () => {
  it.each([
    ['PRI is facility * 8 + severity; no SD, no MSG', { facility: 20, severity: 3 }, '<163>1 2026-03-01T09:00:00.000Z sensor-1 bulwark 4242 issue -'],
    ['local0 and critical', { facility: 16, severity: 2, msg: 'hello' }, '<130>1 2026-03-01T09:00:00.000Z sensor-1 bulwark 4242 issue - hello'],
    ['spaces and control characters in header fields become _', { hostname: 'my host\n', appName: 'bul wark' }, '<163>1 2026-03-01T09:00:00.000Z my_host_ bul_wark 4242 issue -'],
    ['empty header fields are NILVALUE', { hostname: '', procId: '' }, '<163>1 2026-03-01T09:00:00.000Z - bulwark - issue -'],
    ['an invalid timestamp is NILVALUE', { timestamp: new Date('nope') }, '<163>1 - sensor-1 bulwark 4242 issue -'],
    ['APP-NAME is cut at 48', { appName: 'a'.repeat(60) }, `<163>1 2026-03-01T09:00:00.000Z sensor-1 ${'a'.repeat(48)} 4242 issue -`],
    [
      'structured data with escaped values',
      { structuredData: [{ id: 'bulwark@32473', params: [['title', 'a "quoted" ] back\\slash'] as const] }], msg: 'm' },
      '<163>1 2026-03-01T09:00:00.000Z sensor-1 bulwark 4242 issue [bulwark@32473 title="a \\"quoted\\" \\] back\\\\slash"] m',
    ],
    [
      'newlines in a value become spaces; unicode stays',
      { structuredData: [{ id: 'x@1', params: [['v', 'line1\r\nline2 ünïcødé 🎯'] as const] }] },
      '<163>1 2026-03-01T09:00:00.000Z sensor-1 bulwark 4242 issue [x@1 v="line1  line2 ünïcødé 🎯"]',
    ],
    [
      'SD-ID and PARAM-NAME lose =, space, ] and "',
      { structuredData: [{ id: 'a b]c', params: [['k="v"', '1'] as const] }] },
      '<163>1 2026-03-01T09:00:00.000Z sensor-1 bulwark 4242 issue [a_b_c k__v_="1"]',
    ],
  ])('%s', (_name, over, expected) => {
    expect(formatRfc5424({ ...base, ...over })).toBe(expected);
  });

  it('bounds a very long value and keeps it a single, well-formed element', () => {
    const out = formatRfc5424({ ...base, structuredData: [{ id: 'x@1', params: [['v', ']'.repeat(10_000)]] }] });
    const value = parseRfc5424(out).sd['x@1']?.v ?? '';
    expect(value.length).toBeLessThanOrEqual(256);
    expect(value.endsWith('…')).toBe(true);
    expect(out.endsWith('"]')).toBe(true);
  });

  it('round-trips hostile values through an RFC 5424 reader', () => {
    const hostile = 'x"] [evil@1 a="b"] \\" \\\\';
    const out = formatRfc5424({ ...base, structuredData: [{ id: 'x@1', params: [['v', hostile], ['w', 'after']] }] });
    expect(parseRfc5424(out).sd).toEqual({ 'x@1': { v: hostile, w: 'after' } });
  });

  it('cuts the MSG at maxBytes on a character boundary, never inside a multi-byte character', () => {
    const msg = 'é'.repeat(2000); // 2 bytes each
    for (const maxBytes of [1024, 1025, 2047, 2048]) {
      const out = formatRfc5424({ ...base, msg }, { maxBytes });
      const bytes = Buffer.byteLength(out, 'utf8');
      expect(bytes).toBeLessThanOrEqual(maxBytes);
      expect(bytes).toBeGreaterThanOrEqual(maxBytes - 1);
      expect(out).not.toContain('\uFFFD');
    }
  });

  it('drops the structured data (NILVALUE) when it alone would not fit', () => {
    const big = [{ id: 'x@1', params: Array.from({ length: 20 }, (_, i) => [`p${i}`, 'v'.repeat(250)] as const) }];
    const out = formatRfc5424({ ...base, structuredData: big, msg: 'still here' }, { maxBytes: 1024 });
    expect(out).toBe('<163>1 2026-03-01T09:00:00.000Z sensor-1 bulwark 4242 issue - still here');
  });
});

describe('frameSyslog', () => {
  it.each([
    ['octet counting counts bytes, not characters', 'héllo', 'octet-counting', '6 héllo'],
    ['newline framing appends one newline', 'abc', 'newline', 'abc\n'],
  ] as const)('%s', (_name, message, framing, expected) => {
    expect(frameSyslog(message, framing).toString('utf8')).toBe(expected);
  });
});

describe('issueSyslogMessage', () => {
  const header = { facility: 20, hostname: 'sensor-1', appName: 'bulwark', procId: '4242', msgId: 'issue' };

  it('carries the issue as structured data and as ASCII JSON, with severity high -> 3 and the issue time', () => {
    const doc = toExportDocument(sampleItem({ title: 'Ünïcode "title" ]' }), { includeExchange: false });
    const out = issueSyslogMessage(doc, header, 8192);
    expect(out.startsWith('<163>1 2026-03-01T09:00:00.000Z sensor-1 bulwark 4242 issue [bulwark@32473 ')).toBe(true);
    const record = parseRfc5424(out);
    expect(record.sd['bulwark@32473']).toMatchObject({ eventId: doc.event_id, caseRef: 'C-7', detector: 'sqli-union-select', severity: 'high', actor: 'address:3f2a9c1b7d0e4a55', path: '/users/{id}', count: '1' });
    expect(/^[\x20-\x7e]*$/.test(record.msg)).toBe(true);
    expect(JSON.parse(record.msg)).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  it.each([
    ['critical', 2],
    ['high', 3],
    ['medium', 4],
    ['low', 5],
    ['info', 6],
  ] as const)('severity %s is syslog severity %i', (severity, code) => {
    const out = issueSyslogMessage(toExportDocument(sampleItem({ severity }), { includeExchange: false }), header, 8192);
    expect(out.startsWith(`<${20 * 8 + code}>1 `)).toBe(true);
  });

  it('falls back to a short text message when the JSON does not fit the datagram', () => {
    const doc = toExportDocument(sampleItem({ evidence: 'x'.repeat(400), title: 'Very\nlong '.repeat(40) }), { includeExchange: false });
    const out = issueSyslogMessage(doc, header, 1024);
    expect(Buffer.byteLength(out, 'utf8')).toBeLessThanOrEqual(1024);
    expect(out).toContain('] high Very long');
    expect(out).not.toContain('\n');
  });
});
