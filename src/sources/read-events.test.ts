import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ApiEvent } from '../contracts/api-event.js';
import { readEvents, readEventsFromStream } from './read-events.js';
import { chunked, collect } from './test-helpers.js';

const fx = (name: string) => join(import.meta.dirname, 'fixtures', name);
const tmp = mkdtempSync(join(tmpdir(), 'bulwark-sources-'));

function assertSchema(events: Array<{ event: unknown }>) {
  for (const { event } of events) expect(ApiEvent.safeParse(event).success).toBe(true);
}

describe('HAR', () => {
  it('reads a Chrome devtools export: HTTP/2 pseudo-headers, POST JSON, base64 body, blocked request', async () => {
    const { events, rejects } = await collect(readEvents(fx('chrome.har')));
    expect(rejects).toEqual([]);
    expect(events.map((e) => e.line)).toEqual([1, 2, 3, 4]);
    assertSchema(events);
    const [get, post, img, blocked] = events.map((e) => e.event);
    expect(get!.request).toMatchObject({
      method: 'GET', scheme: 'https', host: 'api.shop.example.com', path: '/v1/products',
      query: { category: ['books'], page: ['2'] }, cookies: { sid: '9f8e7d', theme: 'dark' },
      tlsVersion: 'TLS 1.3', httpVersion: 'HTTP/2',
    });
    expect(Object.keys(get!.request.headers).some((h) => h.startsWith(':'))).toBe(false);
    expect(get!.request.clientAddress).toBeUndefined();
    expect(get!.response?.headers['set-cookie']).toBe('a=1; Path=/\nb=2; Path=/');
    expect(get!).toMatchObject({ timestamp: '2026-03-02T09:15:01.532Z', latencyMs: 48.21, source: { kind: 'har' } });
    expect(post!.request.body).toMatchObject({ contentType: 'application/json', truncated: false, size: 67 });
    expect(JSON.parse(post!.request.body!.text!)).toMatchObject({ email: 'jane.doe@example.com' });
    expect(post!.response).toMatchObject({ status: 201, headers: { location: '/v1/orders/5501' } });
    expect(img!.response?.body).toMatchObject({ encoding: 'base64', contentType: 'image/png', size: 69, truncated: false });
    expect(blocked!.response).toBeUndefined();
    expect(blocked!.latencyMs).toBeUndefined();
  });

  it('reads a Firefox export: form params rebuilt as a body, zone offsets converted to UTC, explicit port', async () => {
    const { events, rejects } = await collect(readEvents(fx('firefox.har')));
    expect(rejects).toEqual([]);
    assertSchema(events);
    const [login, me] = events.map((e) => e.event);
    expect(login!.timestamp).toBe('2026-03-02T09:00:01.250Z');
    expect(login!.request).toMatchObject({ scheme: 'http', host: 'intranet.example.org', port: 8080, path: '/account/login', cookies: { JSESSIONID: 'ABC123' } });
    expect(login!.request.body?.text).toBe('username=jdoe&password=hunter2%20%26%20more');
    expect(login!.response?.status).toBe(302);
    expect(me!.request.query).toEqual({ fields: ['name,email'] });
  });

  it('reads a mitmproxy export with a binary (base64) response', async () => {
    const { events, rejects } = await collect(readEvents(fx('mitmproxy.har')));
    expect(rejects).toEqual([]);
    assertSchema(events);
    expect(events.map((e) => e.event.request.method)).toEqual(['PUT', 'DELETE']);
    expect(events[0]!.event.response?.body).toMatchObject({ encoding: 'base64', text: '3q2+7w==', size: 4 });
    expect(events[0]!.event.request.headers['x-api-key']).toBe('pk_live_51HxYzAbCdEf');
    expect(events[1]!.event.response).toEqual({ status: 204, headers: {} });
  });

  it('gives the same result for every chunk size (entries split across chunks)', async () => {
    const data = readFileSync(fx('chrome.har'));
    const whole = await collect(readEventsFromStream(chunked(data, data.length), { fileName: 'c.har' }));
    for (const size of [1, 7, 64, 1000]) {
      const got = await collect(readEventsFromStream(chunked(data, size), { fileName: 'c.har' }));
      expect(got).toEqual(whole);
    }
  });

  it('reads gzipped HAR transparently and reports progress on the compressed bytes', async () => {
    const gz = join(tmp, 'capture.har.gz');
    writeFileSync(gz, gzipSync(readFileSync(fx('chrome.har'))));
    const progress: Array<[number, number]> = [];
    const { events } = await collect(readEvents(gz, { onProgress: (a, b) => progress.push([a, b]) }));
    expect(events).toHaveLength(4);
    const size = readFileSync(gz).length;
    expect(progress.at(-1)).toEqual([size, size]);
  });

  it('yields complete entries of a truncated file, then a reject for the cut entry', async () => {
    const data = readFileSync(fx('chrome.har'));
    const cut = data.subarray(0, data.indexOf('"_resourceType": "image"'));
    writeFileSync(join(tmp, 'cut.har'), cut);
    const { events, rejects } = await collect(readEvents(join(tmp, 'cut.har')));
    expect(events).toHaveLength(2);
    expect(rejects).toEqual([{ source: join(tmp, 'cut.har'), line: 3, reason: 'entry truncated: input ended inside it' }]);
  });

  it('reports a file cut between entries, and a truncated gzip stream', async () => {
    const data = readFileSync(fx('mitmproxy.har'));
    const between = data.subarray(0, data.lastIndexOf('\n    ]'));
    const r1 = await collect(readEventsFromStream(chunked(between, 100), { fileName: 'x.har' }));
    expect(r1.events).toHaveLength(2);
    expect(r1.rejects.map((r) => r.reason)).toEqual(['input ended after entry 2, before the end of "log.entries" (truncated file)']);

    const gz = gzipSync(data);
    const r2 = await collect(readEventsFromStream(chunked(gz.subarray(0, gz.length - 40), 50), { fileName: 'x.har.gz', format: 'har' }));
    expect(r2.rejects.map((r) => r.reason)).toContain('gzip data is truncated or corrupt');
  });

  it('rejects bad entries by index and keeps the good ones', async () => {
    const good = (i: number) => JSON.stringify({ startedDateTime: '2026-01-01T00:00:00Z', time: 1, request: { method: 'GET', url: `https://a.example.com/items/${i}`, headers: [] }, response: { status: 200, headers: [], content: { size: 0 } } });
    const deep = '{"request":' + '['.repeat(80) + ']'.repeat(80) + '}';
    const badUtf8 = Buffer.concat([Buffer.from('{"request":{"method":"GET","url":"https://a.example.com/'), Buffer.from([0xff, 0xfe]), Buffer.from('"}}')]);
    const entries = [good(1), '{"request": {"method": "GET", "url": }}', '42', deep, good(5), '{"request":{"method":"GET","url":"nope"}}', '{"startedDateTime":"2026-01-01T00:00:00Z"}'];
    const doc = Buffer.concat([Buffer.from(`{"log":{"version":"1.2","creator":{"name":"t","version":"1"},"entries":[${entries.join(',')},`), badUtf8, Buffer.from(']}}')]);
    const { events, rejects } = await collect(readEventsFromStream(chunked(doc, 13), { fileName: 't.har' }));
    expect(events.map((e) => [e.line, e.event.request.path])).toEqual([[1, '/items/1'], [5, '/items/5']]);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [2, 'entry is not valid JSON'],
      [3, 'entry is not a JSON object'],
      [4, 'entry JSON nested deeper than 64 levels'],
      [6, 'request.url: not a valid URL'],
      [7, 'entry has no "request" object'],
      [8, 'invalid UTF-8 in entry'],
    ]);
  });

  it('rejects an entry larger than the cap without holding it, and goes on', async () => {
    const big = JSON.stringify({ request: { method: 'POST', url: 'https://a.example.com/up', postData: { mimeType: 'text/plain', text: 'x'.repeat(300_000) } } });
    const ok = JSON.stringify({ startedDateTime: '2026-01-01T00:00:00Z', request: { method: 'GET', url: 'https://a.example.com/ok' } });
    const doc = Buffer.from(`{"log":{"entries":[${big},${ok}]}}`);
    const { events, rejects } = await collect(readEventsFromStream(chunked(doc, 4096), { format: 'har', maxRecordBytes: 100_000 }));
    expect(events.map((e) => e.event.request.path)).toEqual(['/ok']);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ line: 1 });
    expect(rejects[0]!.reason).toMatch(/^entry larger than 100000 bytes \(\d+ bytes\)$/);
  });

  it('says so when a file given as HAR has no log.entries', async () => {
    const { events, rejects } = await collect(readEvents(fx('nginx-combined.log'), { format: 'har' }));
    expect(events).toEqual([]);
    expect(rejects.map((r) => r.reason)).toEqual(['not a HAR file: no "log.entries" array found']);
  });

  it('streams a 20k-entry HAR with bounded memory and loses nothing', async () => {
    const path = join(tmp, 'big.har');
    const entry = (i: number) => JSON.stringify({
      startedDateTime: '2026-01-01T00:00:00.000Z', time: 5,
      request: { method: 'POST', url: `https://api.example.com/v1/items/${i}?q=${i}`, httpVersion: 'HTTP/1.1', headers: [{ name: 'content-type', value: 'application/json' }], cookies: [], queryString: [], postData: { mimeType: 'application/json', text: JSON.stringify({ id: i, pad: 'p'.repeat(1500) }) } },
      response: { status: 200, headers: [{ name: 'content-type', value: 'application/json' }], content: { size: 20, mimeType: 'application/json', text: `{"ok":true,"n":${i}}` } },
    });
    const parts: string[] = ['{"log":{"version":"1.2","creator":{"name":"gen","version":"1"},"pages":[],"entries":[\n'];
    const n = 20_000;
    for (let i = 0; i < n; i++) parts.push((i ? ',\n' : '') + entry(i));
    parts.push('\n]}}\n');
    writeFileSync(path, parts.join(''));
    parts.length = 0;
    const fileSize = readFileSync(path).length;
    expect(fileSize).toBeGreaterThan(30 * 1024 * 1024);

    const t0 = Date.now();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let count = 0;
    let lastLine = 0;
    let rejects = 0;
    for await (const r of readEvents(path)) {
      if (r.kind === 'event') {
        count++;
        lastLine = r.line ?? 0;
      } else rejects++;
      if (count % 1000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    console.log(`big HAR: ${(fileSize / 2 ** 20).toFixed(1)} MiB, ${n} entries in ${Date.now() - t0} ms, heap growth peak ${((peak - before) / 2 ** 20).toFixed(1)} MiB`);
    expect(rejects).toBe(0);
    expect(count).toBe(n);
    expect(lastLine).toBe(n);
    // The file is > 30 MiB; a reader that buffers it (as bytes and as parsed JSON) grows by several times that.
    expect(peak - before).toBeLessThan(fileSize / 2);
  }, 120_000);
});

