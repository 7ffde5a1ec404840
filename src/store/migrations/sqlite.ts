import type Database from 'better-sqlite3';

/**
 * One schema step. Steps are append-only: once released, a step is never edited, because databases in the
 * field have already recorded its version; a change is a new step.
 */
export interface SqliteMigration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Timestamps are kept twice: the text as given (what callers get back) and epoch milliseconds, because ISO
 * strings with different offsets do not sort correctly as text.
 * Tables are STRICT so that a wrong type is an error here rather than a surprise in a list filter.
 */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE endpoints (
        id               TEXT PRIMARY KEY,
        host             TEXT NOT NULL,
        api              TEXT NOT NULL,
        method           TEXT NOT NULL,
        path_template    TEXT NOT NULL,
        risk_score       REAL NOT NULL,
        risk_level       TEXT NOT NULL,
        internet_exposed INTEGER NOT NULL,
        authenticated    INTEGER NOT NULL,
        plain_http       INTEGER NOT NULL,
        calls            INTEGER NOT NULL,
        consumers        INTEGER NOT NULL,
        first_seen       TEXT NOT NULL,
        first_seen_ms    INTEGER NOT NULL,
        last_seen        TEXT NOT NULL,
        last_seen_ms     INTEGER NOT NULL,
        documented       INTEGER NOT NULL,
        data_classes     TEXT NOT NULL,
        -- lower-cased "host\\npath": SQLite's lower()/LIKE fold ASCII only, JS folds Unicode.
        search_text      TEXT NOT NULL,
        doc              TEXT NOT NULL,
        state            TEXT NOT NULL
      ) STRICT;
      -- The id tiebreaker is in every sort index so that a page is an index range scan in either direction.
      CREATE INDEX endpoints_risk       ON endpoints (risk_score, id);
      CREATE INDEX endpoints_calls      ON endpoints (calls, id);
      CREATE INDEX endpoints_last_seen  ON endpoints (last_seen_ms, id);
      CREATE INDEX endpoints_first_seen ON endpoints (first_seen_ms, id);
      CREATE INDEX endpoints_path       ON endpoints (path_template, id);
      CREATE INDEX endpoints_host       ON endpoints (host, path_template, id);
      CREATE INDEX endpoints_level      ON endpoints (risk_level, risk_score, id);
      CREATE INDEX endpoints_api        ON endpoints (api);

      CREATE TABLE endpoint_data_classes (
        endpoint_id TEXT NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
        data_class  TEXT NOT NULL,
        PRIMARY KEY (data_class, endpoint_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX endpoint_data_classes_endpoint ON endpoint_data_classes (endpoint_id);

      -- No foreign key to endpoints: findings may arrive before their endpoint and outlive a merged one.
      CREATE TABLE findings (
        id            TEXT PRIMARY KEY,
        rule_id       TEXT NOT NULL,
        severity      TEXT NOT NULL,
        severity_rank INTEGER NOT NULL,
        endpoint_id   TEXT,
        host          TEXT NOT NULL,
        status        TEXT NOT NULL,
        first_seen    TEXT NOT NULL,
        first_seen_ms INTEGER NOT NULL,
        last_seen     TEXT NOT NULL,
        last_seen_ms  INTEGER NOT NULL,
        count         INTEGER NOT NULL,
        resolved_at   TEXT,
        doc           TEXT NOT NULL
      ) STRICT;
      CREATE INDEX findings_order    ON findings (severity_rank, last_seen_ms, id);
      CREATE INDEX findings_endpoint ON findings (endpoint_id, status);
      CREATE INDEX findings_rule     ON findings (rule_id);
      CREATE INDEX findings_host     ON findings (host);
      CREATE INDEX findings_status   ON findings (status, severity);

      CREATE TABLE samples (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        endpoint_id TEXT NOT NULL,
        ts          TEXT NOT NULL,
        ts_ms       INTEGER NOT NULL,
        event       TEXT NOT NULL
      ) STRICT;
      CREATE INDEX samples_endpoint ON samples (endpoint_id, ts_ms, seq);

      CREATE TABLE rejects (
        seq    INTEGER PRIMARY KEY AUTOINCREMENT,
        at     TEXT NOT NULL,
        at_ms  INTEGER NOT NULL,
        source TEXT NOT NULL,
        line   INTEGER,
        reason TEXT NOT NULL
      ) STRICT;
      CREATE INDEX rejects_at ON rejects (at_ms, seq);

      CREATE TABLE tokens (
        id           TEXT PRIMARY KEY,
        name         TEXT NOT NULL,
        scopes       TEXT NOT NULL,
        hash         TEXT NOT NULL UNIQUE,
        created_at   TEXT NOT NULL,
        last_used_at TEXT,
        revoked      INTEGER NOT NULL DEFAULT 0
      ) STRICT;
    `,
  },
];

export const SQLITE_SCHEMA_VERSION = SQLITE_MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

/** Thrown when the file was written by a newer Bulwark: running old code on it could corrupt it. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(`database schema version ${found} is newer than the supported version ${supported}`);
    this.name = 'SchemaTooNewError';
  }
}

/**
 * Applies the pending steps of `migrations` in one transaction and returns the resulting version.
 * Safe to call on every start. `migrations` is a parameter so tests can build a database at an older version.
 */
export function migrateSqlite(db: Database.Database, migrations: readonly SqliteMigration[] = SQLITE_MIGRATIONS): number {
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  const target = ordered.at(-1)?.version ?? 0;
  // IMMEDIATE takes the write lock before reading the version, so two processes starting together
  // cannot both decide to apply the same step.
  const run = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_version (
      version    INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at TEXT NOT NULL
    ) STRICT`);
    const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
    const current = row.v ?? 0;
    if (current > target) throw new SchemaTooNewError(current, target);
    const record = db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of ordered) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
    }
    return target;
  });
  return run.immediate();
}

/** The highest applied version, 0 for a new database. */
export function sqliteSchemaVersion(db: Database.Database): number {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
  if (!exists) return 0;
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
  return row.v ?? 0;
}
