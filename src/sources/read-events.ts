import { isUtf8 } from 'node:buffer';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Reject, SourceKind } from '../contracts/api-event.js';
import { invalidInput, notFound } from '../errors/domain-errors.js';
import { DEFAULT_LIMITS, type NormalizeLimits } from '../normalize/limits.js';
import { normalizeEvent } from '../normalize/normalize-event.js';
import { mapAwsApiGwRecord } from './aws-apigw.js';
import { CompressedInputError, decodedChunks, fileChunks } from './byte-input.js';
import { detectFormat } from './detect-format.js';
import { mapEnvoyLine } from './envoy.js';
import { mapHarEntry } from './har-mapper.js';
import { HarScanner } from './har-scanner.js';
import { mapJsonLogRecord } from './json-log.js';
import { mapKongRecord } from './kong.js';
import { lineIsUtf8, splitLines } from './line-splitter.js';
import { isRec, type Rec } from './map-util.js';
import { mapNginxLine } from './nginx.js';
import { mapRawHttpRequest, RawHttpScanner, type RawHttpItem, type RawHttpMapContext } from './raw-http.js';
import { DEFAULT_MAX_RECORD_BYTES, type LineMapper, type MapContext, type MapResult, type ReadOptions, type ReadResult, type RecordMapper, type SourceFormat } from './types.js';

const SNIFF_BYTES = 64 * 1024;

const RECORD_MAPPERS: Partial<Record<SourceFormat, RecordMapper>> = {
  ndjson: (r) => ({ ok: true, input: r }),
  kong: mapKongRecord,
  'aws-apigw': mapAwsApiGwRecord,
  'json-log': mapJsonLogRecord,
};
const LINE_MAPPERS: Partial<Record<SourceFormat, LineMapper>> = { nginx: mapNginxLine, envoy: mapEnvoyLine };

export interface StreamReadOptions extends ReadOptions {
  /** Used for detection hints and as `source.name` on events and rejects. */
  fileName?: string;
  /** For progress when the stream's size is known. */
  totalBytes?: number;
}

/**
 * Read a traffic file (HAR, NDJSON, nginx/Envoy access logs, Kong/API Gateway/Caddy/Traefik JSON logs,
 * raw HTTP/1.x request dumps; any of them gzipped) as normalized events and counted rejects. Memory stays bounded by the largest
 * single record, whatever the file size. A missing file throws `not_found`; bad content never throws.
 *
 * @example
 * for await (const r of readEvents('capture.har.gz')) {
 *   if (r.kind === 'event') store(r.event); else deadLetter(r.reject);
 * }
 */
export function readEvents(path: string, opts: ReadOptions = {}): AsyncIterable<ReadResult> {
  const batches = readEventBatches(path, opts);
  return {
    async *[Symbol.asyncIterator]() {
      for await (const batch of batches) yield* batch;
    },
  };
}

/** `readEvents` in per-chunk batches, for the ingestion hot path. */
export function readEventBatches(path: string, opts: ReadOptions = {}): AsyncIterable<ReadResult[]> {
  return {
    async *[Symbol.asyncIterator]() {
      let totalBytes: number;
      let mtime: Date;
      try {
        const s = await stat(path);
        if (!s.isFile()) throw invalidInput(`not a regular file: ${path}`);
        totalBytes = s.size;
        mtime = s.mtime;
      } catch (err) {
        if ((err as { code?: unknown }).code === 'ENOENT') throw notFound(`file not found: ${path}`);
        throw err;
      }
      const defaultTimestamp = opts.defaultTimestamp ?? mtime.toISOString();
      yield* readBatchesFromStream(fileChunks(path), { ...opts, fileName: path, totalBytes, defaultTimestamp });
    },
  };
}

/** Same as `readEvents`, from any byte stream (stdin, an upload, an S3 object). */
export async function* readEventsFromStream(stream: Readable | AsyncIterable<Buffer>, opts: StreamReadOptions = {}): AsyncGenerator<ReadResult> {
  for await (const batch of readBatchesFromStream(stream, opts)) yield* batch;
}

/** The records of each input chunk as one batch: what hot paths iterate, with one await per chunk. */
export async function* readBatchesFromStream(stream: Readable | AsyncIterable<Buffer>, opts: StreamReadOptions = {}): AsyncGenerator<ReadResult[]> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const name = opts.fileName;
  let raw = 0;
  const total = opts.totalBytes ?? 0;
  const onRaw = opts.onProgress === undefined ? undefined : (n: number) => {
    raw += n;
    opts.onProgress!(raw, total);
  };
  const gz: { error?: string } = {};
  const it = guarded(decodedChunks(stream as AsyncIterable<Buffer>, onRaw), gz)[Symbol.asyncIterator]();

  // The chain below steps `it` by hand: a consumer that stops early closes the source through this `finally`.
  try {
    const head: Buffer[] = [];
    let format = opts.format;
    if (format === undefined) {
      let len = 0;
      while (len < SNIFF_BYTES) {
        const r = await it.next();
        if (r.done) break;
        head.push(r.value);
        len += r.value.length;
      }
      if (len === 0) {
        if (gz.error !== undefined) yield [rejectOf(name, undefined, gz.error)];
        return; // an empty file has nothing to lose
      }
      format = detectFormat(Buffer.concat(head), name) ?? undefined;
      if (format === undefined) {
        yield [rejectOf(name, undefined, 'could not detect the file format; pass the format explicitly (har, ndjson, nginx, envoy, kong, aws-apigw, json-log, raw-http)')];
        return;
      }
    }
    async function* replay(): AsyncGenerator<Buffer> {
      yield* head;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    }
    const ctx: MapContext = opts.defaultHost === undefined ? {} : { defaultHost: opts.defaultHost };
    const maxRecord = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    if (format === 'har') yield* readHar(replay(), name, limits, maxRecord);
    else if (format === 'raw-http') {
      const rawCtx: RawHttpMapContext = { charset: opts.charset ?? 'auto', defaultTimestamp: opts.defaultTimestamp ?? new Date().toISOString() };
      if (opts.defaultHost !== undefined) rawCtx.defaultHost = opts.defaultHost;
      yield* readRawHttp(replay(), name, limits, maxRecord, rawCtx);
    } else yield* readLines(replay(), format, name, limits, maxRecord, ctx);
    if (gz.error !== undefined) yield [rejectOf(name, undefined, gz.error)];
  } finally {
    await it.return(undefined);
  }
}

