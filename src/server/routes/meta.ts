import { z } from 'zod';
import { route } from '../route-kit.js';
import type { ServerContext } from '../context.js';

export const metaRoutes = [
  route<ServerContext>({
    method: 'GET',
    url: '/healthz',
    tag: 'meta',
    summary: 'Liveness: the server answers and the credential is valid',
    action: 'authenticated',
    response: z.object({ status: z.literal('ok') }),
    handler: async () => ({ status: 'ok' as const }),
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/openapi.json',
    tag: 'meta',
    summary: 'This API, described in OpenAPI 3.1 (generated from the route schemas)',
    action: 'authenticated',
    response: z.record(z.string(), z.unknown()),
    handler: async ({ ctx }) => ctx.openApi,
  }),
];
