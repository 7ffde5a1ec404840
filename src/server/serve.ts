import type { FastifyInstance } from 'fastify';
import type { Bulwark } from '../app/context.js';
import { buildServer } from './app.js';
import { issueToken } from './tokens.js';
import { conflict, invalidInput, notAllowed } from '../errors/domain-errors.js';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** Starts the HTTP server on the configured address (loopback by default). */
export async function startServer(bw: Bulwark, opts: { host?: string; port?: number } = {}): Promise<RunningServer> {
  const app = buildServer({ store: bw.store, pipeline: bw.pipeline, config: bw.config, logger: bw.logger });
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
  return { app, url: `http://${shownHost}:${actualPort}`, close: () => app.close() };
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
