import type { ApiEventInput, HttpMethod } from '../contracts/api-event.js';
import type { DataClassId } from '../contracts/data-class.js';
import type { AuthKind } from '../contracts/endpoint.js';
import { rs256Token, unsignedToken } from './jwt.js';
import { mixSeed, type Rng } from './prng.js';
import { USER_ID_BASE, type DemoPools } from './pools.js';

/** Shared building blocks of the application modules in `apps/`. */

export type AppId = 'storefront' | 'payments' | 'partners' | 'hr' | 'mobile';
export type RequestInput = ApiEventInput['request'];
export type ResponseInput = NonNullable<ApiEventInput['response']>;
export type BodyInput = { contentType: string; text: string; size: number; truncated: boolean };
export type Headers = Record<string, string>;
/**
 * Builds an application's response headers around a request id. A function returning an object literal,
 * not a template object to spread: spreading and then adding keys drops V8 into dictionary objects and
 * cost about 4 µs per event, more than the whole rest of the event.
 */
export type HeaderTemplate = (requestId: string) => Headers;

export interface Exchange {
  request: RequestInput;
  response: ResponseInput;
}

export interface DemoApplication {
  id: AppId;
  name: string;
  host: string;
  /** TLS version on the https endpoints; plain-http endpoints have none. */
  tlsVersion?: string;
  /** Which clients reach it: `private` means only RFC 1918 addresses. */
  clients: 'public' | 'partners' | 'private';
  /** How complete the response security headers are (HSTS, nosniff, CSP / frame-options). */
  securityHeaders: 'full' | 'partial' | 'none';
  /** The weaknesses planted on purpose, in words, so a reader of the demo knows what should be found. */
  intendedIssues: readonly string[];
}

export interface EndpointDef {
  app: AppId;
  method: HttpMethod;
  pathTemplate: string;
  scheme: 'http' | 'https';
  auth: AuthKind;
  /** Data classes the endpoint carries in normal traffic (request or response). */
  dataClasses: readonly DataClassId[];
  /** Relative share of all traffic. Zero means the endpoint appears only in planted events. */
  weight: number;
  /** Log-normal latency: median in ms and sigma. */
  latency: readonly [number, number];
  build(ctx: Ctx, ep: EndpointDef): Exchange;
}

const DAY_MS = 86_400_000;
/** Number.prototype.toString(16) plus padding costs ~300 ns; a table lookup almost nothing. */
const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Per-run state the builders read: randomness, pools, the current event time, token caches. */
export class Ctx {
  /** Epoch ms of the event being built. */
  t = 0;
  private rid: string | undefined;
  private readonly past: (string | undefined)[] = new Array(1024);
  private readonly days: number;
  private readonly bearer: (string | undefined)[];
  private readonly mobile: (string | undefined)[];

  constructor(
    readonly rng: Rng,
    readonly pools: DemoPools,
    readonly seed: number,
    readonly start: number,
    spanMs: number,
  ) {
    this.days = Math.ceil(spanMs / DAY_MS) + 1;
    this.bearer = new Array(pools.users.length * this.days);
    this.mobile = new Array(pools.users.length);
  }

  /**
   * The user's storefront token for the current day. Tokens live 25 hours and are issued just before the
   * day starts, so every event carries a token that was valid at its own timestamp.
   */
  bearerToken(user: number): string {
    const day = Math.min(this.days - 1, Math.max(0, Math.floor((this.t - this.start) / DAY_MS)));
    const key = user * this.days + day;
    const cached = this.bearer[key];
    if (cached !== undefined) return cached;
    const salt = mixSeed(this.seed ^ user, day + 7);
    const iat = Math.floor((this.start + day * DAY_MS) / 1000) - (salt % 3600);
    const token = rs256Token(
      {
        iss: 'https://auth.northwind.example/',
        sub: `usr_${USER_ID_BASE + user}`,
        aud: 'api.northwind.example',
        iat,
        exp: iat + 25 * 3600,
        scope: 'shop orders profile',
      },
      salt,
    );
    this.bearer[key] = token;
    return token;
  }

  /** The legacy app's unsigned token: `alg: none` and no `exp`, so it never expires. */
  mobileToken(user: number): string {
    const cached = this.mobile[user];
    if (cached !== undefined) return cached;
    const token = unsignedToken({
      sub: `usr_${USER_ID_BASE + user}`,
      iat: Math.floor(this.start / 1000) - (mixSeed(this.seed, user) % (30 * 86_400)),
      device: user % 3 === 0 ? 'ios' : 'android',
      role: 'customer',
    });
    this.mobile[user] = token;
    return token;
  }

