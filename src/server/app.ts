import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Config } from '../config/config.js';
import type { Store, StoredToken, TokenScope } from '../store/store.js';
import { MAX_PAGE_SIZE } from '../store/store.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { Logger } from '../util/logger.js';
import { DomainError, invalidInput, notAllowed, notFound, toErrorBody, unauthenticated } from '../errors/domain-errors.js';
import { parseIngestPayload } from '../sources/ingest-payload.js';
import { hasScope, issueToken, verifyToken } from './tokens.js';
import { RiskLevel } from '../contracts/endpoint.js';
import { Severity } from '../contracts/finding.js';

export interface ServerDeps {
  store: Store;
  pipeline: Pipeline;
  config: Readonly<Config>;
  logger: Logger;
}

declare module 'fastify' {
  interface FastifyRequest {
    token?: StoredToken;
  }
}

const boolParam = z.enum(['true', 'false']).transform((v) => v === 'true');
/** An empty query value (`?limit=`) means "not given", not 0. */
const blankIsAbsent = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const intParam = (max: number) => z.preprocess(blankIsAbsent, z.coerce.number().int().min(0).max(max).optional());

const EndpointListQuery = z
  .object({
    limit: intParam(MAX_PAGE_SIZE).optional(),
    offset: intParam(1_000_000_000).optional(),
    host: z.string().max(255).optional(),
    method: z.string().max(10).optional(),
    riskLevel: RiskLevel.optional(),
    minScore: z.preprocess(blankIsAbsent, z.coerce.number().min(0).max(10).optional()),
    internetExposed: boolParam.optional(),
    authenticated: boolParam.optional(),
    dataClass: z.string().max(50).optional(),
    search: z.string().max(200).optional(),
    sort: z.enum(['risk', 'calls', 'lastSeen', 'firstSeen', 'path', 'host']).optional(),
    order: z.enum(['asc', 'desc']).optional(),
  })
  .strict();

const FindingListQuery = z
  .object({
    limit: intParam(MAX_PAGE_SIZE).optional(),
    offset: intParam(1_000_000_000).optional(),
    endpointId: z.string().max(64).optional(),
    severity: Severity.optional(),
    minSeverity: Severity.optional(),
    ruleId: z.string().max(100).optional(),
    status: z.enum(['open', 'resolved']).optional(),
    host: z.string().max(255).optional(),
  })
  .strict();

const TokenCreate = z
  .object({ name: z.string().min(1).max(100), scopes: z.array(z.enum(['ingest', 'read', 'admin'])).min(1).max(3) })
  .strict();

