import type Database from 'better-sqlite3';
import type { Application } from '../contracts/identity.js';
import { applicationOf } from '../identity/applications.js';
import { specApplicationOf } from './spec-application.js';

/** What `applicationOf` needs, in the order it tries them. */
export type ApplicationMatchers = readonly Pick<Application, 'id' | 'matchers'>[];

/** The applications in creation order (by instant), then id: the order in which they claim endpoints. */
export function loadApplicationMatchers(db: Database.Database): ApplicationMatchers {
  const rows = db.prepare('SELECT id, matchers FROM applications ORDER BY created_ms, id').all() as { id: string; matchers: string }[];
  return rows.map((r) => ({ id: r.id, matchers: JSON.parse(r.matchers) as Application['matchers'] }));
}

/**
 * The application of a finding: its endpoint's when the endpoint is stored, else the one that claims the
 * finding's own host and path (host-level findings: the path `/`), which is what the endpoint will get.
 */
export function findingApplication(
  endpointApplication: string | null | undefined,
  f: { host: string; pathTemplate: string | null },
  apps: ApplicationMatchers,
): string | null {
  return endpointApplication !== undefined ? endpointApplication : applicationOf(f.host, f.pathTemplate ?? '/', apps);
}

/**
 * Gives every endpoint and finding the application that claims it under `apps`, writing only the rows
 * whose application changes. Runs inside the caller's write transaction (an application change, or the
 * schema step that introduced the columns), so no reader sees a half-assigned estate.
 */
export function reassignApplications(db: Database.Database, apps: ApplicationMatchers): void {
  const setEndpoint = db.prepare('UPDATE endpoints SET application_id = ? WHERE id = ?');
  const endpoints = db.prepare('SELECT id, host, path_template, application_id FROM endpoints').all() as {
    id: string;
    host: string;
    path_template: string;
    application_id: string | null;
  }[];
  for (const e of endpoints) {
    const app = applicationOf(e.host, e.path_template, apps);
    if (app !== e.application_id) setEndpoint.run(app, e.id);
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
    const app = findingApplication(undefined, { host: f.host, pathTemplate: f.path_template }, apps);
    if (app !== f.application_id) setFinding.run(app, f.id);
  }
}

/**
 * Gives every spec its application under `apps` (pinned, else by host: `specApplicationOf`), and unpins
 * applications that no longer exist. Like `reassignApplications`, it runs inside the caller's write
 * transaction; it is separate because specs arrived with schema step 4 and step 3 must not see them.
 */
export function reassignSpecApplications(db: Database.Database, apps: ApplicationMatchers): void {
  const known = new Set(apps.map((a) => a.id));
  const set = db.prepare('UPDATE specs SET application_id = ?, pinned_application_id = ? WHERE id = ?');
  const rows = db.prepare('SELECT id, hosts, application_id, pinned_application_id FROM specs').all() as {
    id: string;
    hosts: string;
    application_id: string | null;
    pinned_application_id: string | null;
  }[];
  for (const r of rows) {
    const pinned = r.pinned_application_id !== null && known.has(r.pinned_application_id) ? r.pinned_application_id : null;
    const app = pinned ?? specApplicationOf(JSON.parse(r.hosts) as string[], apps);
    if (app !== r.application_id || pinned !== r.pinned_application_id) set.run(app, pinned, r.id);
  }
}
