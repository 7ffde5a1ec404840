import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExportsConfig } from './config.js';
import { createIssueExporters, verifyWebhookSignature, type IssueDocument, type IssueExporters } from './exporters.js';
import { sampleItem } from './fixtures/items.js';
import { captureLogger, parseCef, parseRfc5424 } from './fixtures/readers.js';
import { toExportDocument, toJsonLine } from './payload.js';

/**
 * The exporters end to end against real receivers on loopback: an HTTP server that checks every
 * delivery's signature, UDP and TCP syslog listeners that read what arrives as a SIEM would, a TLS one with
 * a certificate made by openssl at test time, and JSON lines files in a temporary directory.
 */

const SECRET = 'whsec_test_0123456789abcdef';
const WAIT_MS = 10_000;

let dir: string;
const open: Array<() => Promise<void> | void> = [];
let exporters: IssueExporters | null = null;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'bulwark-exports-'));
});
afterEach(async () => {
  await exporters?.close();
  exporters = null;
  for (const close of open.splice(0)) await close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Exporters from a config as a user writes it (parsed by the real schema), with a log capture. */
function start(config: unknown, env: Record<string, string> = {}) {
  const { logger, lines } = captureLogger();
  exporters = createIssueExporters(ExportsConfig.parse(config), { logger, env });
  return { exporters, lines };
}

/** Things that arrive, and a way to wait (bounded) until `n` have. */
function inbox<T>() {
  const items: T[] = [];
  const waiters: Array<() => void> = [];
  return {
    items,
    add(item: T) {
      items.push(item);
      for (const w of waiters.splice(0)) w();
    },
    async waitFor(n: number): Promise<T[]> {
      const deadline = Date.now() + WAIT_MS;
      while (items.length < n) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`waited for ${n} messages, got ${items.length}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return items;
    },
  };
}

interface Delivery {
  headers: http.IncomingHttpHeaders;
  body: string;
  signatureValid: boolean;
}

/** A webhook receiver: answers each delivery with `status(n)` (n from 0), or holds it until `release()` when 'hold'. */
async function webhookReceiver(status: (n: number) => number | 'hold' = () => 200) {
  const deliveries: Delivery[] = [];
  const held: http.ServerResponse[] = [];
  let releasing = false;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const n = deliveries.length;
      deliveries.push({ headers: req.headers, body: raw.toString('utf8'), signatureValid: verifyWebhookSignature(SECRET, req.headers['x-bulwark-signature'] as string | undefined, raw, 300) });
      const answer = status(n);
      if (answer === 'hold' && !releasing) held.push(res);
      else res.writeHead(answer === 'hold' ? 200 : answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push(() => server.closeAllConnections(), () => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/bulwark?token=receiver-token`,
    deliveries,
    release() {
      releasing = true;
      for (const res of held.splice(0)) res.writeHead(200).end();
    },
  };
}

/** Octet-counted (RFC 6587 §3.4.1) or newline-framed messages out of a TCP byte stream. */
function deframe(framing: 'octet-counting' | 'newline', onMessage: (m: string) => void) {
  let buf = Buffer.alloc(0);
  return (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (framing === 'newline') {
        const nl = buf.indexOf(0x0a);
        if (nl < 0) return;
        onMessage(buf.subarray(0, nl).toString('utf8'));
        buf = buf.subarray(nl + 1);
        continue;
      }
      const sp = buf.indexOf(0x20);
      if (sp < 0) return;
      const len = Number(buf.subarray(0, sp).toString('ascii'));
      if (!/^[1-9]\d*$/.test(buf.subarray(0, sp).toString('ascii'))) throw new Error('bad octet count');
      if (buf.length < sp + 1 + len) return;
      onMessage(buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
      buf = buf.subarray(sp + 1 + len);
    }
  };
}

/** A TCP (or TLS, given a key and certificate) syslog listener on loopback. */
async function streamListener(framing: 'octet-counting' | 'newline', credentials?: { key: Buffer; cert: Buffer }) {
  const messages = inbox<string>();
  let connections = 0;
  const onSocket = (socket: net.Socket) => {
    connections += 1;
    socket.on('data', deframe(framing, (m) => messages.add(m)));
    socket.on('error', () => undefined);
  };
  const server = credentials ? tls.createServer(credentials, onSocket) : net.createServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as net.AddressInfo).port, messages, connections: () => connections };
}

async function udpListener() {
  const messages = inbox<{ text: string; bytes: number }>();
  const socket = dgram.createSocket('udp4');
  socket.on('message', (m) => messages.add({ text: m.toString('utf8'), bytes: m.length }));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  open.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return { port: socket.address().port, messages };
}

const high = (id: string, over: Parameters<typeof sampleItem>[0] = {}) => sampleItem({ id, severity: 'high', ...over });

describe('webhooks', () => {
  it('POSTs each issue at or above minSeverity, signed, with its event id; the receiver verifies every signature', async () => {
    const receiver = await webhookReceiver();
    const { exporters: ex } = start({ webhooks: [{ url: receiver.url, secretEnv: 'HOOK_SECRET' }] }, { HOOK_SECRET: SECRET });
    ex.publish([high('iss_1'), sampleItem({ id: 'iss_low', severity: 'low' }), high('iss_2', { severity: 'critical' })]);
    await ex.flush();
    expect(receiver.deliveries).toHaveLength(2);
    const docs = receiver.deliveries.map((d) => JSON.parse(d.body) as IssueDocument);
    expect(docs.map((d) => d.issue.id)).toEqual(['iss_1', 'iss_2']);
    for (const [i, d] of receiver.deliveries.entries()) {
      expect(d.signatureValid).toBe(true);
      expect(d.headers['content-type']).toBe('application/json');
      expect(d.headers['x-bulwark-event-id']).toBe(docs[i]?.event_id);
      expect(d.headers['x-bulwark-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(d.headers['user-agent']).toMatch(/^Bulwark\/\d+\.\d+\.\d+/);
    }
    expect(docs[0]?.case).toMatchObject({ id: 'case_01', ref: 'C-7', status: 'new' });
    expect(docs[0]?.issue).not.toHaveProperty('exchange');
    expect(ex.stats()).toEqual([{ name: 'webhooks[0]', kind: 'webhook', sent: 2, failed: 0, dropped: 0, queued: 0, retries: 0 }]);
  });

  it('includes the redacted exchange when includeExchange is on', async () => {
    const receiver = await webhookReceiver();
    const { exporters: ex } = start({ webhooks: [{ url: receiver.url, secret: SECRET, includeExchange: true }] });
    ex.publish([high('iss_1')]);
    await ex.flush();
    expect(JSON.parse(receiver.deliveries[0]?.body ?? '{}').issue.exchange.response.body.text).toBe('EXCHANGE-BODY-MARKER');
  });

  it('retries after a 500 and delivers the same event, signed afresh', async () => {
    const receiver = await webhookReceiver((n) => (n === 0 ? 500 : 200));
    const { exporters: ex } = start({ webhooks: [{ url: receiver.url, secret: SECRET, retryBackoffMs: 5 }] });
    ex.publish([high('iss_1')]);
    await ex.flush();
    expect(receiver.deliveries).toHaveLength(2);
    expect(receiver.deliveries.every((d) => d.signatureValid)).toBe(true);
    expect(new Set(receiver.deliveries.map((d) => d.headers['x-bulwark-event-id'])).size).toBe(1);
    expect(ex.stats()[0]).toMatchObject({ sent: 1, failed: 0, retries: 1 });
  });

  it('stops after maxRetries retries, and logs the failure without the secret, the URL path or the evidence', async () => {
    const receiver = await webhookReceiver(() => 503);
    const { exporters: ex, lines } = start({ webhooks: [{ url: receiver.url, secret: SECRET, maxRetries: 2, retryBackoffMs: 5 }] });
    ex.publish([high('iss_1', { evidence: 'EVIDENCE-MARKER' })]);
    await ex.flush();
    expect(receiver.deliveries).toHaveLength(3);
    expect(ex.stats()[0]).toMatchObject({ sent: 0, failed: 1, retries: 2 });
    const log = lines.join('');
    expect(log).toContain('"reason":"HTTP 503"');
    for (const secret of [SECRET, 'receiver-token', '/hooks/bulwark', 'EVIDENCE-MARKER']) expect(log).not.toContain(secret);
  });

  it('does not retry a 400', async () => {
    const receiver = await webhookReceiver(() => 400);
    const { exporters: ex } = start({ webhooks: [{ url: receiver.url, secret: SECRET, retryBackoffMs: 5 }] });
    ex.publish([high('iss_1')]);
    await ex.flush();
    expect(receiver.deliveries).toHaveLength(1);
    expect(ex.stats()[0]).toMatchObject({ failed: 1, retries: 0 });
  });

  it('retries a receiver that does not answer in time, then gives up', async () => {
    const receiver = await webhookReceiver(() => 'hold');
    const { exporters: ex } = start({ webhooks: [{ url: receiver.url, secret: SECRET, timeoutMs: 100, maxRetries: 1, retryBackoffMs: 5 }] });
    ex.publish([high('iss_1')]);
    await ex.flush();
    expect(receiver.deliveries).toHaveLength(2);
    expect(ex.stats()[0]).toMatchObject({ sent: 0, failed: 1, retries: 1 });
    receiver.release();
  });

  it('bounds its queue while the receiver is slow: the oldest waiting issues are dropped and counted', async () => {
    const receiver = await webhookReceiver(() => 'hold');
    const { exporters: ex } = start({ webhooks: [{ url: receiver.url, secret: SECRET, queueSize: 2, timeoutMs: 10_000 }] });
    ex.publish(['iss_0', 'iss_1', 'iss_2', 'iss_3', 'iss_4'].map((id) => high(id)));
    expect(ex.stats()[0]).toMatchObject({ queued: 3, dropped: 2, sent: 0 });
    receiver.release();
    await ex.flush();
    expect(receiver.deliveries.map((d) => (JSON.parse(d.body) as IssueDocument).issue.id)).toEqual(['iss_0', 'iss_3', 'iss_4']);
    expect(ex.stats()[0]).toMatchObject({ queued: 0, dropped: 2, sent: 3, failed: 0 });
  });

  it('refuses to start when the secret environment variable is missing, without echoing any value', () => {
    expect(() => start({ webhooks: [{ url: 'https://hooks.example.com/x', secretEnv: 'HOOK_SECRET' }] }, { HOOK_SECRET: 'short' })).toThrow(
      'exports: webhooks[0] needs the environment variable HOOK_SECRET set to a secret of at least 16 characters',
    );
  });
});

describe('syslog', () => {
  it('sends RFC 5424 over UDP, one message a datagram, facility local4, the issue as structured data and JSON', async () => {
    const listener = await udpListener();
    const { exporters: ex } = start({ syslog: [{ host: '127.0.0.1', port: listener.port, protocol: 'udp', hostname: 'sensor-1' }] });
    ex.publish([high('iss_1'), sampleItem({ id: 'iss_2', severity: 'critical' })]);
    await ex.flush();
    const got = (await listener.messages.waitFor(2)).map((m) => parseRfc5424(m.text));
    expect(got.map((r) => r.pri)).toEqual([20 * 8 + 3, 20 * 8 + 2]);
    expect(got[0]).toMatchObject({ timestamp: '2026-03-01T09:00:00.000Z', hostname: 'sensor-1', appName: 'bulwark', procId: String(process.pid), msgId: 'issue' });
    expect(got[0]?.sd['bulwark@32473']).toMatchObject({ issueId: 'iss_1', caseRef: 'C-7', detector: 'sqli-union-select', severity: 'high' });
    expect((JSON.parse(got[0]?.msg ?? '') as IssueDocument).issue.id).toBe('iss_1');
    expect(ex.stats()[0]).toMatchObject({ name: 'syslog[0]', kind: 'syslog', sent: 2 });
  });

  it('keeps every UDP datagram within maxMessageBytes, cut cleanly', async () => {
    const listener = await udpListener();
    const { exporters: ex } = start({ syslog: [{ host: '127.0.0.1', port: listener.port, protocol: 'udp', maxMessageBytes: 1024 }] });
    ex.publish([high('iss_big', { title: 'Ü'.repeat(200), evidence: '€'.repeat(400) })]);
    await ex.flush();
    const [m] = await listener.messages.waitFor(1);
    expect(m?.bytes).toBeLessThanOrEqual(1024);
    expect(m?.text).not.toContain('\uFFFD');
    expect(parseRfc5424(m?.text ?? '').sd['bulwark@32473']?.issueId).toBe('iss_big');
  });

  it('sends RFC 5424 over TCP with octet counting, several messages on one connection', async () => {
    const listener = await streamListener('octet-counting');
    const { exporters: ex } = start({ syslog: [{ host: '127.0.0.1', port: listener.port, protocol: 'tcp', minSeverity: 'info' }] });
    ex.publish(['iss_1', 'iss_2', 'iss_3'].map((id) => sampleItem({ id, severity: 'info', title: 'multi\nline ] "title"' })));
    await ex.flush();
    const got = (await listener.messages.waitFor(3)).map((m) => parseRfc5424(m));
    expect(got.map((r) => r.sd['bulwark@32473']?.issueId)).toEqual(['iss_1', 'iss_2', 'iss_3']);
    expect(got.map((r) => r.pri)).toEqual([166, 166, 166]);
    expect((JSON.parse(got[0]?.msg ?? '') as IssueDocument).issue.title).toBe('multi\nline ] "title"');
    expect(listener.connections()).toBe(1);
  });

  it('sends CEF behind an RFC 5424 header over TCP', async () => {
    const listener = await streamListener('octet-counting');
    const { exporters: ex } = start({ syslog: [{ host: '127.0.0.1', port: listener.port, format: 'cef', facility: 'local0' }] });
    ex.publish([high('iss_1', { title: 'a|b=c\nd' })]);
    await ex.flush();
    const [m] = await listener.messages.waitFor(1);
    const record = parseRfc5424(m ?? '');
    expect(record.pri).toBe(16 * 8 + 3);
    expect(record.sd).toEqual({});
    const cef = parseCef(record.msg);
    expect(cef.header.slice(0, 7)).toEqual(['CEF:0', 'Bulwark', 'Bulwark', expect.stringMatching(/^\d+\.\d+\.\d+/), 'sqli-union-select', 'a|b=c d', '7']);
    expect(cef.extensions).toMatchObject({ cs1Label: 'caseRef', cs1: 'C-7', suid: '3f2a9c1b7d0e4a55', request: 'api.example.com/users/{id}' });
  });

  it('sends bare CEF lines with newline framing', async () => {
    const listener = await streamListener('newline');
    const { exporters: ex } = start({ syslog: [{ host: '127.0.0.1', port: listener.port, format: 'cef', cefSyslogHeader: false, framing: 'newline' }] });
    ex.publish([high('iss_1', { evidence: 'line1\nline2' }), high('iss_2')]);
    await ex.flush();
    const got = await listener.messages.waitFor(2);
    expect(got.every((l) => l.startsWith('CEF:0|Bulwark|Bulwark|'))).toBe(true);
    expect(parseCef(got[0] ?? '').extensions.msg).toBe('line1\nline2');
    expect(parseCef(got[1] ?? '').extensions.externalId).toBe('iss_2');
  });

  it('counts a failure when nobody listens, after its retries', async () => {
    const listener = await streamListener('octet-counting');
    const { port } = listener;
    for (const close of open.splice(0)) await close(); // the port is free again: connections are refused
    const { exporters: ex, lines } = start({ syslog: [{ host: '127.0.0.1', port, maxRetries: 1, retryBackoffMs: 5 }] });
    ex.publish([high('iss_1')]);
    await ex.flush();
    expect(ex.stats()[0]).toMatchObject({ sent: 0, failed: 1, retries: 1 });
    expect(lines.join('')).toContain('"reason":"ECONNREFUSED"');
  });

  it('sends over TLS to a receiver whose certificate it trusts through caFile', async () => {
    const { keyFile, certFile } = selfSignedCertificate();
    const listener = await streamListener('octet-counting', { key: readFileSync(keyFile), cert: readFileSync(certFile) });
    const { exporters: ex } = start({ syslog: [{ host: '127.0.0.1', port: listener.port, protocol: 'tls', tls: { caFile: certFile } }] });
    ex.publish([high('iss_tls')]);
    await ex.flush();
    const [m] = await listener.messages.waitFor(1);
    expect(parseRfc5424(m ?? '').sd['bulwark@32473']?.issueId).toBe('iss_tls');
    expect(ex.stats()[0]).toMatchObject({ sent: 1, failed: 0 });
  });

  it('refuses a TLS receiver whose certificate it does not trust', async () => {
    const { keyFile, certFile } = selfSignedCertificate();
    const listener = await streamListener('octet-counting', { key: readFileSync(keyFile), cert: readFileSync(certFile) });
    const { exporters: ex } = start({ syslog: [{ host: '127.0.0.1', port: listener.port, protocol: 'tls', maxRetries: 0 }] });
    ex.publish([high('iss_tls')]);
    await ex.flush();
    expect(listener.messages.items).toEqual([]);
    expect(ex.stats()[0]).toMatchObject({ sent: 0, failed: 1 });
  });
});

/** A self-signed certificate for 127.0.0.1, made by the openssl CLI (the test fails without it). */
function selfSignedCertificate(): { keyFile: string; certFile: string } {
  const keyFile = path.join(dir, 'syslog-key.pem');
  const certFile = path.join(dir, 'syslog-cert.pem');
  if (!existsSync(certFile)) {
    const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=syslog.test', '-addext', 'subjectAltName=IP:127.0.0.1'];
    execFileSync('openssl', [...args, '-keyout', keyFile, '-out', certFile], { stdio: 'pipe', timeout: 20_000 });
  }
  return { keyFile, certFile };
}

describe('JSON lines', () => {
  it('appends one document a line (mode 0600) and rotates to .1 when the next line would pass maxBytes', async () => {
    const file = path.join(dir, 'nested', 'issues.jsonl');
    const items = ['iss_1', 'iss_2', 'iss_3', 'iss_4', 'iss_5'].map((id) => high(id));
    const lineBytes = Buffer.byteLength(toJsonLine(toExportDocument(items[0]!, { includeExchange: false })));
    const { exporters: ex } = start({ jsonl: [{ path: file, maxBytes: Math.floor(lineBytes * 2.5) }] });
    ex.publish(items);
    await ex.flush();
    const ids = (f: string) => readFileSync(f, 'utf8').split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as IssueDocument).issue.id);
    // Two lines a file: [1, 2] -> rotated, [3, 4] -> rotated (replacing the first .1), [5].
    expect(ids(`${file}.1`)).toEqual(['iss_3', 'iss_4']);
    expect(ids(file)).toEqual(['iss_5']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(ex.stats()[0]).toMatchObject({ name: 'jsonl[0]', kind: 'jsonl', sent: 5 });
  });

  it('appends to an existing file and counts its size toward rotation', async () => {
    const file = path.join(dir, 'existing.jsonl');
    const first = start({ jsonl: [{ path: file }] }).exporters;
    first.publish([high('iss_1')]);
    await first.close();
    const { exporters: ex } = start({ jsonl: [{ path: file, includeExchange: true }] });
    ex.publish([high('iss_2')]);
    await ex.flush();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as IssueDocument);
    expect(lines.map((d) => d.issue.id)).toEqual(['iss_1', 'iss_2']);
    expect(lines[1]?.issue.exchange?.response?.body?.text).toBe('EXCHANGE-BODY-MARKER');
  });
});

describe('createIssueExporters', () => {
  it('fans one publish out to every sink, and close() delivers what is queued before it returns', async () => {
    const receiver = await webhookReceiver();
    const listener = await udpListener();
    const file = path.join(dir, 'fanout.jsonl');
    const { exporters: ex } = start({
      webhooks: [{ url: receiver.url, secret: SECRET, name: 'soar' }],
      syslog: [{ host: '127.0.0.1', port: listener.port, protocol: 'udp', minSeverity: 'critical' }],
      jsonl: [{ path: file, minSeverity: 'info' }],
    });
    ex.publish([high('iss_1'), sampleItem({ id: 'iss_2', severity: 'critical' }), sampleItem({ id: 'iss_3', severity: 'info' })]);
    await ex.close();
    expect(receiver.deliveries.map((d) => (JSON.parse(d.body) as IssueDocument).issue.id)).toEqual(['iss_1', 'iss_2']);
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(3);
    await listener.messages.waitFor(1);
    expect(ex.stats().map((s) => [s.name, s.sent])).toEqual([
      ['soar', 2],
      ['syslog[0]', 1],
      ['jsonl[0]', 3],
    ]);
    ex.publish([high('iss_late')]);
    expect(ex.stats().map((s) => s.dropped)).toEqual([1, 0, 1]);
  });

  it('never throws into the caller: a malformed item is logged and skipped, the rest still go out', async () => {
    const file = path.join(dir, 'robust.jsonl');
    const { exporters: ex, lines } = start({ jsonl: [{ path: file }] });
    const broken = { issue: null, case: null } as unknown as ReturnType<typeof sampleItem>;
    expect(() => ex.publish([broken, high('iss_ok')])).not.toThrow();
    await ex.flush();
    expect(readFileSync(file, 'utf8')).toContain('"iss_ok"');
    expect(lines.join('')).toContain('issue export could not take an issue');
  });

  it('does nothing, and opens nothing, when no sink is configured', async () => {
    const { exporters: ex, lines } = start({});
    ex.publish([high('iss_1')]);
    await ex.close();
    expect(ex.stats()).toEqual([]);
    expect(lines).toEqual([]);
  });
});