const IdParam = z.object({ id: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/) });

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    throw invalidInput(`invalid ${what}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * Bulwark's HTTP server. Every route, `/healthz` included, requires a bearer token; each route names
 * the scope it needs (`admin` implies all). Errors leave through one mapper as a uniform JSON body.
 */
export function buildServer(deps: ServerDeps): FastifyInstance {
  const { store, pipeline, config, logger } = deps;
  const app = Fastify({
    logger: false,
    bodyLimit: config.server.maxBodyBytes,
    routerOptions: { maxParamLength: 200 },
  });

  // The ingest route parses its own bodies (JSON, NDJSON, gzip); everything arrives as a Buffer.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    return payload;
  });

  app.addHook('onRequest', async (req) => {
    const header = req.headers.authorization;
    const m = typeof header === 'string' ? /^Bearer ([^\s]{1,200})$/i.exec(header) : null;
    if (!m) throw unauthenticated('missing bearer token: send "Authorization: Bearer <token>"');
    const token = await verifyToken(store, m[1]!);
    if (!token) throw unauthenticated('invalid or revoked token');
    req.token = token;
    void store.touchToken(token.id, new Date().toISOString()).catch(() => undefined);
  });

  const need = (scope: TokenScope) => async (req: FastifyRequest) => {
    if (!req.token || !hasScope(req.token, scope)) throw notAllowed(`this route needs the "${scope}" scope`);
  };

  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    let e = err;
    const fe = err as { statusCode?: number; code?: string; message?: string };
    if (!(err instanceof DomainError) && typeof fe.statusCode === 'number' && fe.statusCode < 500) {
      // Fastify's own client errors (body too large, bad content length, ...).
      e = new DomainError(fe.statusCode === 413 ? 'too_large' : 'invalid_input', fe.message ?? 'bad request');
    }
    const { status, body } = toErrorBody(e);
    if (status >= 500) logger.error({ route: req.routeOptions.url, err: (err as Error).message }, 'request failed');
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler(() => {
    throw notFound('no such route');
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/api/v1/inventory/summary', { preHandler: need('read') }, async () => store.inventorySummary());

  app.get('/api/v1/endpoints', { preHandler: need('read') }, async (req) => store.listEndpoints(parse(EndpointListQuery, req.query, 'query')));

  app.get('/api/v1/endpoints/:id', { preHandler: need('read') }, async (req) => {
    const { id } = parse(IdParam, req.params, 'path');
    const endpoint = await store.getEndpoint(id);
    if (!endpoint) throw notFound(`endpoint ${id} not found`);
    const [samples, findings] = await Promise.all([store.listSamples(id, 20), store.listFindings({ endpointId: id, limit: 200 })]);
    return { endpoint, samples, findings: findings.items };
  });

  app.get('/api/v1/findings', { preHandler: need('read') }, async (req) => store.listFindings(parse(FindingListQuery, req.query, 'query')));

  app.get('/api/v1/findings/:id', { preHandler: need('read') }, async (req) => {
    const { id } = parse(IdParam, req.params, 'path');
    const f = await store.getFinding(id);
    if (!f) throw notFound(`finding ${id} not found`);
    return f;
  });

  // One ingest at a time: the pipeline's in-memory aggregates are single-writer.
  let ingestChain: Promise<unknown> = Promise.resolve();
  app.post('/api/v1/events', { preHandler: need('ingest') }, async (req, reply) => {
    const body = req.body;
    if (!Buffer.isBuffer(body) || body.length === 0) throw invalidInput('empty body: send a JSON array of events, {"events": [...]}, or NDJSON');
    const records = parseIngestPayload(body, {
      contentType: req.headers['content-type'],
      contentEncoding: typeof req.headers['content-encoding'] === 'string' ? req.headers['content-encoding'] : undefined,
      maxDecompressedBytes: config.server.maxDecompressedBytes,
      maxEvents: config.server.maxEventsPerBatch,
    });
    const run = ingestChain.then(() => pipeline.ingest(records));
    ingestChain = run.catch(() => undefined);
    const report = await run;
    void reply.status(200);
    return {
      accepted: report.accepted,
      rejected: report.rejected,
      rejects: report.firstRejects.map((r) => ({ index: r.line, reason: r.reason })),
    };
  });

  app.get('/api/v1/rejects', { preHandler: need('admin') }, async (req) => {
    const { limit } = parse(z.object({ limit: intParam(MAX_PAGE_SIZE).optional() }).strict(), req.query, 'query');
    return { items: await store.listRejects(limit ?? 100) };
  });

  app.get('/api/v1/tokens', { preHandler: need('admin') }, async () => ({
    items: (await store.listTokens()).map(({ hash: _hash, ...t }) => t),
  }));

  app.post('/api/v1/tokens', { preHandler: need('admin') }, async (req, reply) => {
    let json: unknown;
    try {
      json = JSON.parse((req.body as Buffer | undefined)?.toString('utf8') ?? '');
    } catch {
      throw invalidInput('body must be JSON: {"name": "...", "scopes": ["read"]}');
    }
    const input = parse(TokenCreate, json, 'body');
    const { token, record } = await issueToken(store, input.name, [...new Set(input.scopes)]);
    const { hash: _hash, ...rest } = record;
    void reply.status(201);
    return { ...rest, token };
  });

  app.delete('/api/v1/tokens/:id', { preHandler: need('admin') }, async (req, reply) => {
    const { id } = parse(IdParam, req.params, 'path');
    if (req.token?.id === id) throw invalidInput('a token cannot revoke itself');
    if (!(await store.revokeToken(id))) throw notFound(`token ${id} not found`);
    void reply.status(204);
    return null;
  });

  return app;
}