  /**
   * One of 1024 ISO times in the 60 days before `start`, chosen by `h`: for "placed at" style fields,
   * which would otherwise cost a Date per event.
   */
  pastDate(h: number): string {
    const i = h & 1023;
    let s = this.past[i];
    if (s === undefined) {
      s = new Date(this.start - 1000 * (1 + Math.floor((i * 5_184_000) / 1024))).toISOString();
      this.past[i] = s;
    }
    return s;
  }

  /** Starts a new event: its time, and a fresh request id on first use. */
  begin(t: number): void {
    this.t = t;
    this.rid = undefined;
  }

  /** The event's request id; header and error body must quote the same one, as real gateways do. */
  requestId(): string {
    if (this.rid === undefined) {
      const a = this.rng.u32();
      const b = this.rng.u32();
      this.rid =
        HEX_BYTE[a >>> 24]! + HEX_BYTE[(a >>> 16) & 255]! + HEX_BYTE[(a >>> 8) & 255]! + HEX_BYTE[a & 255]! +
        HEX_BYTE[b >>> 24]! + HEX_BYTE[(b >>> 16) & 255]! + HEX_BYTE[(b >>> 8) & 255]! + HEX_BYTE[b & 255]!;
    }
    return this.rid;
  }

  /** 0 for a normal answer, 4 for a client error, 5 for a server error. */
  outcome(p4xx: number, p5xx: number): 0 | 4 | 5 {
    const r = this.rng.float();
    return r < p5xx ? 5 : r < p5xx + p4xx ? 4 : 0;
  }
}

/** `text` must be pure ASCII (build string values with `jsonString`), so its size is its length. */
export function jsonBody(text: string): BodyInput {
  return { contentType: 'application/json', text, size: text.length, truncated: false };
}

export function textBody(text: string, contentType: string): BodyInput {
  return { contentType, text, size: Buffer.byteLength(text), truncated: false };
}

/** Marker for "no query parameters"; `request` swaps it for a fresh object so no two events share one. */
export const NO_QUERY: Record<string, string> = Object.freeze({}) as Record<string, string>;

export function request(
  ep: EndpointDef,
  host: string,
  tlsVersion: string | undefined,
  path: string,
  query: Record<string, string | string[]>,
  headers: Headers,
  cookies: Record<string, string>,
  clientAddress: string,
  body?: BodyInput,
): RequestInput {
  const r: RequestInput = {
    method: ep.method,
    scheme: ep.scheme,
    host,
    path,
    query: query === NO_QUERY ? {} : query,
    headers,
    cookies,
    clientAddress,
    httpVersion: ep.scheme === 'https' ? 'HTTP/2' : 'HTTP/1.1',
  };
  if (ep.scheme === 'https' && tlsVersion) r.tlsVersion = tlsVersion;
  if (body) r.body = body;
  return r;
}

/** A response whose headers copy a per-application template and get a fresh request id. */
export function response(ctx: Ctx, template: HeaderTemplate, status: number, body?: BodyInput): ResponseInput {
  const headers = template(ctx.requestId());
  if (body) {
    headers['content-type'] = body.contentType.startsWith('application/json') ? 'application/json; charset=utf-8' : body.contentType;
    headers['content-length'] = String(body.size);
    return { status, headers, body };
  }
  headers['content-length'] = '0';
  return { status, headers };
}

/** Status codes for generic failures, weighted the way production error logs look. */
export function clientErrorStatus(rng: Rng): number {
  const r = rng.float();
  return r < 0.4 ? 404 : r < 0.65 ? 400 : r < 0.8 ? 401 : r < 0.9 ? 403 : r < 0.96 ? 429 : 409;
}

export function serverErrorStatus(rng: Rng): number {
  const r = rng.float();
  return r < 0.55 ? 500 : r < 0.8 ? 502 : r < 0.95 ? 503 : 504;
}

const REASONS: Record<number, string> = {
  400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 409: 'conflict',
  422: 'unprocessable_entity', 429: 'rate_limited', 500: 'internal_error', 502: 'bad_gateway',
  503: 'unavailable', 504: 'gateway_timeout',
};

/** The well-behaved applications' error body: a code and a request id, never internals. */
export function problemBody(status: number, requestId: string): BodyInput {
  return jsonBody(`{"error":{"code":"${REASONS[status] ?? 'error'}","status":${status},"requestId":"${requestId}"}}`);
}

export function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}
