import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Config } from '../config/config.js';
import type { Store } from '../store/store.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { CaseService } from '../cases/service.js';
import type { OwnershipService } from '../ownership/service.js';
import type { RemediationService } from '../remediation/service.js';
import type { TrackerSync } from '../remediation/tracker-sync.js';
import type { Logger } from '../util/logger.js';
import type { IdentityService } from '../identity/identity-service.js';
import type { ClassInfo } from '../risk/posture-rules.js';
import { can } from '../identity/permissions.js';
import { clientKey, createRateLimiter } from '../identity/throttle.js';
import { systemClock, type Clock } from '../util/clock.js';
import { DomainError, invalidInput, notAllowed, notFound, toErrorBody, tooManyRequests, unauthenticated } from '../errors/domain-errors.js';
import { CSRF_HEADER, authenticate, type Authenticated } from './auth.js';
import { parseWith, type RouteDef } from './route-kit.js';
import { buildOpenApi } from './openapi.js';
import { CONSOLE_CSP, defaultWebRoot, loadWebAssets } from './web-assets.js';
import { createServerContext, type ServerContext } from './context.js';
import { metaRoutes } from './routes/meta.js';
import { authRoutes } from './routes/auth.js';
import { inventoryRoutes } from './routes/inventory.js';
import { findingRoutes } from './routes/findings.js';
import { adminRoutes } from './routes/admin.js';
import { eventRoutes } from './routes/events.js';
import { specRoutes } from './routes/specs.js';
import { specGenerateRoutes } from './routes/spec-generate.js';
import { caseRoutes } from './routes/cases.js';
import { ownershipRoutes } from './routes/ownership.js';
import { taskRoutes } from './routes/tasks.js';

export interface ServerDeps {
  store: Store;
  pipeline: Pipeline;
  identity: IdentityService;
  classInfo: (id: string) => ClassInfo;
  config: Readonly<Config>;
  logger: Logger;
  /** Threat cases and issues: the same service the pipeline hands its detections to. */
  cases: CaseService;
  /** Remediation tasks (one service for the server, the pipeline's after-flush sync and the scheduler). */
  remediation: RemediationService;
  trackers: TrackerSync;
  /** Ownership rules and their tester (the same service the pipeline syncs unowned endpoints with). */
  ownership: OwnershipService;
  /** Folder of the built console; default `dist/web`. */
  webRoot?: string;
  /** Time for the rate limiter's windows; default the system clock (tests move a manual one). */
  clock?: Clock;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth?: Authenticated | null;
  }
  interface FastifyContextConfig {
    bulwarkRoute?: RouteDef<ServerContext>;
    publicAsset?: boolean;
  }
}

/** Every route of the API, in one list: registration, permission checks and the OpenAPI description read it. */
export const ROUTES: readonly RouteDef<ServerContext>[] = [
  ...metaRoutes,
  ...authRoutes,
  ...inventoryRoutes,
  ...findingRoutes,
  ...specGenerateRoutes,
  ...specRoutes,
  ...caseRoutes,
  ...taskRoutes,
  ...adminRoutes,
  ...ownershipRoutes,
  ...eventRoutes,
];

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
  'cross-origin-resource-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * Bulwark's HTTP server. Every API route, `/healthz` included, needs a credential: a bearer API token
 * or a console session (plus its CSRF token on state-changing requests). Each route names the action
 * it needs from the permission matrix; workload owners are further bounded to their applications by
 * the handlers. The console's static files are public (the login page has to load). Errors leave
 * through one mapper as a uniform JSON body.
 */