/** Turns a corrupt/truncated gzip stream into an end of input plus a note, so parsers can report their tail. */
async function* guarded(chunks: AsyncIterable<Buffer>, state: { error?: string }): AsyncGenerator<Buffer> {
  try {
    yield* chunks;
  } catch (err) {
    if (!(err instanceof CompressedInputError)) throw err;
    state.error = err.message;
  }
}

function rejectOf(name: string | undefined, line: number | undefined, reason: string, kind: SourceKind | 'file' = 'file'): ReadResult {
  const reject: Reject = { source: name ?? kind, reason };
  if (line !== undefined) reject.line = line;
  return { kind: 'reject', reject };
}

function toResult(mapped: MapResult, kind: SourceKind, name: string | undefined, line: number, limits: NormalizeLimits): ReadResult {
  if (!mapped.ok) return rejectOf(name, line, mapped.reason, kind);
  const r = normalizeEvent(mapped.input, name === undefined ? { source: kind, line, limits } : { source: kind, name, line, limits });
  return r.ok ? { kind: 'event', event: r.event, line } : { kind: 'reject', reject: r.reject };
}

async function* readHar(chunks: AsyncIterable<Buffer>, name: string | undefined, limits: NormalizeLimits, maxEntryBytes: number): AsyncGenerator<ReadResult[]> {
  const scanner = new HarScanner({ maxEntryBytes, maxDepth: limits.maxJsonDepth });
  const handle = function* (items: ReturnType<HarScanner['push']>): Generator<ReadResult> {
    for (const item of items) {
        if (item.kind === 'error') {
          yield rejectOf(name, item.index, item.reason, 'har');
          continue;
        }
        if (!isUtf8(item.bytes)) {
          yield rejectOf(name, item.index, 'invalid UTF-8 in entry', 'har');
          continue;
        }
        let entry: unknown;
        try {
          entry = JSON.parse(item.bytes.toString('utf8'));
        } catch {
          yield rejectOf(name, item.index, 'entry is not valid JSON', 'har');
          continue;
        }
        if (!isRec(entry)) {
          yield rejectOf(name, item.index, 'entry is not a JSON object', 'har');
          continue;
        }
        yield toResult(mapHarEntry(entry), 'har', name, item.index, limits);
      }
    };
    for await (const chunk of chunks) {
      const out = [...handle(scanner.push(chunk))];
      if (out.length) yield out;
    }
    const tail = [...handle(scanner.end())];
    if (tail.length) yield tail;
  }

async function* readRawHttp(
  chunks: AsyncIterable<Buffer>, name: string | undefined, limits: NormalizeLimits, maxRequestBytes: number, ctx: RawHttpMapContext,
): AsyncGenerator<ReadResult[]> {
  // Header count is bounded here too, so a flood of header lines is never held before normalize rejects it.
  const scanner = new RawHttpScanner({ maxRequestBytes, maxHeaders: limits.maxHeaders, maxBodyKeep: Math.max(limits.maxBodyBytes + 4, 1024) });
  const handle = (items: RawHttpItem[]): ReadResult[] =>
    items.map((item) => (item.kind === 'error' ? rejectOf(name, item.line, item.reason, 'raw-http') : toResult(mapRawHttpRequest(item, ctx), 'raw-http', name, item.line, limits)));
  for await (const chunk of chunks) {
    const out = handle(scanner.push(chunk));
    if (out.length) yield out;
  }
  const tail = handle(scanner.end());
  if (tail.length) yield tail;
}

  async function* readLines(
    chunks: AsyncIterable<Buffer>, format: Exclude<SourceFormat, 'har' | 'raw-http'>, name: string | undefined,
    limits: NormalizeLimits, maxLineBytes: number, ctx: MapContext,
  ): AsyncGenerator<ReadResult[]> {
    const recordMapper = RECORD_MAPPERS[format];
    const lineMapper = LINE_MAPPERS[format];
    for await (const items of splitLines(chunks, maxLineBytes)) {
      const out: ReadResult[] = [];
      for (const item of items) {
      if (item.kind === 'too-long') {
        out.push(rejectOf(name, item.line, `line longer than ${maxLineBytes} bytes (${item.bytes} bytes)`, format));
        continue;
      }
      if (isBlank(item.buf, item.start, item.end)) continue;
      if (!lineIsUtf8(item)) {
        out.push(rejectOf(name, item.line, 'invalid UTF-8 in line', format));
        continue;
      }
      const text = item.buf.toString('utf8', item.start, item.end);
      if (recordMapper !== undefined) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          out.push(rejectOf(name, item.line, 'invalid JSON', format));
          continue;
        }
        if (!isRec(parsed)) {
          out.push(rejectOf(name, item.line, 'line is not a JSON object', format));
          continue;
        }
        out.push(toResult(recordMapper(parsed as Rec, ctx), format, name, item.line, limits));
      } else if (lineMapper !== undefined) {
        out.push(toResult(lineMapper(text, ctx), format, name, item.line, limits));
      }
    }
    if (out.length) yield out;
  }
}

function isBlank(b: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}
