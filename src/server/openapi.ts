import { z } from 'zod';
import { ErrorBody } from '../contracts/api.js';
import type { RouteDef } from './route-kit.js';

type Json = Record<string, unknown>;

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) of a zod schema, as a client sends (`input`) or receives (`output`) it. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const s = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  delete s.$schema;
  return s;
}

/** `/api/v1/endpoints/:id` -> `/api/v1/endpoints/{id}` */
function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parametersOf(schema: z.ZodType | undefined, where: 'query' | 'path'): Json[] {
  if (!schema) return [];
  const s = schemaOf(schema, 'input');
  const props = (s.properties ?? {}) as Record<string, Json>;
  const required = new Set((s.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, p]) => ({ name, in: where, required: where === 'path' || required.has(name), schema: p }));
}

const ERROR_STATUSES: Record<string, string> = {
  '400': 'Invalid input',
  '401': 'Not authenticated',
  '403': 'Not allowed by the permission matrix (or missing CSRF token)',
  '404': 'Not found (or outside the caller\'s applications)',
  '429': 'Rate limited',
};

/**
 * The OpenAPI 3.1 description of Bulwark's own API, generated from the route records: their zod
 * schemas, summaries and required actions. Served at `/api/v1/openapi.json`.
 */
export function buildOpenApi(routes: readonly RouteDef<any>[], info: { version: string }): Json {
  const paths: Record<string, Json> = {};
  for (const r of routes) {
    const p = (paths[openApiPath(r.url)] ??= {});
    const status = String(r.status ?? (r.response === null ? 204 : 200));
    const success: Json = { description: r.response === null ? 'No content' : 'OK' };
    if (r.response !== null) {
      success.content = r.produces
        ? { [r.produces]: { schema: { type: 'string' } } }
        : { 'application/json': { schema: schemaOf(r.response, 'output') } };
    }
    const errors: Json = {};
    const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } };
    for (const [code, description] of Object.entries(ERROR_STATUSES)) {
      if (r.action === 'public' && (code === '401' || code === '403')) continue;
      errors[code] = { description, content: errorContent };
    }
    const op: Json = {
      operationId: `${r.method.toLowerCase()}${r.url.replace(/^\/api\/v1/, '').replace(/[/:{}.-]+(\w)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: r.summary,
      tags: [r.tag],
      parameters: [...parametersOf(r.params, 'path'), ...parametersOf(r.query, 'query')],
      responses: { [status]: success, ...errors },
      'x-bulwark-action': r.action,
    };
    if (r.action === 'public') op.security = [];
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(r.body, 'input') } } };
    p[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Bulwark API',
      version: info.version,
      description:
        'Bulwark\'s own API. Every route needs a bearer API token (`Authorization: Bearer bwk_...`) or a console session ' +
        'cookie; state-changing requests with a session cookie also need the `x-csrf-token` header. Each operation names ' +
        'the permission it needs in `x-bulwark-action` (see docs/permissions.md).',
    },
    servers: [{ url: '/' }],
    security: [{ bearerToken: [] }, { sessionCookie: [] }],
    components: {
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', bearerFormat: 'bwk_<id>_<secret>' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'bulwark_session' },
      },
      schemas: { ErrorBody: schemaOf(ErrorBody, 'output') },
    },
    paths,
  };
}
