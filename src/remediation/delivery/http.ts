import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import { isLoopbackHost } from '../../cases/export/config.js';
import { invalidInput } from '../../errors/domain-errors.js';
import { SendError, toSendError } from './channel.js';

/**
 * What the HTTP channels (Jira, GitHub, webhooks, chat) share: one request with a time limit and a bounded
 * answer, the mapping of an answer's status to a `SendError`, and the config pieces for a service URL and a
 * secret held in an environment variable.
 *
 * @example
 * const client = createHttpClient({ timeoutMs: 10_000 });
 * const answer = await client.request({ method: 'POST', url, headers, body: jsonBody(payload) });
 * if (!isSuccess(answer.status)) throw statusError(answer.status, 'what the service said'); // HTTP 400: what the service said
 */

// ---- config ----

/** What every HTTP channel is made with, besides its config. */
export interface HttpChannelDeps {
  /** Where `tokenEnv`, `secretEnv` and `urlEnv` names are looked up (once, when the channel is made). */
  env: Record<string, string | undefined>;
  /** For `syncedAt` and signature timestamps (default: the system clock). */
  now?: () => Date;
  /** Default `Bulwark`; GitHub refuses requests without one. */
  userAgent?: string;
}

/** An environment variable's name (the value, a secret, is read once at start and never logged). */
export const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name');

/** One send (connect, write, answer) must finish within this time. */
export const TimeoutMs = (fallback: number) => z.number().int().min(100).max(120_000).default(fallback);

/**
 * Why `url` may not be used, or null: only http(s), plain http only to loopback unless allowed, and no
 * credentials in the URL (they would end up in logs and error reasons).
 */
export function serviceUrlProblem(url: string, allowInsecureHttp: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'the URL must be http or https';
  if (parsed.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(parsed.hostname)) {
    return 'plain http to a host other than loopback needs allowInsecureHttp: true (use https)';
  }
  if (parsed.username !== '' || parsed.password !== '') return 'put no credentials in the URL (use the token settings)';
  return null;
}

/** The value of the environment variable `name`; stops the start (invalid input) when it is unset or empty. */
export function envSecret(env: Record<string, string | undefined>, name: string, what: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw invalidInput(`${what} needs the environment variable ${name} set`);
  return value.trim();
}

// ---- errors ----

/**
 * A failed send with what the answer said: its status (0 for none) and, for 429 and rate limits, how long
 * the service asked to wait (`Retry-After`), which the outbox may use instead of its own backoff.
 */
export class HttpSendError extends SendError {
  constructor(
    reason: string,
    retryable: boolean,
    readonly status: number,
    readonly retryAfterMs: number | null,
  ) {
    super(reason, retryable);
    this.name = 'HttpSendError';
  }
}

export const isSuccess = (status: number): boolean => status >= 200 && status < 300;

/** 408, 429 and 5xx: a later try may get through. Everything else is a bad request or bad configuration. */
export const isRetryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

const MAX_REASON_CHARS = 300;

/** One line, no control characters, at most `max` characters: safe to log and store. */
export function shorten(text: string, max = MAX_REASON_CHARS): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** Longest wait taken from `Retry-After`; a longer one is capped to it (a misbehaving service cannot park a message for days). */
const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/** `Retry-After` (seconds or an HTTP date, RFC 9110 §10.2.3) in milliseconds, or null when absent or unreadable. */
export function retryAfterMs(headers: http.IncomingHttpHeaders, now: Date): number | null {
  const value = headers['retry-after'];
  if (typeof value !== 'string' || value.length > 64) return null;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d{1,9}$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return null;
    ms = Math.max(0, at - now.getTime());
  }
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

export interface StatusErrorOptions {
  /** Overrides the status's own verdict (GitHub's 403 is a rate limit only with `x-ratelimit-remaining: 0`). */
  retryable?: boolean;
  retryAfterMs?: number | null;
}

