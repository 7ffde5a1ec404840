import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectFormat } from './detect-format.js';

const fx = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name));

describe('detectFormat', () => {
  it.each([
    ['chrome.har', 'har'], ['firefox.har', 'har'], ['mitmproxy.har', 'har'], ['events.ndjson', 'ndjson'],
    ['nginx-combined.log', 'nginx'], ['envoy.log', 'envoy'], ['kong-file-log.ndjson', 'kong'],
    ['aws-apigw.log', 'aws-apigw'], ['caddy.log', 'json-log'], ['traefik.log', 'json-log'],
  ])('%s -> %s, from content alone and through gzip', (file, format) => {
    expect(detectFormat(fx(file))).toBe(format);
    expect(detectFormat(gzipSync(fx(file)))).toBe(format);
  });

  it('detects a HAR whose log object does not start with "log" at byte 0 (BOM, other keys first)', () => {
    expect(detectFormat(Buffer.from('\ufeff{"comment":"x",\n "log": {\n  "entries": []}}'))).toBe('har');
  });

  it('uses the file name as a hint and ignores .gz', () => {
    expect(detectFormat(Buffer.from('{'), 'capture.HAR.gz')).toBe('har');
  });

  it('returns null when unsure', () => {
    expect(detectFormat(Buffer.from('hello\n'))).toBeNull();
    expect(detectFormat(Buffer.from('{"level":"info","msg":"boot"}\n'))).toBeNull();
    expect(detectFormat(Buffer.alloc(0))).toBeNull();
  });
});
