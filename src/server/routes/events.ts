import { z } from 'zod';
import { invalidInput } from '../../errors/domain-errors.js';
import { parseIngestPayload } from '../../sources/ingest-payload.js';
import { route } from '../route-kit.js';
import { principalOf, type ServerContext } from '../context.js';

export const eventRoutes = [
  route<ServerContext>({
    method: 'POST',
    url: '/api/v1/events',
    tag: 'ingest',
    summary: 'Ingest a batch of traffic events: a JSON array, {"events": [...]}, or NDJSON; gzip allowed',
    action: 'events:ingest',
    response: z.object({
      accepted: z.number().int(),
      rejected: z.number().int(),
      rejects: z.array(z.object({ index: z.number().int().optional(), reason: z.string() })),
    }),
    handler: async ({ principal, req, ctx }) => {
      const body = req.body;
      if (!Buffer.isBuffer(body) || body.length === 0) throw invalidInput('empty body: send a JSON array of events, {"events": [...]}, or NDJSON');
      const records = parseIngestPayload(body, {
        contentType: req.headers['content-type'],
        contentEncoding: typeof req.headers['content-encoding'] === 'string' ? req.headers['content-encoding'] : undefined,
        maxDecompressedBytes: ctx.config.server.maxDecompressedBytes,
        maxEvents: ctx.config.server.maxEventsPerBatch,
      });
      const report = await ctx.ingest(records);
      const p = principalOf(principal);
      await ctx.identity.audit.append({
        actor: { kind: p.kind, id: p.id },
        action: 'events.ingest',
        target: { type: 'inventory', id: 'events' },
        after: { accepted: report.accepted, rejected: report.rejected, newEndpoints: report.newEndpoints },
        clientAddress: req.ip,
      });
      return {
        accepted: report.accepted,
        rejected: report.rejected,
        rejects: report.firstRejects.map((r) => ({ ...(r.line === undefined ? {} : { index: r.line }), reason: r.reason })),
      };
    },
  }),
];