describe('NDJSON', () => {
  it('yields valid lines with their line numbers, skips blank lines, rejects bad ones', async () => {
    const { events, rejects } = await collect(readEvents(fx('events.ndjson')));
    assertSchema(events);
    expect(events.map((e) => e.line)).toEqual([1, 3]);
    expect(events[1]!.event.request).toMatchObject({ method: 'POST', query: { invite: ['1'] }, body: { text: '{"name":"Bob"}', contentType: 'application/json' } });
    expect(rejects).toEqual([
      { source: fx('events.ndjson'), line: 4, reason: 'invalid JSON' },
      { source: fx('events.ndjson'), line: 5, reason: 'request.method: not a known HTTP method' },
    ]);
  });

  it('rejects invalid UTF-8, non-object and over-long lines by line number; CRLF works; at any chunk size', async () => {
    const ok = '{"timestamp":1772442902000,"request":{"method":"GET","url":"https://a.example.com/x"}}';
    const accented = '{"timestamp":1772442902000,"request":{"method":"GET","url":"https://a.example.com/caf\u00e9"},"note":"café ✓"}';
    const data = Buffer.concat([
      Buffer.from(`${ok}\r\n`), Buffer.from('{"timestamp":1,"request":{"method":"GET","url":"https://a.example.com/'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}\n'),
      Buffer.from('[1,2]\n'), Buffer.from(`{"pad":"${'x'.repeat(5000)}"}\n`), Buffer.from(`${accented}\n`), Buffer.from(ok),
    ]);
    // Chunk sizes that split the multi-byte characters, the CRLF and the long line in different places.
    for (const size of [1, 7, 333, 4096, data.length]) {
      const { events, rejects } = await collect(readEventsFromStream(chunked(data, size), { format: 'ndjson', maxRecordBytes: 4096 }));
      expect(events.map((e) => e.line), `chunks of ${size}`).toEqual([1, 5, 6]);
      expect(events[1]!.event.request.path).toBe('/café');
      expect(rejects.map((r) => [r.line, r.reason]), `chunks of ${size}`).toEqual([
        [2, 'invalid UTF-8 in line'],
        [3, 'line is not a JSON object'],
        [4, 'line longer than 4096 bytes (5010 bytes)'],
      ]);
    }
  });
});

