import { isPlainTransport } from '../../audit/rules/kit.js';
import type { SpecModel, SpecServer } from '../../model.js';
import type { DiffRule } from '../rule.js';

/** Server URLs: the document's and those of paths and operations, each URL once (the first place it is written). */
function serversOf(model: SpecModel): Map<string, SpecServer> {
  const out = new Map<string, SpecServer>();
  for (const s of [...model.servers, ...model.operations.flatMap((op) => op.servers)]) if (!out.has(s.url)) out.set(s.url, s);
  return out;
}

const added = (ctx: { old: SpecModel; next: SpecModel }) => {
  const before = serversOf(ctx.old);
  return [...serversOf(ctx.next).values()].filter((s) => !before.has(s.url));
};

export const SERVER_RULES: readonly DiffRule[] = [
  {
    id: 'diff-server-plain-http-added',
    title: 'Server without TLS added',
    kind: 'security',
    severity: 'high',
    owasp: 'API8:2023',
    cwe: 'CWE-319',
    tags: ['transport', 'server'],
    detects: 'A server URL in the new spec (document, path or operation `servers`; Swagger 2.0 `schemes`) that the old spec did not have, and that starts with `http://` or `ws://`.',
    rationale: 'Credentials, tokens and data sent to a plain-HTTP server cross the network in clear text; clients generated from the spec will happily use it.',
    remediation: 'Serve the API over HTTPS only and list only `https://` (or `wss://`) servers; keep plain-HTTP addresses for local development out of the published spec.',
    *check(ctx) {
      for (const s of added(ctx)) if (isPlainTransport(s.url)) yield { side: 'new', pointer: s.pointer, message: `server ${s.url} added without TLS` };
    },
  },
  {
    id: 'diff-server-added',
    title: 'Server URL added',
    kind: 'non-breaking',
    severity: 'info',
    owasp: null,
    cwe: null,
    tags: ['server', 'inventory'],
    detects: 'A server URL in the new spec that the old spec did not have.',
    rationale: 'A new address where the API answers is new inventory: it needs the same protections (gateway, WAF, monitoring) as the others.',
    remediation: 'Nothing to fix; make sure the new host is monitored and behind the same controls.',
    *check(ctx) {
      for (const s of added(ctx)) yield { side: 'new', pointer: s.pointer, message: `server ${s.url} added` };
    },
  },
  {
    id: 'diff-server-removed',
    title: 'Server URL removed',
    kind: 'non-breaking',
    severity: 'low',
    owasp: null,
    cwe: null,
    tags: ['server', 'inventory'],
    detects: 'A server URL of the old spec that the new spec no longer lists. The change points at the server in the old spec.',
    rationale: 'Clients configured with the old address need the new one; and if the old host keeps running, it is an unlisted (shadow) deployment of the API.',
    remediation: 'Tell clients the new address; decommission the old host, or keep it listed while it serves traffic.',
    *check(ctx) {
      const after = serversOf(ctx.next);
      for (const [url, s] of serversOf(ctx.old)) if (!after.has(url)) yield { side: 'old', pointer: s.pointer, message: `server ${url} removed` };
    },
  },
];