export function buildServer(deps: ServerDeps): FastifyInstance {
  const { config, logger } = deps;
  const tls = config.server.tls;
  const app = Fastify({
    logger: false,
    bodyLimit: config.server.maxBodyBytes,
    requestTimeout: config.server.requestTimeoutMs,
    routerOptions: { maxParamLength: 200 },
    http: { maxHeaderSize: config.server.maxHeaderBytes },
    ...(tls ? { https: { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile), maxHeaderSize: config.server.maxHeaderBytes } } : {}),
  }) as unknown as FastifyInstance;
  const ctx = createServerContext({ ...deps, secureCookies: tls !== undefined });
  const limiter = createRateLimiter({ limit: config.server.rateLimitPerMinute, windowMs: 60_000, maxKeys: 50_000, clock: deps.clock ?? systemClock });
  const openApi = buildOpenApi(ROUTES, { version: version() });
  ctx.openApi = openApi;

  // Bodies arrive as Buffers: the ingest route parses its own formats, the others take JSON (route-kit).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(k)) reply.header(k, v);
    if (tls) reply.header('strict-transport-security', 'max-age=31536000');
    return payload;
  });

  app.addHook('onRequest', async (req, reply) => {
    const cfg = req.routeOptions.config;
    if (cfg?.publicAsset) return;
    const def = cfg?.bulwarkRoute;
    req.auth = await authenticate(req, deps);
    const key = req.auth ? `${req.auth.principal.kind}:${req.auth.principal.id}` : `addr:${clientKey(req.ip)}`;
    const verdict = limiter.hit(key);
    if (!verdict.allowed) {
      const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
      void reply.header('retry-after', String(seconds));
      throw tooManyRequests('too many requests: slow down', seconds);
    }
    if (def?.action === 'public') return;
    // Unknown routes too: an anonymous caller learns nothing about which routes exist.
    if (!req.auth) throw unauthenticated('sign in, or send "Authorization: Bearer <token>"');
    if (!def) return;
    if (req.auth.via === 'session' && STATE_CHANGING.has(req.method)) {
      const presented = req.headers[CSRF_HEADER];
      if (typeof presented !== 'string' || !(await deps.identity.verifyCsrf(req.auth.session!, presented))) {
        throw notAllowed(`missing or wrong ${CSRF_HEADER} header`);
      }
    }
    if (def.action !== 'authenticated' && !can(req.auth.principal, def.action)) {
      throw notAllowed(`not allowed: this route needs the "${def.action}" permission`);
    }
  });

  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    let e = err;
    const fe = err as { statusCode?: number; code?: string; message?: string };
    if (!(err instanceof DomainError) && typeof fe.statusCode === 'number' && fe.statusCode < 500) {
      // Fastify's own client errors (body too large, bad content length, ...).
      e = new DomainError(fe.statusCode === 413 ? 'too_large' : 'invalid_input', fe.message ?? 'bad request');
    }
    const { status, body } = toErrorBody(e);
    if (e instanceof DomainError && e.code === 'too_many_requests') {
      const seconds = (e.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
      if (seconds) void reply.header('retry-after', String(seconds));
    }
    if (status >= 500) logger.error({ route: req.routeOptions.url, err: (err as Error).message }, 'request failed');
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler(() => {
    throw notFound('no such route');
  });

  for (const def of ROUTES) {
    app.route({
      method: def.method,
      url: def.url,
      config: { bulwarkRoute: def },
      handler: async (req, reply) => {
        const query = def.query ? parseWith(def.query, req.query, 'query') : undefined;
        const params = def.params ? parseWith(def.params, req.params, 'path') : undefined;
        let body: unknown;
        if (def.body) {
          const raw = req.body;
          if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw invalidInput('send the body as JSON (content-type: application/json)');
          let json: unknown;
          try {
            json = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : '');
          } catch {
            throw invalidInput('the body is not valid JSON');
          }
          body = parseWith(def.body, json, 'body');
        }
        const out = await def.handler({ principal: req.auth?.principal ?? null, query, params, body, req, reply, ctx });
        if (def.response === null) {
          void reply.status(def.status ?? 204);
          return reply.send();
        }
        if (!reply.sent) void reply.status(def.status ?? 200);
        return out;
      },
    });
  }

  const assets = loadWebAssets(deps.webRoot ?? defaultWebRoot());
  const serveAsset = async (req: FastifyRequest, reply: FastifyReply) => {
    const asset = assets?.get(req.url.split('?', 1)[0]!);
    if (!asset) throw notFound(assets ? 'no such file' : 'the web console is not built: run "npm run build"');
    void reply.header('content-type', asset.type).header('cache-control', asset.cacheControl).header('content-security-policy', CONSOLE_CSP);
    return reply.send(asset.body);
  };
  app.get('/', { config: { publicAsset: true } }, serveAsset);
  app.get('/index.html', { config: { publicAsset: true } }, serveAsset);
  app.get('/assets/*', { config: { publicAsset: true } }, serveAsset);
  app.get('/favicon.svg', { config: { publicAsset: true } }, serveAsset);

  return app;
}