describe('access logs', () => {
  it('nginx combined: needs a host; takes $request_time, X-Forwarded-For and $host from the extension', async () => {
    const { events, rejects } = await collect(readEvents(fx('nginx-combined.log')));
    assertSchema(events);
    expect(events.map((e) => e.line)).toEqual([3, 6]);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [1, 'no host in the log line: add $host to log_format or pass a default host'],
      [2, 'no host in the log line: add $host to log_format or pass a default host'],
      [5, 'request is not "METHOD target PROTOCOL"'],
    ]);
    expect(events[0]!.event).toMatchObject({ latencyMs: 4, response: { status: 404 }, request: { host: 'api.example.com', clientAddress: '203.0.113.9', headers: { 'user-agent': 'curl/8.5.0' } } });
    expect(events[1]!.event.request.headers).toMatchObject({ 'x-forwarded-for': '10.0.0.5, 172.16.0.1', 'user-agent': 'kube-probe/1.29' });
  });

  it('nginx combined with a default host: time zone, referer, body size', async () => {
    const { events } = await collect(readEvents(fx('nginx-combined.log'), { defaultHost: 'shop.example.com' }));
    expect(events.map((e) => e.line)).toEqual([1, 2, 3, 6]);
    const post = events[1]!.event;
    expect(post).toMatchObject({ timestamp: '2026-03-02T08:15:02.000Z', request: { method: 'POST', host: 'shop.example.com', path: '/v1/orders', clientAddress: '198.51.100.23' }, response: { status: 201, body: { size: 33 } } });
    expect(events[0]!.event.request.headers.referer).toBe('https://shop.example.com/');
    expect(events[0]!.event.request.query).toEqual({ category: ['books'] });
  });

  it('envoy default format: authority, request id, duration, byte counts, status 0 = no response', async () => {
    const { events, rejects } = await collect(readEvents(fx('envoy.log')));
    expect(rejects).toEqual([]);
    assertSchema(events);
    const [post, get, dropped] = events.map((e) => e.event);
    expect(post).toMatchObject({ latencyMs: 226, request: { method: 'POST', host: 'locations.internal', path: '/api/v1/locations', httpVersion: 'HTTP/2', body: { size: 154 }, headers: { 'x-request-id': 'cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2', 'user-agent': 'nsq2http', 'x-forwarded-for': '10.0.35.28' } }, response: { status: 204 } });
    expect(post!.request.clientAddress).toBeUndefined();
    expect(get).toMatchObject({ latencyMs: 12, request: { query: { expand: ['geo'] } }, response: { status: 200, body: { size: 845 } } });
    expect(dropped!.response).toBeUndefined();
  });

  it('rejects lines that are not the declared log format, with line numbers', async () => {
    const data = Buffer.from('[2026-03-02T09:15:01.310Z] "GET / HTTP/1.1" 200 - 0 0 1 1 "-" "ua" "id" "h.example.com" "u"\nthis is not envoy\n[bad "unterminated\n');
    const { events, rejects } = await collect(readEventsFromStream(chunked(data, 10), { format: 'envoy' }));
    expect(events).toHaveLength(1);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [2, 'not an Envoy default access log line'],
      [3, 'not an Envoy default access log line'],
    ]);
  });
});

