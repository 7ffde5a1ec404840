import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fileChunks } from './byte-input.js';
import { readEvents } from './read-events.js';

const dir = mkdtempSync(join(tmpdir(), 'bulwark-chunks-'));

describe('fileChunks', () => {
  it('yields the file in chunks of the given size, the last one shorter, each in a buffer of its own', async () => {
    const bytes = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 251));
    const file = join(dir, 'bytes.bin');
    writeFileSync(file, bytes);
    const chunks: Buffer[] = [];
    for await (const c of fileChunks(file, 4096)) chunks.push(c);
    expect(chunks.map((c) => c.length)).toEqual([4096, 4096, 1808]);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    // Lines refer into chunks across batches: no chunk may share memory with the next.
    expect(new Set(chunks.map((c) => c.buffer)).size).toBe(3);
  });

  it('yields nothing for an empty file', async () => {
    const file = join(dir, 'empty.bin');
    writeFileSync(file, '');
    const chunks: Buffer[] = [];
    for await (const c of fileChunks(file)) chunks.push(c);
    expect(chunks).toEqual([]);
  });

  it('lets timers run between chunks, as a read stream did', async () => {
    const file = join(dir, 'many.bin');
    writeFileSync(file, Buffer.alloc(64 * 1024));
    let fired = 0;
    const timer = setInterval(() => fired++, 0);
    let chunks = 0;
    try {
      for await (const _ of fileChunks(file, 1024)) {
        chunks++;
        // Busy for a while on each chunk, as parsing is: only a turn of the event loop lets the timer fire.
        const until = Date.now() + 2;
        while (Date.now() < until);
      }
    } finally {
      clearInterval(timer);
    }
    expect(chunks).toBe(64);
    expect(fired).toBeGreaterThan(10);
  });

  it('reads lines that span chunk boundaries whole (readEvents over a file bigger than a chunk)', async () => {
    const file = join(dir, 'events.ndjson');
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) {
      // About 1.2 KB each: 400 lines cross the 256 KiB chunk boundary.
      lines.push(JSON.stringify({ timestamp: '2026-11-24T10:00:00.000Z', request: { method: 'GET', host: 'api.example.com', path: `/items/${i}`, headers: { 'x-pad': 'p'.repeat(1100) } }, response: { status: 200 } }));
    }
    writeFileSync(file, lines.join('\n') + '\n');
    const paths: string[] = [];
    for await (const r of readEvents(file, { format: 'ndjson' })) {
      expect(r.kind).toBe('event');
      if (r.kind === 'event') paths.push(r.event.request.path);
    }
    expect(paths).toEqual(lines.map((_, i) => `/items/${i}`));
  });
});

describe('a consumer that stops early', () => {
  const openFds = () => readdirSync('/proc/self/fd').length;
  const file = join(dir, 'stop-early.ndjson');
  const line = JSON.stringify({ timestamp: '2026-11-24T10:00:00.000Z', request: { method: 'GET', host: 'api.example.com', path: '/x', headers: {} }, response: { status: 200 } });
  writeFileSync(file, `${line}\n`.repeat(2000));
  // Random padding, so the compressed file spans several chunks and is not read ahead whole.
  const gz = join(dir, 'stop-early.ndjson.gz');
  const padded = Array.from({ length: 4000 }, () => line.replace('"headers":{}', `"headers":{"x-pad":"${randomBytes(150).toString('hex')}"}`));
  writeFileSync(gz, gzipSync(padded.join('\n') + '\n'));
  expect(readFileSync(gz).length).toBeGreaterThan(2 * 256 * 1024);

  it.each([
    ['a break, format given', file, { format: 'ndjson' as const }],
    ['a break, format sniffed', file, {}],
    ['a break, gzip', gz, {}],
  ])('closes the file on %s', async (_label, path, opts) => {
    const before = openFds();
    for (let i = 0; i < 5; i++) {
      for await (const r of readEvents(path, opts)) {
        expect(r.kind).toBe('event');
        break;
      }
    }
    expect(openFds()).toBe(before);
  });

  it('closes the file when the consumer throws', async () => {
    const before = openFds();
    for (let i = 0; i < 5; i++) {
      await expect(async () => {
        for await (const _ of readEvents(file, { format: 'ndjson' })) throw new Error('consumer failed');
      }).rejects.toThrow('consumer failed');
    }
    expect(openFds()).toBe(before);
  });
});
