import { readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isSafe } from 'redos-detector';
import { describe, expect, it } from 'vitest';
import { ApiEvent } from '../contracts/api-event.js';
import { DEFAULT_LIMITS } from '../normalize/limits.js';
import { detectFormat, RAW_HTTP_HEAD } from './detect-format.js';
import { HEADER_NAME, RawHttpScanner, REQUEST_LINE, transcodeEscapes, type RawHttpItem } from './raw-http.js';
import { readEvents, readEventsFromStream } from './read-events.js';
import { chunked, collect } from './test-helpers.js';

const fx = (name: string) => join(import.meta.dirname, 'fixtures', 'raw-http', name);
const bytes = (name: string) => readFileSync(fx(name));
const T0 = '2026-01-02T03:04:05.000Z';

function assertSchema(events: Array<{ event: unknown }>) {
  for (const { event } of events) expect(ApiEvent.safeParse(event).success).toBe(true);
}

describe('raw HTTP dumps: CSIC 2010 style (absolute-form targets, ISO-8859-1)', () => {
  it('reads every request with its line, decodes ISO-8859-1 escapes and bytes, and sets no response', async () => {
    const { events, rejects } = await collect(readEvents(fx('csic-sample.txt'), { format: 'raw-http', defaultTimestamp: T0 }));
    expect(rejects).toEqual([]);
    assertSchema(events);
    expect(events.map((e) => e.line)).toEqual([1, 10, 19, 30]);
    const [index, get, post, raw] = events.map((e) => e.event);
    expect(index!.request).toMatchObject({ method: 'GET', scheme: 'http', host: 'localhost', port: 8080, path: '/tienda1/index.jsp', httpVersion: 'HTTP/1.1' });
    expect(index!.request.cookies).toEqual({ JSESSIONID: '1F767F17239C9B670A39E9B10C3825F4' });
    expect(index!).toMatchObject({ timestamp: T0, source: { kind: 'raw-http', name: fx('csic-sample.txt') } });
    expect(index!.response).toBeUndefined();
    // %F1 is ñ in ISO-8859-1: the query decodes to the text the shop's server saw.
    expect(get!.request.query).toEqual({ id: ['3'], nombre: ['Vino Rioja'], precio: ['100'], cantidad: ['55'], B1: ['Añadir al carrito'] });
    expect(post!.request.body).toMatchObject({ contentType: 'application/x-www-form-urlencoded', text: 'id=3&nombre=Vino+Rioja&precio=100&cantidad=55&B1=A%C3%B1adir+al+carrito', truncated: false });
    // Unescaped ISO-8859-1 bytes in a header and a text body (auto: not valid UTF-8, so ISO-8859-1).
    expect(raw!.request.headers['x-customer']).toBe('José Muñoz');
    // 11 bytes as sent; normalize counts a decoded body's size in UTF-8 bytes (ñ is two).
    expect(raw!.request.body).toMatchObject({ text: 'Señor Peña\n', size: 13, truncated: false });
  });

  it('is detected from its first line, plain and gzipped, and read the same through gzip', async () => {
    expect(detectFormat(bytes('csic-sample.txt'))).toBe('raw-http');
    expect(detectFormat(gzipSync(bytes('csic-sample.txt')))).toBe('raw-http');
    expect(detectFormat(bytes('proxy-save.http'))).toBe('raw-http');
    const plain = await collect(readEventsFromStream(chunked(bytes('csic-sample.txt'), 4096), { defaultTimestamp: T0 }));
    const gz = await collect(readEventsFromStream(chunked(gzipSync(bytes('csic-sample.txt')), 100), { defaultTimestamp: T0 }));
    expect(gz).toEqual(plain);
    expect(plain.events).toHaveLength(4);
  });

  it('gives the same events and lines whatever the chunk boundaries (CRLF, bodies and lines split anywhere)', async () => {
    const whole = await collect(readEventsFromStream(chunked(bytes('csic-sample.txt'), 1 << 20), { format: 'raw-http', defaultTimestamp: T0 }));
    for (const size of [1, 2, 3, 7, 64]) {
      expect(await collect(readEventsFromStream(chunked(bytes('csic-sample.txt'), size), { format: 'raw-http', defaultTimestamp: T0 }))).toEqual(whole);
    }
  });

  it('--charset latin1 forces ISO-8859-1; --charset utf8 rejects bytes that are not UTF-8 and names the fix', async () => {
    const latin1 = await collect(readEvents(fx('csic-sample.txt'), { charset: 'latin1', defaultTimestamp: T0 }));
    expect(latin1.events[3]!.event.request.headers['x-customer']).toBe('José Muñoz');
    const utf8 = await collect(readEvents(fx('csic-sample.txt'), { charset: 'utf8', defaultTimestamp: T0 }));
    expect(utf8.events).toHaveLength(3);
    expect(utf8.rejects).toEqual([{ source: fx('csic-sample.txt'), line: 30, reason: expect.stringMatching(/invalid UTF-8 .*--charset latin1/) }]);
    // utf8 keeps ISO-8859-1 escapes as sent: normalize cannot decode them and leaves them escaped.
    expect(utf8.events[1]!.event.request.query.B1).toEqual(['A%F1adir al carrito']);
  });

  it('takes the file modification time as the timestamp when the request has no Date header', async () => {
    utimesSync(fx('proxy-save.http'), new Date('2025-05-06T07:08:09Z'), new Date('2025-05-06T07:08:09Z'));
    const { events } = await collect(readEvents(fx('proxy-save.http')));
    expect(events[0]!.event.timestamp).toBe('2025-05-06T07:08:09.000Z');
  });
});

