import { startRemediationScheduler } from '../remediation/scheduler.js';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Bulwark } from '../app/context.js';
import { buildServer, type ServerDeps } from './app.js';
import { issueToken } from './tokens.js';
import { conflict, invalidInput, notAllowed } from '../errors/domain-errors.js';

/** The server's dependencies from an opened Bulwark. */
export function serverDeps(bw: Bulwark): ServerDeps {
  return { store: bw.store, pipeline: bw.pipeline, identity: bw.identity, classInfo: bw.classInfo, config: bw.config, logger: bw.logger, cases: bw.cases, remediation: bw.remediation, trackers: bw.trackers, ownership: bw.ownership };
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** Starts the HTTP server (HTTPS when `server.tls` is set) on the configured address (loopback by default). */
export async function startServer(bw: Bulwark, opts: { host?: string; port?: number } = {}): Promise<RunningServer> {
  const app = buildServer(serverDeps(bw));
  const host = opts.host ?? bw.config.server.host;
  const port = opts.port ?? bw.config.server.port;
  try {
    await app.listen({ host, port });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') throw conflict(`cannot listen on ${host}:${port}: the port is already in use`);
    if (code === 'EACCES') throw notAllowed(`cannot listen on ${host}:${port}: permission denied`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw invalidInput(`cannot listen on ${host}:${port}: no such local address`);
    throw err;
  }
  const addr = app.server.address();
  const actualPort = typeof addr === 'object' && addr ? addr.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  // The server process runs remediation's jobs (digests, SLA, outbox); CLI commands do not.
  const scheduler = bw.config.remediation.enabled
    ? startRemediationScheduler({ service: bw.remediation, store: bw.store, config: bw.config.remediation, logger: bw.logger })
    : null;
  // The URL is what the CLI prints and what clients copy: under TLS it has to say https.
  const scheme = bw.config.server.tls ? 'https' : 'http';
  return { app, url: `${scheme}://${shownHost}:${actualPort}`, close: async () => {
      await scheduler?.stop();
      await app.close();
    },
  };
}

/**
 * At first start there is no credential at all: create an admin token and hand it back once, to be
 * shown to the operator. Later starts return null: the plaintext is not kept anywhere.
 */
export async function ensureAdminToken(bw: Bulwark): Promise<string | null> {
  const tokens = await bw.store.listTokens();
  if (tokens.some((t) => !t.revoked && t.scopes.includes('admin'))) return null;
  const { token } = await issueToken(bw.store, 'initial admin', ['admin']);
  return token;
}

/** The first console account, created at first start when there is no user at all. */
export const INITIAL_ADMIN_EMAIL = 'admin@bulwark.local';

/**
 * At first start, creates the admin console account with a random password and hands the password back
 * once, to be shown to the operator. Later starts (any user exists) return null.
 */
export async function ensureAdminUser(bw: Bulwark): Promise<{ email: string; password: string } | null> {
  const users = await bw.store.listUsers({ limit: 1 });
  if (users.total > 0) return null;
  const password = randomBytes(15).toString('base64url');
  await bw.identity.bootstrapAdmin({ email: INITIAL_ADMIN_EMAIL, password, displayName: 'Administrator' });
  return { email: INITIAL_ADMIN_EMAIL, password };
}