describe('JSON logs', () => {
  it('Kong file-log: url, decoded querystring, TLS, client, latencies, started_at', async () => {
    const { events, rejects } = await collect(readEvents(fx('kong-file-log.ndjson')));
    expect(rejects).toEqual([]);
    assertSchema(events);
    expect(events[0]!.event).toMatchObject({
      timestamp: '2026-03-02T09:15:01.538Z', latencyMs: 173, source: { kind: 'kong' },
      request: { method: 'GET', scheme: 'https', host: 'api.example.com', port: 8443, path: '/example-route/users', query: { id: ['7'], debug: [''] }, tlsVersion: 'TLSv1.3', clientAddress: '192.168.65.1', headers: { apikey: 'kong-key-1234' } },
      response: { status: 200 },
    });
    expect(events[1]!.event).toMatchObject({ request: { method: 'POST', scheme: 'http', path: '/admin/stats' }, response: { status: 401 } });
  });

  it('API Gateway: REST and HTTP API records; "-" fields read as absent', async () => {
    const { events, rejects } = await collect(readEvents(fx('aws-apigw.log')));
    assertSchema(events);
    expect(events[0]!.event).toMatchObject({ timestamp: '2026-03-02T09:15:01.000Z', latencyMs: 35, request: { method: 'GET', host: 'abc123.execute-api.us-east-1.amazonaws.com', path: '/prod/pets/42', clientAddress: '198.51.100.1', headers: { 'user-agent': 'okhttp/4.12.0' } }, response: { status: 200, body: { size: 87 } } });
    expect(events[1]!.event).toMatchObject({ timestamp: '2026-03-02T09:15:02.123Z', latencyMs: 18, request: { method: 'POST', path: '/orders', host: 'api.example.com' }, response: { status: 201 } });
    expect(rejects).toEqual([{ source: fx('aws-apigw.log'), line: 3, reason: 'API Gateway record has no httpMethod or routeKey' }]);
  });

  it('Caddy: TLS version number, duration in seconds, REDACTED auth header kept as present', async () => {
    const { events, rejects } = await collect(readEvents(fx('caddy.log')));
    expect(rejects.map((r) => r.line)).toEqual([1]); // the "server running" line is not a request
    assertSchema(events);
    expect(events[0]!.event).toMatchObject({
      timestamp: '2026-03-02T09:15:01.524Z', request: { scheme: 'https', host: 'api.example.com', path: '/v1/me', query: { verbose: ['1'] }, clientAddress: '203.0.113.77', tlsVersion: 'TLSv1.3', httpVersion: 'HTTP/2', headers: { authorization: 'REDACTED' } },
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: { size: 10900 } },
    });
    expect(events[0]!.event.latencyMs).toBeCloseTo(0.93, 2);
  });

  it('Traefik: Duration in ns, request_/downstream_ headers', async () => {
    const { events, rejects } = await collect(readEvents(fx('traefik.log')));
    expect(rejects).toEqual([]);
    assertSchema(events);
    expect(events[0]!.event).toMatchObject({
      timestamp: '2026-03-02T09:15:01.123Z', latencyMs: 1.234567,
      request: { method: 'GET', scheme: 'https', host: 'api.example.com', path: '/api/v1/users', query: { id: ['2'] }, clientAddress: '192.168.1.10', headers: { authorization: 'Bearer abc.def.ghi', 'user-agent': 'curl/8.5.0' } },
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: { size: 57 } },
    });
  });

  it('flat JSON lines (nginx JSON log_format style)', async () => {
    const data = Buffer.from(`${JSON.stringify({ time_iso8601: '2026-03-02T09:15:01+00:00', remote_addr: '203.0.113.1', request: 'GET /v1/ping?x=1 HTTP/1.1', status: '200', body_bytes_sent: '5', request_time: '0.010', http_host: 'api.example.com', http_user_agent: 'curl/8' })}\n${JSON.stringify({ level: 'info', msg: 'started' })}\n`);
    const { events, rejects } = await collect(readEventsFromStream(chunked(data, 64), { format: 'json-log' }));
    expect(events[0]!.event).toMatchObject({ latencyMs: 10, request: { method: 'GET', host: 'api.example.com', path: '/v1/ping', clientAddress: '203.0.113.1', headers: { 'user-agent': 'curl/8' } }, response: { status: 200, body: { size: 5 } } });
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([[2, 'JSON log line has no recognisable method and URL/path fields']]);
  });
});

