import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ApiEvent } from '../contracts/api-event.js';
import { DomainError } from '../errors/domain-errors.js';
import { DEFAULT_LIMITS } from '../normalize/limits.js';
import { parseIngestPayload, type IngestPayloadOptions } from './ingest-payload.js';

const now = new Date('2026-03-02T12:00:00.000Z');
const opts: IngestPayloadOptions = { limits: DEFAULT_LIMITS, maxDecompressedBytes: 1024 * 1024, now, contentType: 'application/json' };
const ev = (path: string, extra: Record<string, unknown> = {}) => ({ request: { method: 'GET', url: `https://api.example.com${path}` }, ...extra });

function thrown(f: () => unknown): DomainError {
  try {
    f();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('parseIngestPayload', () => {
  it('accepts a JSON array; events without a timestamp get the receipt time; bad events are rejects by position', () => {
    const body = Buffer.from(JSON.stringify([ev('/a', { timestamp: '2026-03-02T11:00:00Z' }), ev('/b'), { request: { method: 'GET', url: 'not a url' } }]));
    const out = parseIngestPayload(body, opts);
    expect(out.map((r) => r.kind)).toEqual(['event', 'event', 'reject']);
    const [a, b, bad] = out;
    if (a?.kind !== 'event' || b?.kind !== 'event' || bad?.kind !== 'reject') throw new Error('shape');
    expect(a.event.timestamp).toBe('2026-03-02T11:00:00.000Z');
    expect(b.event.timestamp).toBe('2026-03-02T12:00:00.000Z');
    expect(b.event.source.kind).toBe('ingest-api');
    expect(ApiEvent.safeParse(b.event).success).toBe(true);
    expect(bad.reject).toEqual({ source: 'ingest-api', line: 3, reason: 'request.url: not a valid URL' });
  });

  it('accepts {"events": [...]} and a single event object', () => {
    expect(parseIngestPayload(Buffer.from(JSON.stringify({ events: [ev('/a'), ev('/b')] })), opts)).toHaveLength(2);
    expect(parseIngestPayload(Buffer.from(JSON.stringify(ev('/only'))), opts)).toHaveLength(1);
  });

  it('accepts NDJSON (by content type, or when the body is not one JSON document) with per-line rejects', () => {
    const nd = `${JSON.stringify(ev('/a'))}\n\n{oops\n${JSON.stringify(ev('/c'))}\n`;
    for (const contentType of ['application/x-ndjson', 'application/json']) {
      const out = parseIngestPayload(Buffer.from(nd), { ...opts, contentType });
      expect(out.map((r) => (r.kind === 'event' ? r.line : `reject@${r.reject.line}: ${r.reject.reason}`))).toEqual([1, 'reject@3: invalid JSON', 4]);
    }
  });

  it('decompresses gzip when Content-Encoding says so', () => {
    const body = gzipSync(JSON.stringify([ev('/gz')]));
    const out = parseIngestPayload(body, { ...opts, contentEncoding: 'gzip' });
    expect(out[0]?.kind === 'event' && out[0].event.request.path).toBe('/gz');
  });

  it('stops a zip bomb at maxDecompressedBytes with too_large', () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const err = thrown(() => parseIngestPayload(bomb, { ...opts, contentEncoding: 'gzip' }));
    expect(err.code).toBe('too_large');
    expect(err.httpStatus).toBe(413);
  });

  it('bounds the number of events per request', () => {
    const body = Buffer.from(JSON.stringify([ev('/a'), ev('/b'), ev('/c')]));
    expect(thrown(() => parseIngestPayload(body, { ...opts, maxEvents: 2 })).message).toBe('too many events in one request (3 > 2): split the batch');
    const nd = Buffer.from([ev('/a'), ev('/b'), ev('/c')].map((e) => JSON.stringify(e)).join('\n'));
    expect(thrown(() => parseIngestPayload(nd, { ...opts, contentType: 'application/x-ndjson', maxEvents: 2 })).code).toBe('too_large');
    expect(parseIngestPayload(body, { contentType: 'application/json', maxDecompressedBytes: 1e6, maxEvents: 3 })).toHaveLength(3);
  });

  it('rejects a plain body over the limit, bad gzip, unknown encodings, invalid UTF-8 and non-JSON as client errors', () => {
    expect(thrown(() => parseIngestPayload(Buffer.alloc(2 * 1024 * 1024, 0x20), opts)).code).toBe('too_large');
    expect(thrown(() => parseIngestPayload(Buffer.from('not gzip'), { ...opts, contentEncoding: 'gzip' })).code).toBe('invalid_input');
    expect(thrown(() => parseIngestPayload(Buffer.from('[]'), { ...opts, contentEncoding: 'br' })).code).toBe('invalid_input');
    expect(thrown(() => parseIngestPayload(Buffer.from([0x5b, 0xff, 0x5d]), opts)).code).toBe('invalid_input');
    expect(thrown(() => parseIngestPayload(Buffer.from('{"nope": 1'), opts)).message).toBe('body is not valid JSON');
    expect(thrown(() => parseIngestPayload(Buffer.from('{"nope": 1}'), opts)).code).toBe('invalid_input');
  });
});
