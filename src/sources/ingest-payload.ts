import { tryParseJson } from '../util/json.js';
import { isUtf8 } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import { invalidInput, tooLarge } from '../errors/domain-errors.js';
import { DEFAULT_LIMITS, type NormalizeLimits } from '../normalize/limits.js';
import { normalizeEvent } from '../normalize/normalize-event.js';
import { isGzip } from './byte-input.js';
import { isRec } from './map-util.js';
import type { ReadResult } from './types.js';

export interface IngestPayloadOptions {
  contentType?: string;
  contentEncoding?: string;
  /** Defaults to `DEFAULT_LIMITS`. */
  limits?: NormalizeLimits;
  /** More events than this in one body is `too_large` (the client should split the batch). */
  maxEvents?: number;
  /** Upper bound on the body after decompression (zip bombs): above it, `too_large`. */
  maxDecompressedBytes: number;
  /** `source.name` for the events (e.g. the API key's label). */
  name?: string;
  /** Receipt time, used for events that carry no timestamp. Defaults to now. */
  now?: Date;
}

/**
 * Parse a body posted to the ingest API: a JSON array of events, `{ "events": [...] }`, a single event
 * object, or NDJSON (`application/x-ndjson`, or any body that is not one JSON document), optionally
 * gzipped. Whole-body problems (bad gzip, too large, not JSON) throw a `DomainError`; per-event problems
 * come back as rejects with the event's 1-based position in `line`.
 *
 * @example
 * parseIngestPayload(req.body, { contentType: 'application/json', contentEncoding: 'gzip', limits: DEFAULT_LIMITS, maxDecompressedBytes: 50e6 })
 */
export function parseIngestPayload(body: Buffer, opts: IngestPayloadOptions): ReadResult[] {
  const enc = opts.contentEncoding?.trim().toLowerCase();
  let data = body;
  if (enc === 'gzip' || enc === 'x-gzip') {
    try {
      data = gunzipSync(body, { maxOutputLength: opts.maxDecompressedBytes });
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
        throw tooLarge(`decompressed body exceeds ${opts.maxDecompressedBytes} bytes`);
      }
      throw invalidInput('body is not valid gzip data');
    }
  } else if (enc !== undefined && enc !== '' && enc !== 'identity') {
    throw invalidInput('unsupported Content-Encoding (use gzip or identity)');
  } else if (isGzip(body)) {
    throw invalidInput('body looks gzipped: send it with Content-Encoding: gzip');
  }
  if (data.length > opts.maxDecompressedBytes) throw tooLarge(`body exceeds ${opts.maxDecompressedBytes} bytes`);
  if (!isUtf8(data)) throw invalidInput('body is not valid UTF-8');
  const text = data.toString('utf8');
  const ct = opts.contentType?.toLowerCase() ?? '';
  const ctx = {
    source: 'ingest-api' as const,
    limits: opts.limits ?? DEFAULT_LIMITS,
    defaults: { timestamp: (opts.now ?? new Date()).toISOString() },
    ...(opts.name === undefined ? {} : { name: opts.name }),
  };
  const normalizeAt = (input: unknown, line: number): ReadResult => {
    const r = normalizeEvent(input, { ...ctx, line });
    return r.ok ? { kind: 'event', event: r.event, line } : { kind: 'reject', reject: r.reject };
  };

  const ndjson = ct.includes('ndjson') || ct.includes('jsonl') || ct.includes('json-seq') || ct.includes('x-json-stream');
  if (!ndjson) {
    const box = tryParseJson(text);
    if (box !== undefined) {
      const parsed = box.value;
      const items = Array.isArray(parsed) ? parsed : isRec(parsed) && Array.isArray(parsed.events) ? parsed.events : isRec(parsed) && parsed.request !== undefined ? [parsed] : undefined;
      if (items === undefined) throw invalidInput('expected a JSON array of events, {"events": [...]}, or NDJSON');
      checkCount(items.length, opts.maxEvents);
      return items.map((item, i) => normalizeAt(item, i + 1));
    }
    // One bad document is a client error; several lines are NDJSON with per-line rejects.
    if (text.trim().indexOf('\n') < 0) throw invalidInput('body is not valid JSON');
  }
  const out: ReadResult[] = [];
  const lines = text.split('\n');
  checkCount(lines.filter((l) => l.trim() !== '').length, opts.maxEvents);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      out.push({ kind: 'reject', reject: { source: opts.name ?? 'ingest-api', line: i + 1, reason: 'invalid JSON' } });
      continue;
    }
    out.push(normalizeAt(parsed, i + 1));
  }
  return out;
}

function checkCount(n: number, max: number | undefined): void {
  if (max !== undefined && n > max) throw tooLarge(`too many events in one request (${n} > ${max}): split the batch`);
}
