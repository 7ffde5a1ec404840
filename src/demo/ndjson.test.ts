import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiEventInput } from '../contracts/api-event.js';
import { generateDemoTraffic, writeDemoNdjson } from './estate.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bulwark-demo-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function lines(text: string): unknown[] {
  return text.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as unknown);
}

describe('writeDemoNdjson', () => {
  const opts = { seed: 11, events: 3000 };

  it('writes one parseable event per line, identical to the generator output', async () => {
    const path = join(dir, 'demo.ndjson');
    expect(await writeDemoNdjson(path, opts)).toBe(3000);
    const read = lines(await readFile(path, 'utf8'));
    expect(read).toHaveLength(3000);
    expect(read).toEqual([...generateDemoTraffic(opts)].map((e) => JSON.parse(JSON.stringify(e)) as unknown));
    for (const r of read.slice(0, 200)) expect(ApiEventInput.safeParse(r).success).toBe(true);
  });

  it('gzips when the path ends in .gz, with the same content', async () => {
    const plain = join(dir, 'same.ndjson');
    const gz = join(dir, 'same.ndjson.gz');
    await writeDemoNdjson(plain, opts);
    expect(await writeDemoNdjson(gz, opts)).toBe(3000);
    const raw = await readFile(gz);
    expect(raw[0]).toBe(0x1f);
    expect(raw[1]).toBe(0x8b);
    expect(gunzipSync(raw).toString('utf8')).toBe(await readFile(plain, 'utf8'));
  });

  it('writes an empty file for zero events', async () => {
    const path = join(dir, 'empty.ndjson');
    expect(await writeDemoNdjson(path, { events: 0 })).toBe(0);
    expect(await readFile(path, 'utf8')).toBe('');
  });

  it('rejects invalid options before creating the file', async () => {
    await expect(writeDemoNdjson(join(dir, 'bad.ndjson'), { events: -1 })).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
