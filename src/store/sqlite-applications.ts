import type Database from 'better-sqlite3';
import type { SpecCoverage } from '../contracts/conformance.js';

/**
 * How the store decides applications (the ownership rules, compiled: `sqlite-ownership.ts`). Separate from
 * the rules themselves so that schema step 3, which predates them, re-assigns with what it had: each
 * application's matchers, in creation order.
 */
export interface Claims {
  /** Whether `endpoint` reads the coverage (some rule reads specs); without it, coverage is not loaded. */
  readonly usesCoverage: boolean;
  /** The application of an endpoint. */
  endpoint(e: { host: string; pathTemplate: string; coverage: SpecCoverage | null }): string | null;
  /** The application of a finding without a stored endpoint: its own host and path (`/` for host-level findings). */
  orphan(host: string, pathTemplate: string): string | null;
}

/**
 * The application of a finding: its endpoint's when the endpoint is stored, else the one that claims the
 * finding's own host and path (host-level findings: the path `/`), which is what the endpoint will get.
 */
export function findingApplication(
  endpointApplication: string | null | undefined,
  f: { host: string; pathTemplate: string | null },
  claims: Claims,
): string | null {
  return endpointApplication !== undefined ? endpointApplication : claims.orphan(f.host, f.pathTemplate ?? '/');
}

/**
 * Gives every endpoint and finding the application that claims it, writing only the rows whose
 * application changes, and answers how many endpoints changed. Runs inside the caller's write transaction
 * (an ownership change, or the schema step that introduced the columns), so no reader sees a
 * half-assigned estate.
 */
export function reassignApplications(db: Database.Database, claims: Claims): number {
  const setEndpoint = db.prepare('UPDATE endpoints SET application_id = ? WHERE id = ?');
  // Coverage only when a rule reads it: schema step 3 runs before the coverage table exists.
  const endpoints = db
    .prepare(
      claims.usesCoverage
        ? `SELECT e.id, e.host, e.path_template, e.application_id, c.doc AS coverage
           FROM endpoints e LEFT JOIN endpoint_coverage c ON c.endpoint_id = e.id`
        : 'SELECT id, host, path_template, application_id, NULL AS coverage FROM endpoints',
    )
    .all() as { id: string; host: string; path_template: string; application_id: string | null; coverage: string | null }[];
  let changed = 0;
  for (const e of endpoints) {
    const coverage = e.coverage === null ? null : (JSON.parse(e.coverage) as SpecCoverage);
    const app = claims.endpoint({ host: e.host, pathTemplate: e.path_template, coverage });
    if (app === e.application_id) continue;
    setEndpoint.run(app, e.id);
    changed++;
  }

  // Findings of stored endpoints follow their endpoint, in one statement.
  db.prepare(
    `UPDATE findings SET application_id = e.application_id FROM endpoints e
     WHERE e.id = findings.endpoint_id AND findings.application_id IS NOT e.application_id`,
  ).run();
  // The rest (host-level findings, findings that arrived before their endpoint) are matched on their own.
  const setFinding = db.prepare('UPDATE findings SET application_id = ? WHERE id = ?');
  const orphans = db
    .prepare(
      `SELECT id, host, path_template, application_id FROM findings
       WHERE endpoint_id IS NULL OR NOT EXISTS (SELECT 1 FROM endpoints e WHERE e.id = findings.endpoint_id)`,
    )
    .all() as { id: string; host: string; path_template: string | null; application_id: string | null }[];
  for (const f of orphans) {
    const app = findingApplication(undefined, { host: f.host, pathTemplate: f.path_template }, claims);
    if (app !== f.application_id) setFinding.run(app, f.id);
  }
  return changed;
}

/**
 * Gives every spec its application: the pinned one while it exists, else `claim`'s (the first rule that
 * matches the spec: `sqlite-ownership.ts`), and unpins applications that no longer exist. Like
 * `reassignApplications`, it runs inside the caller's write transaction.
 */
export function reassignSpecApplications(db: Database.Database, known: ReadonlySet<string>, claim: (specId: string, hosts: readonly string[]) => string | null): void {
  const set = db.prepare('UPDATE specs SET application_id = ?, pinned_application_id = ? WHERE id = ?');
  const rows = db.prepare('SELECT id, hosts, application_id, pinned_application_id FROM specs').all() as {
    id: string;
    hosts: string;
    application_id: string | null;
    pinned_application_id: string | null;
  }[];
  for (const r of rows) {
    const pinned = r.pinned_application_id !== null && known.has(r.pinned_application_id) ? r.pinned_application_id : null;
    const app = pinned ?? claim(r.id, JSON.parse(r.hosts) as string[]);
    if (app !== r.application_id || pinned !== r.pinned_application_id) set.run(app, pinned, r.id);
  }
}
