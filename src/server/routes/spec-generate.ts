import { z } from 'zod';
import { invalidInput } from '../../errors/domain-errors.js';
import { SpecGenerateRequest, SpecGenerateResult, SpecReviewList } from '../../contracts/spec-generate.js';
import { createSpecGenerator } from '../../spec/generate/service.js';
import { systemClock } from '../../util/clock.js';
import { qString, route } from '../route-kit.js';
import { callerOf, type ServerContext } from '../context.js';

/**
 * Generating an OpenAPI 3.1 document from the inventory (see docs/spec-generate.md). The review list
 * gives every endpoint its default decision; the console (or a script) edits decisions and posts them
 * with the filters. Nothing is stored: the answer is the document's text, to save or import.
 * `specs:write` (practitioners, admins, and workload owners for their own applications' endpoints).
 */

/** `host=a.example,b.example`: one query value, like every other list filter of the API. */
const ReviewQuery = z.object({ host: qString(50 * 256), application: qString(64) }).strict();

function hostsOf(value: string | undefined): string[] | undefined {
  const hosts = (value ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  if (hosts.length > 50 || hosts.some((h) => h.length > 255)) throw invalidInput('invalid query: host: at most 50 comma-separated hosts of up to 255 characters');
  return hosts.length ? hosts : undefined;
}

const generatorOf = (ctx: ServerContext) => createSpecGenerator({ store: ctx.store, clock: systemClock });

export const specGenerateRoutes = [
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/specs/generate/review',
    tag: 'specs',
    summary: 'The endpoints a generated spec would describe (comma-separated hosts, or one application), each with its default decision: accept',
    action: 'specs:write',
    query: ReviewQuery,
    response: SpecReviewList,
    handler: async ({ principal, query, req, ctx }) =>
      generatorOf(ctx).review(callerOf(principal, req), { hosts: hostsOf(query.host), application: query.application }),
  }),
  route<ServerContext>({
    method: 'POST',
    url: '/api/v1/specs/generate',
    tag: 'specs',
    summary: 'Generate an OpenAPI 3.1 document (YAML or JSON text) from the inventory, applying review decisions (skip, rename, merge, split)',
    action: 'specs:write',
    body: SpecGenerateRequest,
    response: SpecGenerateResult,
    handler: async ({ principal, body, req, ctx }) => {
      const { document: _document, ...result } = await generatorOf(ctx).generate(callerOf(principal, req), body);
      return result;
    },
  }),
];
