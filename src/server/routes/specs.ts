import { z } from 'zod';
import { pageOf } from '../../contracts/api.js';
import {
  ImportSpecRequest,
  ImportSpecResult,
  SPEC_SORTS,
  SpecDetail,
  SpecRow,
  SpecVersionDetail,
  SpecVersionDiff,
  type Spec,
} from '../../contracts/spec-registry.js';
import { SpecConformance } from '../../contracts/conformance.js';
import { specConformance } from '../../conformance/report.js';
import { createSpecRegistry, type SpecRegistry } from '../../spec/registry.js';
import { systemClock } from '../../util/clock.js';
import { IdParams, qEnum, qString, route, Paging } from '../route-kit.js';
import { callerOf, type ServerContext } from '../context.js';

/**
 * The spec registry over HTTP. An upload is a JSON body with the spec text in `text` (YAML or JSON, as a
 * string) rather than a raw YAML body: the text travels with its file name, hosts and application in one
 * validated payload, every route keeps the one JSON body parser, and the body limit bounds it.
 * Workload owners would see only the specs of their applications; the matrix gives them no spec actions.
 */

const VersionNumber = z.string().regex(/^[1-9][0-9]{0,8}$/, 'a version number').transform(Number);
const VersionParams = z.object({ id: IdParams.shape.id, n: VersionNumber }).strict();
/** Both versions are required: the console defaults them, a script names them. */
const DiffQuery = z.object({ from: VersionNumber, to: VersionNumber }).strict();
/** A new version: the same payload, the spec is in the path. */
const NewVersionRequest = ImportSpecRequest;

/** The registry is a plain factory over the store: one per request costs nothing and keeps no state. */
function registryOf(ctx: ServerContext): SpecRegistry {
  return createSpecRegistry({ store: ctx.store, audit: ctx.identity.audit, clock: systemClock });
}

async function withNames<T extends { spec: Spec }>(ctx: ServerContext, value: T): Promise<Omit<T, 'spec'> & { spec: SpecRow }> {
  const names = await ctx.applicationNames();
  return { ...value, spec: named(value.spec, names) };
}

function named(spec: Spec, names: Map<string, string>): SpecRow {
  return { ...spec, application: spec.applicationId ? (names.get(spec.applicationId) ?? null) : null };
}

export const specRoutes = [
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/specs',
    tag: 'specs',
    summary: 'API specifications with the score and finding counts of their latest version: filtered, sorted, paginated',
    action: 'specs:read',
    query: z
      .object({
        ...Paging,
        search: qString(200),
        host: qString(255),
        application: qString(64),
        sort: qEnum(SPEC_SORTS),
        order: qEnum(['asc', 'desc'] as const),
      })
      .strict(),
    response: pageOf(SpecRow),
    handler: async ({ principal, query, req, ctx }) => {
      const [page, names] = await Promise.all([registryOf(ctx).listSpecs(callerOf(principal, req), { ...query, limit: query.limit ?? 50 }), ctx.applicationNames()]);
      return { ...page, items: page.items.map((s) => named(s, names)) };
    },
  }),
  route<ServerContext>({
    method: 'POST',
    url: '/api/v1/specs',
    tag: 'specs',
    summary: 'Import a spec (Swagger 2.0, OpenAPI 3.0/3.1; YAML or JSON text): audited, scored, stored as version 1',
    action: 'specs:write',
    body: ImportSpecRequest,
    response: ImportSpecResult,
    status: 201,
    handler: async ({ principal, body, req, ctx }) => withNames(ctx, await registryOf(ctx).importSpec(callerOf(principal, req), body)),
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/specs/:id',
    tag: 'specs',
    summary: 'One spec: hosts, APIs, application, latest version, and its versions (newest first)',
    action: 'specs:read',
    params: IdParams,
    query: z.object(Paging).strict(),
    response: SpecDetail,
    handler: async ({ principal, params, query, req, ctx }) => {
      const caller = callerOf(principal, req);
      const registry = registryOf(ctx);
      const spec = await registry.getSpec(caller, params.id);
      const versions = await registry.listVersions(caller, params.id, { ...query, limit: query.limit ?? 50 });
      return withNames(ctx, { spec, versions });
    },
  }),
  route<ServerContext>({
    method: 'POST',
    url: '/api/v1/specs/:id/versions',
    tag: 'specs',
    summary: 'Upload a new version of a spec; the text of the latest version again adds none (created: false)',
    action: 'specs:write',
    params: IdParams,
    body: NewVersionRequest,
    response: ImportSpecResult,
    handler: async ({ principal, params, body, req, ctx }) =>
      withNames(ctx, await registryOf(ctx).importSpec(callerOf(principal, req), { ...body, specId: params.id })),
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/specs/:id/versions/:n',
    tag: 'specs',
    summary: 'One version of a spec: its findings (most severe first) and its text as uploaded',
    action: 'specs:read',
    params: VersionParams,
    response: SpecVersionDetail,
    handler: async ({ principal, params, req, ctx }) => registryOf(ctx).getVersion(callerOf(principal, req), params.id, params.n),
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/specs/:id/diff',
    tag: 'specs',
    summary: 'The changes from one version of a spec to another (breaking, security, other), as `bulwark spec diff` reports them',
    action: 'specs:read',
    params: IdParams,
    query: DiffQuery,
    response: SpecVersionDiff,
    handler: async ({ principal, params, query, req, ctx }) => registryOf(ctx).diffVersions(callerOf(principal, req), params.id, query.from, query.to),
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/specs/:id/conformance',
    tag: 'specs',
    summary:
      'Conformance of live traffic to the latest version of a spec: summary counts, shadow endpoints, zombie and orphan operations, drift by field (at most 500 of each, with links to endpoints)',
    action: 'specs:read',
    params: IdParams,
    response: SpecConformance,
    handler: async ({ principal, params, req, ctx }) =>
      specConformance({ registry: registryOf(ctx), store: ctx.store, orphanAfterDays: ctx.config.conformance.orphanAfterDays }, callerOf(principal, req), params.id),
  }),
  route<ServerContext>({
    method: 'DELETE',
    url: '/api/v1/specs/:id',
    tag: 'specs',
    summary: 'Delete a spec and all its versions',
    action: 'specs:write',
    params: IdParams,
    response: null,
    handler: async ({ principal, params, req, ctx }) => {
      await registryOf(ctx).deleteSpec(callerOf(principal, req), params.id);
    },
  }),
];
