import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Action, Principal } from '../identity/permissions.js';
import { invalidInput } from '../errors/domain-errors.js';
import { MAX_PAGE_SIZE } from '../contracts/limits.js';

/**
 * One route of Bulwark's API as data: method, URL, the action the permission matrix must grant, the
 * zod schemas of its inputs and output, and a handler. The same records register the routes in
 * fastify, enforce permissions and generate `/api/v1/openapi.json`, so the three cannot drift.
 *
 * @example
 * route({
 *   method: 'GET', url: '/api/v1/findings/:id', action: 'findings:read', tag: 'findings',
 *   summary: 'One finding', params: IdParams, response: Finding,
 *   handler: async ({ params, services }) => services.findings.get(params.id),
 * })
 */
export interface RouteDef<Ctx = unknown> {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  summary: string;
  tag: string;
  /**
   * The action this route needs, checked before the handler runs. `authenticated`: any signed-in
   * principal (the handler narrows further); `public`: no credentials (login and the first steps of
   * invitation and password reset, which carry their own one-time secret).
   */
  action: Action | 'authenticated' | 'public';
  query?: z.ZodType;
  params?: z.ZodType;
  body?: z.ZodType;
  /** The 2xx payload; `null` for 204. */
  response: z.ZodType | null;
  /** Status of a success (default 200, or 204 when `response` is null). */
  status?: number;
  /** Non-JSON success payloads (`text/csv`, `application/x-ndjson`). */
  produces?: string;
  handler(input: HandlerInput<Ctx>): Promise<unknown>;
}

export interface HandlerInput<Ctx> {
  principal: Principal | null;
  query: any;
  params: any;
  body: any;
  req: FastifyRequest;
  reply: FastifyReply;
  ctx: Ctx;
}

export function route<Ctx>(def: RouteDef<Ctx>): RouteDef<Ctx> {
  return def;
}

/** Validates `value` with `schema`; the first problem becomes a 400 with where and what. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    throw invalidInput(`invalid ${what}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}

// Query-string helpers: everything arrives as a string, and an empty value means "not given".
const blankIsAbsent = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
export const qInt = (max: number) => z.preprocess(blankIsAbsent, z.coerce.number().int().min(0).max(max).optional());
export const qNumber = (min: number, max: number) => z.preprocess(blankIsAbsent, z.coerce.number().min(min).max(max).optional());
export const qBool = z.preprocess(blankIsAbsent, z.enum(['true', 'false']).transform((v) => v === 'true').optional());
export const qString = (max: number) => z.preprocess(blankIsAbsent, z.string().max(max).optional());
export const qEnum = <T extends readonly [string, ...string[]]>(values: T) => z.preprocess(blankIsAbsent, z.enum(values).optional());
/** An optional query value validated by `schema` (an enum schema of a contract, say). */
export const qOpt = <T extends z.ZodType>(schema: T) => z.preprocess(blankIsAbsent, schema.optional());

/** `limit` (at most a page cap) and `offset` query parameters of every paged list route. */
export const Paging = { limit: qInt(MAX_PAGE_SIZE), offset: qInt(1_000_000_000) };

export const IdParams = z.object({ id: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/) }).strict();
