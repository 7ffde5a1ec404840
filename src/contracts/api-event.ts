import { z } from 'zod';

/**
 * The one canonical shape of an observed API call. Every traffic source (HAR, NDJSON, access logs,
 * the ingest API, the demo generator) turns its input into an `ApiEvent` in `normalize`, and nothing
 * downstream reads a source format.
 *
 * Conventions that every stage may rely on:
 * - header and cookie names are as sent, but header names are lower-cased;
 *   repeated headers are joined with ", " (Set-Cookie with "\n");
 * - `path` never carries the query string and is percent-decoded only where safe (see normalize);
 * - bodies are bounded: `size` is the original size in bytes, `truncated` says whether `text` was cut.
 *
 * @example
 * const e: ApiEvent = {
 *   timestamp: '2026-11-23T10:00:00.000Z',
 *   source: { kind: 'ndjson' },
 *   request: { method: 'GET', scheme: 'https', host: 'api.example.com', path: '/users/42',
 *     query: {}, headers: { accept: 'application/json' }, cookies: {}, clientAddress: '203.0.113.9' },
 *   response: { status: 200, headers: { 'content-type': 'application/json' },
 *     body: { contentType: 'application/json', text: '{"id":42}', size: 9, truncated: false } },
 *   latencyMs: 12,
 * };
 */

export const SOURCE_KINDS = [
  'har',
  'ndjson',
  'nginx',
  'envoy',
  'kong',
  'aws-apigw',
  'json-log',
  'raw-http',
  'ingest-api',
  'demo',
] as const;
export const SourceKind = z.enum(SOURCE_KINDS);
export type SourceKind = z.infer<typeof SourceKind>;

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'] as const;
export const HttpMethod = z.enum(HTTP_METHODS);
export type HttpMethod = z.infer<typeof HttpMethod>;

export const Body = z.object({
  contentType: z.string().max(256).optional(),
  /** Body text (UTF-8), or base64 when `encoding` is 'base64'. Absent when the source has no body. */
  text: z.string().optional(),
  encoding: z.enum(['utf8', 'base64']).default('utf8'),
  /** Size in bytes of the body as sent, before truncation. */
  size: z.number().int().nonnegative(),
  truncated: z.boolean(),
});
export type Body = z.infer<typeof Body>;

const StringMap = z.record(z.string(), z.string());

export const ApiRequest = z.object({
  method: HttpMethod,
  scheme: z.enum(['http', 'https']),
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535).optional(),
  path: z.string().min(1).max(8192),
  /** Query parameters by name; a repeated parameter keeps every value in order. */
  query: z.record(z.string(), z.array(z.string())),
  headers: StringMap,
  cookies: StringMap,
  body: Body.optional(),
  clientAddress: z.string().max(64).optional(),
  /** e.g. 'TLSv1.2', 'TLSv1.3', when the source tells. */
  tlsVersion: z.string().max(32).optional(),
  httpVersion: z.string().max(16).optional(),
});
export type ApiRequest = z.infer<typeof ApiRequest>;

export const ApiResponse = z.object({
  status: z.number().int().min(100).max(599),
  headers: StringMap,
  body: Body.optional(),
});
export type ApiResponse = z.infer<typeof ApiResponse>;

export const ApiEvent = z.object({
  /** ISO 8601 timestamp of the request. */
  timestamp: z.string().datetime({ offset: true }),
  source: z.object({ kind: SourceKind, name: z.string().max(512).optional() }),
  request: ApiRequest,
  response: ApiResponse.optional(),
  latencyMs: z.number().nonnegative().optional(),
});
export type ApiEvent = z.infer<typeof ApiEvent>;

const HeadersInput = z.union([
  z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  z.array(z.object({ name: z.string(), value: z.string() })),
]);

const BodyInput = z.union([
  z.string(),
  z.object({
    contentType: z.string().optional(),
    text: z.string().optional(),
    encoding: z.enum(['utf8', 'base64']).optional(),
    size: z.number().optional(),
    truncated: z.boolean().optional(),
  }),
]);

/**
 * What a source hands to `normalize`: the same fields, but lenient where real tools differ
 * (a full URL instead of scheme/host/path, header lists, string timestamps, string bodies).
 * `normalize` validates, bounds and converts it to an `ApiEvent`, or rejects it with a reason.
 */
export const ApiEventInput = z.object({
  timestamp: z.union([z.string(), z.number()]).optional(),
  source: z.object({ kind: SourceKind, name: z.string().optional() }).optional(),
  request: z.object({
    method: z.string(),
    url: z.string().optional(),
    scheme: z.string().optional(),
    host: z.string().optional(),
    port: z.number().optional(),
    path: z.string().optional(),
    query: z
      .union([z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())]))])
      .optional(),
    headers: HeadersInput.optional(),
    cookies: z.union([z.record(z.string(), z.string()), z.array(z.object({ name: z.string(), value: z.string() }))]).optional(),
    body: BodyInput.optional(),
    clientAddress: z.string().optional(),
    tlsVersion: z.string().optional(),
    httpVersion: z.string().optional(),
  }),
  response: z
    .object({
      status: z.number(),
      headers: HeadersInput.optional(),
      body: BodyInput.optional(),
    })
    .optional(),
  latencyMs: z.number().optional(),
});
export type ApiEventInput = z.infer<typeof ApiEventInput>;

/** A record a source could not turn into an event: counted, reported, dead-lettered; never silent. */
export const Reject = z.object({
  source: z.string(),
  /** 1-based line number (or entry index for HAR) where the bad record starts, when known. */
  line: z.number().int().optional(),
  reason: z.string(),
});
export type Reject = z.infer<typeof Reject>;

/** What every source yields: an input event with its position, or a reject. */
export type SourceRecord =
  | { kind: 'event'; event: ApiEventInput; line?: number }
  | { kind: 'reject'; reject: Reject };
