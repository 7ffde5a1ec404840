import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, requireBuiltCli, runBuiltCli, type Run } from './fixtures/built-cli.js';

/**
 * `bulwark learn` and `bulwark scan` as an analyst runs them: the built command on real files (a raw HTTP
 * dump of a small shop's normal traffic, a dump and a HAR with attacks in them), judged by exit code,
 * standard output and error, and the model file written.
 */

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'scan');
const dirs: string[] = [];
let dir: string;

function bulwark(args: string[]): Promise<Run> {
  return runBuiltCli(args, dir);
}

async function ok(args: string[], code = 0): Promise<Run> {
  const r = await bulwark(args);
  expect(r.code, `bulwark ${args.join(' ')}\nstdout: ${r.stdout.slice(0, 3000)}\nstderr: ${r.stderr}`).toBe(code);
  return r;
}

interface Verdict {
  file: string;
  line?: number;
  entry?: number;
  method: string;
  path: string;
  verdict: 'clean' | 'suspicious';
  detections: Array<{ detector: string; severity: string; confidence: number; category: string; location: { where: string; name: string }; evidence: string }>;
}

const ndjson = (text: string): Verdict[] => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Verdict);

beforeAll(async () => {
  requireBuiltCli();
  dir = mkdtempSync(path.join(tmpdir(), 'bulwark-scan-'));
  dirs.push(dir);
  for (const f of ['baseline.txt', 'suspect.txt', 'suspect.har', 'not-a-model.json']) copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
  writeFileSync(path.join(dir, 'suspect.txt.gz'), gzipSync(readFileSync(path.join(FIXTURES, 'suspect.txt'))));
  await ok(['learn', 'baseline.txt', '--output', 'model.json']);
});

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('bulwark learn', () => {
  it('learns a raw HTTP dump (ISO-8859-1, detected from its content) and writes a model that keeps no password', async () => {
    const r = await ok(['learn', 'baseline.txt', '--output', 'again.json']);
    expect(r.stdout).toMatch(/^Learned 120 events from 1 file; 0 rejected$/m);
    expect(r.stdout).toMatch(/1 host, 4 endpoints, \d+ parameter profiles \(\d+ sensitive: no values kept\)/);
    expect(r.stdout).toContain('Wrote the model to again.json');
    const text = readFileSync(path.join(dir, 'again.json'), 'utf8');
    const model = JSON.parse(text) as { kind: string; events: number; hosts: Array<{ host: string; endpoints: Array<{ method: string; template: string }> }> };
    expect(model).toMatchObject({ kind: 'bulwark-profile-model', events: 120 });
    expect(model.hosts[0]!.host).toBe('localhost:8080');
    expect(model.hosts[0]!.endpoints.map((e) => `${e.method} ${e.template}`).sort()).toEqual([
      'GET /tienda/imagenes/logo.gif', 'GET /tienda/index.jsp', 'GET /tienda/productos.jsp', 'POST /tienda/login.jsp',
    ]);
    for (const password of ['d1se3ci', 'Secreta.99', 'p4ssw0rd', 'Manzana-7', 'xK9#tq2z']) expect(text).not.toContain(password);
    // Five account names form a small set, but names of people and accounts are kept as hashes only.
    for (const login of ['choong', 'carla', 'diego', 'bruno']) expect(text).not.toContain(login);
    // Short enum values that are not personal data are kept readably: the product names.
    expect(text).toContain('"v":"Jamón Ibérico"');
  });

  it('refuses input with no event in it, and a missing file, with one line and an exit code', async () => {
    writeFileSync(path.join(dir, 'empty.txt'), 'not traffic at all\n');
    expectOneLineError(await bulwark(['learn', 'empty.txt', '--format', 'raw-http', '--output', 'x.json']), 2, /no event could be learned from empty\.txt \(1 rejected\)/);
    expectOneLineError(await bulwark(['learn', 'nope.txt']), 4, /nope\.txt: no such file/);
  });
});