/**
 * The `SendError` for an answer that was not 2xx: `HTTP <status>: <detail>` (the service's own message,
 * shortened). A redirect is a failure: channels post to an API, and following one could send a token elsewhere.
 */
export function statusError(status: number, detail: string, opts: StatusErrorOptions = {}): HttpSendError {
  const said = status >= 300 && status < 400 ? 'redirect not followed' : shorten(detail);
  const reason = said === '' ? `HTTP ${status}` : `HTTP ${status}: ${said}`;
  const retryAfter = opts.retryAfterMs ?? null;
  const withWait = retryAfter === null ? reason : `${reason} (retry after ${Math.ceil(retryAfter / 1000)} s)`;
  return new HttpSendError(withWait, opts.retryable ?? isRetryableStatus(status), status, retryAfter);
}

// ---- requests ----

/** A JSON request body. */
export const jsonBody = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** At most `maxAnswerBytes`; `truncated` when the answer was longer (the rest was not read). */
  body: Buffer;
  truncated: boolean;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface HttpClient {
  /** Resolves with any answer (a redirect is not followed); throws a retryable `SendError` on a timeout or network error. */
  request(req: HttpRequest): Promise<HttpAnswer>;
  /** Releases the kept-alive sockets. */
  close(): void;
}

export interface HttpClientOptions {
  timeoutMs: number;
  /** Bytes of an answer kept (default 256 KiB: a tracker's answer echoes the issue it made). */
  maxAnswerBytes?: number;
}

const DEFAULT_MAX_ANSWER_BYTES = 256 * 1024;

/** The answer as JSON, or undefined when it is cut short or not JSON. */
export function answerJson(answer: HttpAnswer): unknown {
  if (answer.truncated || answer.body.length === 0) return undefined;
  try {
    return JSON.parse(answer.body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Kept-alive connections, one socket per protocol: the outbox sends one message at a time per channel. */
export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const maxAnswerBytes = opts.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 1 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 1 }),
  };

  function request(req: HttpRequest): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const protocol = req.url.protocol;
      if (protocol !== 'http:' && protocol !== 'https:') {
        reject(new SendError(`unsupported protocol ${protocol}`, false));
        return;
      }
      const client = protocol === 'https:' ? https : http;
      const headers: Record<string, string | number> = { ...req.headers };
      if (req.body !== undefined) headers['content-length'] = req.body.length;
      let settled = false;
      const finish = (err: unknown, answer?: HttpAnswer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (answer !== undefined) resolve(answer);
        else reject(toSendError(err));
      };
      const r = client.request(req.url, { method: req.method, agent: agents[protocol], headers });
      const timer = setTimeout(() => {
        finish(new SendError('timeout', true)); // before destroying: a half-read answer must not count
        r.destroy();
      }, opts.timeoutMs);
      r.on('error', (err) => finish(err));
      r.on('response', (res) => {
        const chunks: Buffer[] = [];
        let read = 0;
        let truncated = false;
        res.on('data', (chunk: Buffer) => {
          if (truncated) return;
          if (read + chunk.length > maxAnswerBytes) {
            chunks.push(chunk.subarray(0, maxAnswerBytes - read));
            read = maxAnswerBytes;
            truncated = true;
            res.destroy(); // the rest is not needed; the socket is not reused
            return;
          }
          chunks.push(chunk);
          read += chunk.length;
        });
        res.on('error', () => undefined); // 'close' follows and settles
        res.on('close', () => {
          finish(null, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), truncated: truncated || !res.complete });
        });
      });
      r.end(req.body);
    });
  }

  return {
    request,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

/** POSTs `payload` as JSON; a non-2xx answer throws what `failure` makes of it. */
export async function postJson(client: HttpClient, url: URL, headers: Record<string, string>, payload: unknown, failure: (answer: HttpAnswer) => SendError): Promise<HttpAnswer> {
  const answer = await client.request({ method: 'POST', url, headers, body: jsonBody(payload) });
  if (!isSuccess(answer.status)) throw failure(answer);
  return answer;
}