describe('format detection in readEvents', () => {
  it('detects every fixture (and the same files gzipped, without a .gz name)', async () => {
    const expected: Record<string, string> = {
      'chrome.har': 'har', 'firefox.har': 'har', 'mitmproxy.har': 'har', 'events.ndjson': 'ndjson', 'nginx-combined.log': 'nginx',
      'envoy.log': 'envoy', 'kong-file-log.ndjson': 'kong', 'aws-apigw.log': 'aws-apigw', 'caddy.log': 'json-log', 'traefik.log': 'json-log',
    };
    for (const [file, kind] of Object.entries(expected)) {
      const gz = join(tmp, `${file}.bin`);
      writeFileSync(gz, gzipSync(readFileSync(fx(file))));
      const { events } = await collect(readEvents(gz, { defaultHost: 'h.example.com' }));
      expect(events.length, file).toBeGreaterThan(0);
      expect(events[0]!.event.source.kind, file).toBe(kind);
    }
  });

  it('an undetectable file is one reject, not a crash', async () => {
    const p = join(tmp, 'mystery.txt');
    writeFileSync(p, 'hello world\nthis is not traffic\n');
    const { events, rejects } = await collect(readEvents(p));
    expect(events).toEqual([]);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]!.reason).toMatch(/^could not detect the file format/);
  });

  it('a missing file is a not_found error', async () => {
    await expect(collect(readEvents(join(tmp, 'nope.har')))).rejects.toMatchObject({ code: 'not_found' });
  });
});