describe('bulwark scan', () => {
  it('prints one line per event with detections, at file:line, plus a summary; clean events and the bad request are not verdict lines', async () => {
    const r = await ok(['scan', 'suspect.txt', '--model', 'model.json']);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('suspect.txt:'));
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['suspect.txt:8', 'suspect.txt:15', 'suspect.txt:27', 'suspect.txt:34']);
    expect(lines[0]).toMatch(/^suspect\.txt:8 {2}GET localhost:8080\/tienda\/productos\.jsp\?… {2}.*anomaly-parameter-profile 0\.\d\d query:cantidad/);
    expect(lines[2]).toMatch(/low anomaly-unknown-endpoint 0\.\d\d request:GET \/tienda\/index\.jsp\.bak/);
    expect(lines[3]).toMatch(/anomaly-parameter-profile 0\.\d\d query:precio/);
    expect(r.stdout).toMatch(/^Scanned 6 events from 1 file in [\d.]+ s \([\d,]+ events\/s\); 1 rejected$/m);
    expect(r.stdout).toMatch(/^ {2}4 events with detections \(confidence >= 0\.5\); signatures and the learned model model\.json$/m);
    expect(r.stdout).toMatch(/e\.g\. suspect\.txt:24: not an HTTP request line/);
  });

  it('--json gives every event a verdict, clean ones included, with its line and the detections\' ids, severities and confidences', async () => {
    const r = await ok(['scan', 'suspect.txt', '--model', 'model.json', '--json']);
    const verdicts = ndjson(r.stdout);
    expect(verdicts.map((v) => [v.line, v.verdict])).toEqual([
      [1, 'clean'], [8, 'suspicious'], [15, 'suspicious'], [27, 'suspicious'], [34, 'suspicious'], [41, 'clean'],
    ]);
    for (const v of verdicts) {
      expect(v.file).toBe('suspect.txt');
      for (const d of v.detections) {
        expect(d.detector).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
        expect(['info', 'low', 'medium', 'high', 'critical']).toContain(d.severity);
        expect(d.confidence).toBeGreaterThanOrEqual(0.5);
        expect(d.evidence.length).toBeLessThanOrEqual(200);
      }
    }
    const login = verdicts[2]!.detections.find((d) => d.location.name === 'login')!;
    expect(login.evidence).toContain('<script>');
    // The summary goes to standard error, so standard output stays NDJSON.
    expect(r.stderr).toMatch(/^Scanned 6 events/m);
  });

  it('reads the dump through gzip and a HAR, where the position is the entry number', async () => {
    const gz = ndjson((await ok(['scan', 'suspect.txt.gz', '--model', 'model.json', '--json'])).stdout);
    expect(gz.map((v) => v.line)).toEqual([1, 8, 15, 27, 34, 41]);
    const har = await ok(['scan', 'suspect.har', '--model', 'model.json']);
    expect(har.stdout.split('\n').filter((l) => l.startsWith('suspect.har')).map((l) => l.split(' ')[0])).toEqual(['suspect.har#2']);
    expect(har.stdout).toMatch(/anomaly-parameter-profile 0\.\d\d query:nombre/);
  });

  it('--evidence prints why under each event; a stricter --min-confidence prints less', async () => {
    const r = await ok(['scan', 'suspect.txt', '--model', 'model.json', '--evidence']);
    expect(r.stdout).toMatch(/\n {4}anomaly-parameter-profile: query "precio" = "1": value not among the 5 learned values: "\d+", /);
    const strict = await ok(['scan', 'suspect.txt', '--model', 'model.json', '--min-confidence', '0.99', '--json']);
    expect(ndjson(strict.stdout).filter((v) => v.verdict === 'suspicious').length).toBeLessThan(4);
  });

  it('without a model runs the signatures only, and says so', async () => {
    const r = await ok(['scan', 'suspect.txt']);
    expect(r.stdout).toContain('signatures only (no --model)');
    expect(r.stdout).not.toContain('anomaly-');
  });

  it('--fail-on makes detections at or above a severity exit 1, with one line on standard error', async () => {
    const r = await ok(['scan', 'suspect.txt', '--model', 'model.json', '--fail-on', 'low'], 1);
    expect(r.stderr.trim()).toBe('bulwark: scan found detections at or above low');
    await ok(['scan', 'suspect.txt', '--model', 'model.json', '--fail-on', 'critical', '--min-confidence', '0.999']);
  });

  it('--charset utf8 on an ISO-8859-1 dump reports the events it cannot decode as rejects, not a crash', async () => {
    writeFileSync(path.join(dir, 'raw-latin1.txt'), Buffer.from('GET /tienda/index.jsp HTTP/1.1\r\nHost: localhost:8080\r\nX-Name: Jos\xe9\r\n\r\n', 'latin1'));
    const r = await ok(['scan', 'raw-latin1.txt', '--charset', 'utf8']);
    expect(r.stdout).toMatch(/^Scanned 0 events from 1 file .*; 1 rejected$/m);
    expect(r.stdout).toMatch(/raw-latin1\.txt:1: invalid UTF-8 in the request head \(read the file with --charset latin1\)/);
  });

  it('usage errors and bad models are one line with the documented exit code', async () => {
    expectOneLineError(await bulwark(['scan', 'suspect.txt', '--min-confidence', '2']), 2, /--min-confidence must be a number from 0 to 1/);
    expectOneLineError(await bulwark(['scan', 'suspect.txt', '--model', 'missing.json']), 4, /--model missing\.json: no such file/);
    expectOneLineError(await bulwark(['scan', 'suspect.txt', '--model', 'not-a-model.json']), 2, /--model not-a-model\.json: not a Bulwark profile model/);
    expectOneLineError(await bulwark(['scan', 'suspect.txt', '--model', 'suspect.txt']), 2, /not a JSON file/);
    expectOneLineError(await bulwark(['scan', 'nope.txt']), 4, /nope\.txt: no such file/);
  });
});
