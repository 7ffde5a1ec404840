import type { ApiEvent, Reject } from '../contracts/api-event.js';
import type { NormalizeLimits } from '../normalize/limits.js';
import type { RawHttpCharset } from './raw-http.js';

export const SOURCE_FORMATS = ['har', 'ndjson', 'nginx', 'envoy', 'kong', 'aws-apigw', 'json-log', 'raw-http'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

/** What a reader yields: a normalized event with its position (line, or entry index for HAR), or a reject. */
export type ReadResult = { kind: 'event'; event: ApiEvent; line?: number } | { kind: 'reject'; reject: Reject };

export interface ReadOptions {
  /** Skip detection and parse as this format. */
  format?: SourceFormat;
  limits?: NormalizeLimits;
  /** Host for log formats that do not record one (nginx `combined`, API Gateway without domainName). */
  defaultHost?: string;
  /** Called as compressed/raw input bytes are consumed. `totalBytes` is 0 when unknown (a pipe). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** A single HAR entry, log line or raw HTTP request larger than this is a reject (default 32 MiB). */
  maxRecordBytes?: number;
  /** How raw HTTP dumps are decoded: UTF-8, ISO-8859-1, or per request (default `auto`). See raw-http.ts. */
  charset?: RawHttpCharset;
  /** Timestamp for records that carry none (raw HTTP dumps): default the file's modification time, else now. */
  defaultTimestamp?: string;
}

/**
 * Turns one parsed JSON log record into an `ApiEventInput`-like object for `normalize`, or a reason.
 * Mappers are pure and never throw on odd shapes: unknown types just leave fields out.
 */
export type RecordMapper = (record: Record<string, unknown>, ctx: MapContext) => MapResult;
export type LineMapper = (line: string, ctx: MapContext) => MapResult;
export type MapResult = { ok: true; input: Record<string, unknown> } | { ok: false; reason: string };
export interface MapContext {
  defaultHost?: string;
}

export const DEFAULT_MAX_RECORD_BYTES = 32 * 1024 * 1024;
