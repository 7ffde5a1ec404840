/**
 * The labelled evaluation sets in `../shared/data/` (see its README), read in place, never copied:
 * CSIC 2010 (raw HTTP/1.1, ISO-8859-1) through the product's own `raw-http` reader, and ATRDF dataset 1
 * (a JSON array of request/response records) through `normalizeEvent`.
 *
 * Every record keeps its 0-based index in its file, including records the product rejects (CSIC has 106
 * anomalous requests with an invalid port, `http://localhost:8080.BAK`), so a split by index is the same
 * split for every tool that counts records in file order.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ApiEvent } from '../../src/contracts/api-event.js';
import { DEFAULT_LIMITS } from '../../src/normalize/limits.js';
import { normalizeEvent } from '../../src/normalize/normalize-event.js';
import { readEvents } from '../../src/sources/read-events.js';
import { evalDataDir } from '../../src/detect/eval-data.js';

export const DATA_DIR = evalDataDir();

export interface LabelledRecord {
  /** 0-based position of the record in its file. */
  readonly index: number;
  /** null when the product rejected the record at the door (counted, never scanned). */
  readonly event: ApiEvent | null;
  readonly reject?: string;
  /** null for normal/benign traffic; the attack class otherwise ('anomalous' for CSIC, which has no per-record class). */
  readonly label: string | null;
}

/** The tuning half (index % 2 == 0) and the report half (index % 2 == 1): the split every detector engineer uses. */
export function isReportIndex(index: number): boolean {
  return index % 2 === 1;
}

export function requireData(rel: string): string {
  const file = path.join(DATA_DIR, rel);
  if (!existsSync(file)) throw new Error(`${file} is missing: the evaluation data lives in ../shared/data/ beside the project (see its README)`);
  return file;
}

const FIXED_TIME = '2010-01-01T00:00:00.000Z';

/** A CSIC 2010 file, every request in file order, read as ISO-8859-1. */
export async function loadCsic(rel: string, label: string | null): Promise<LabelledRecord[]> {
  const file = requireData(rel);
  const out: LabelledRecord[] = [];
  for await (const r of readEvents(file, { format: 'raw-http', charset: 'latin1', defaultTimestamp: FIXED_TIME })) {
    const index = out.length;
    out.push(r.kind === 'event' ? { index, event: r.event, label } : { index, event: null, reject: r.reject.reason, label });
  }
  return out;
}

interface AtrdfRecord {
  request?: { method?: unknown; url?: unknown; headers?: unknown; body?: unknown; Attack_Tag?: unknown };
}

/** ATRDF dataset 1 (dev part): `Attack_Tag` absent means benign. */
export function loadAtrdf(rel = 'atrdf/dataset_1.dev.json.gz'): LabelledRecord[] {
  const file = requireData(rel);
  const raw = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as AtrdfRecord[];
  return raw.map((rec, index): LabelledRecord => {
    const q = rec.request ?? {};
    const label = typeof q.Attack_Tag === 'string' ? q.Attack_Tag : null;
    const request: Record<string, unknown> = { method: q.method, url: q.url, headers: q.headers };
    if (typeof q.body === 'string' && q.body !== '') request.body = q.body;
    else if (q.body !== undefined && q.body !== null && typeof q.body === 'object') request.body = JSON.stringify(q.body);
    const r = normalizeEvent({ timestamp: '2022-11-21T18:12:16Z', request }, { source: 'ndjson', name: 'atrdf', line: index, limits: DEFAULT_LIMITS });
    return r.ok ? { index, event: r.event, label } : { index, event: null, reject: r.reject.reason, label };
  });
}