describe('raw HTTP dumps: a proxy\'s saved request', () => {
  it('reads an origin-form request with a Host header, UTF-8 JSON body and no final line end', async () => {
    const { events, rejects } = await collect(readEvents(fx('proxy-save.http'), { defaultTimestamp: T0 }));
    expect(rejects).toEqual([]);
    assertSchema(events);
    expect(events[0]!.event.request).toMatchObject({
      method: 'POST', host: 'shop.example.com', path: '/api/v1/comments', query: { draft: ['true'] },
      cookies: { sid: '9f8e7d', theme: 'dark' }, body: { contentType: 'application/json', text: '{"name":"Zoë","comment":"ça va"}', size: 34 },
    });
  });

  it('reads a chunked body, unfolds a folded header and accepts LF-only line ends', async () => {
    const { events, rejects } = await collect(readEvents(fx('chunked.txt'), { defaultTimestamp: T0 }));
    expect(rejects).toEqual([]);
    expect(events.map((e) => e.line)).toEqual([1, 16]);
    expect(events[0]!.event.request.body).toMatchObject({ text: '{"a":1,"b":2}', size: 13 });
    expect(events[0]!.event.request.headers['x-folded']).toBe('first second');
    expect(events[1]!.event.request.path).toBe('/api/items/8');
  });

  it('uses --host for an origin-form request without a Host header, and rejects it without one', async () => {
    const req = Buffer.from('GET /health HTTP/1.1\r\nAccept: */*\r\n\r\n');
    const withHost = await collect(readEventsFromStream(chunked(req, 100), { format: 'raw-http', defaultHost: 'api.internal', defaultTimestamp: T0 }));
    expect(withHost.events[0]!.event.request).toMatchObject({ host: 'api.internal', path: '/health' });
    const without = await collect(readEventsFromStream(chunked(req, 100), { format: 'raw-http', defaultTimestamp: T0 }));
    expect(without.rejects).toEqual([{ source: 'raw-http', line: 1, reason: expect.stringMatching(/request\.host: missing/) }]);
  });
});

describe('raw HTTP dumps: bad input is a counted reject with its line, never a crash or silent loss', () => {
  it('skips a bad request line in the middle to the next request line: one reject, the requests after it are read', async () => {
    const { events, rejects } = await collect(readEvents(fx('bad-line-middle.txt'), { defaultTimestamp: T0 }));
    expect(rejects).toEqual([{ source: fx('bad-line-middle.txt'), line: 10, reason: expect.stringMatching(/not an HTTP request line/) }]);
    expect(events.map((e) => [e.line, e.event.request.method, e.event.request.path])).toEqual([
      [1, 'GET', '/tienda1/index.jsp'],
      [14, 'POST', '/tienda1/publico/anadir.jsp'],
      [25, 'GET', '/tienda1/publico/anadir.jsp'],
    ]);
  });

  it('rejects a request whose body the end of the file cut, and keeps the ones before it', async () => {
    const { events, rejects } = await collect(readEvents(fx('truncated.txt'), { defaultTimestamp: T0 }));
    expect(events.map((e) => e.line)).toEqual([1]);
    expect(rejects).toEqual([{ source: fx('truncated.txt'), line: 10, reason: 'truncated request: Content-Length is 68 but the input ends after 40 body bytes' }]);
  });

  it('rejects a head cut mid-line by the end of input, and a truncated gzip stream', async () => {
    const cut = Buffer.from('GET /a HTTP/1.1\r\nHost: a.example\r\n\r\nGET /b HTTP/1.1\r\nHost: b.exa');
    const r = await collect(readEventsFromStream(chunked(cut, 16), { format: 'raw-http', defaultTimestamp: T0 }));
    expect(r.events).toHaveLength(1);
    expect(r.rejects).toEqual([{ source: 'raw-http', line: 4, reason: 'truncated request: end of input inside the headers' }]);
    const gz = gzipSync(bytes('csic-sample.txt'));
    const g = await collect(readEventsFromStream(chunked(gz.subarray(0, gz.length - 40), 64), { format: 'raw-http', defaultTimestamp: T0 }));
    expect(g.rejects.at(-1)?.reason).toMatch(/gzip data is truncated or corrupt/);
    expect(g.rejects.length + g.events.length).toBeGreaterThanOrEqual(4);
  });

  it('bounds header count, line length and request size, and finds the next request after each', async () => {
    const many = ['GET /many HTTP/1.1', 'Host: a.example', ...Array.from({ length: 30 }, (_, i) => `X-H${i}: v`)].join('\r\n') + '\r\n\r\n';
    const long = `GET /long HTTP/1.1\r\nHost: a.example\r\nX-Long: ${'a'.repeat(5000)}\r\n\r\n`;
    const big = 'POST /big HTTP/1.1\r\nHost: a.example\r\nContent-Length: 999999999\r\n\r\nxxxxxxxx\r\n';
    const ok = 'GET /ok HTTP/1.1\r\nHost: a.example\r\n\r\n';
    const input = Buffer.from(many + ok + long + ok + big + ok);
    const s = new RawHttpScanner({ maxHeaders: 20, maxLineBytes: 1024, maxRequestBytes: 100_000 });
    const items: RawHttpItem[] = [];
    for (let i = 0; i < input.length; i += 333) items.push(...s.push(input.subarray(i, i + 333)));
    items.push(...s.end());
    const summary = items.map((it) => (it.kind === 'error' ? `reject@${it.line}: ${it.reason}` : `request@${it.line}`));
    expect(summary).toEqual([
      'reject@1: too many headers (more than 20)',
      'request@34',
      'reject@37: header line longer than 1024 bytes',
      'request@41',
      'reject@44: request larger than 100000 bytes (Content-Length 999999999)',
      'request@49',
    ]);
  });

  it('caps folded header lines and the size of a request head', () => {
    const folded = `GET /f HTTP/1.1\r\nHost: a.example\r\nX-F: a\r\n${' b\r\n'.repeat(150)}\r\n`;
    const fat = `GET /g HTTP/1.1\r\nHost: a.example\r\n${Array.from({ length: 50 }, (_, i) => `X-${i}: ${'v'.repeat(900)}\r\n`).join('')}\r\n`;
    const s = new RawHttpScanner({ maxHeadBytes: 16 * 1024 });
    const items = [...s.push(Buffer.from(folded + fat + 'GET /ok HTTP/1.1\r\nHost: a.example\r\n\r\n')), ...s.end()];
    expect(items.map((it) => (it.kind === 'error' ? it.reason : `request@${it.line}`))).toEqual([
      'more than 100 folded header lines',
      'request head larger than 16384 bytes',
      'request@208',
    ]);
  });

  it('never holds more than the kept part of a body, and says the body was cut', async () => {
    const body = 'x'.repeat(200_000);
    const input = Buffer.from(`POST /upload HTTP/1.1\r\nHost: a.example\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    const { events } = await collect(readEventsFromStream(chunked(input, 8192), { format: 'raw-http', defaultTimestamp: T0 }));
    expect(events[0]!.event.request.body).toMatchObject({ size: 200_000, truncated: true });
    expect(events[0]!.event.request.body!.text!.length).toBe(DEFAULT_LIMITS.maxBodyBytes);
  });

  it('rejects conflicting Content-Length headers and malformed header lines without losing the next request', async () => {
    const input = Buffer.from(
      'POST /a HTTP/1.1\r\nHost: a.example\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd\r\n' +
        'GET /b HTTP/1.1\r\nHost: a.example\r\nno colon here\r\n\r\n' +
        'GET /c HTTP/1.1\r\nHost: a.example\r\n\r\n',
    );
    const { events, rejects } = await collect(readEventsFromStream(chunked(input, 5), { format: 'raw-http', defaultTimestamp: T0 }));
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [1, 'invalid or conflicting Content-Length'],
      [7, 'malformed header line 9 (expected "Name: value")'],
    ]);
    expect(events.map((e) => e.event.request.path)).toEqual(['/c']);
  });
});

describe('raw HTTP helpers', () => {
  it('re-encodes ISO-8859-1 escapes as UTF-8 escapes only when they are not UTF-8 already (auto)', () => {
    expect(transcodeEscapes('B1=A%F1adir', 'auto')).toBe('B1=A%C3%B1adir');
    expect(transcodeEscapes('B1=A%C3%B1adir', 'auto')).toBe('B1=A%C3%B1adir');
    expect(transcodeEscapes('B1=A%C3%B1adir', 'latin1')).toBe('B1=A%C3%83%C2%B1adir');
    expect(transcodeEscapes('x=%27%3B%25&y=%', 'auto')).toBe('x=%27%3B%25&y=%');
    expect(transcodeEscapes('a=%F1', 'utf8')).toBe('a=%F1');
  });

  it('patterns that run on the dump are ReDoS-safe', () => {
    for (const re of [REQUEST_LINE, HEADER_NAME, RAW_HTTP_HEAD]) expect(isSafe(re).safe).toBe(true);
  });
});
