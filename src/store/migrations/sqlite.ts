import { REMEDIATION_SCHEMA } from '../sqlite-remediation.js';
import type Database from 'better-sqlite3';
import type { Endpoint } from '../../contracts/endpoint.js';
import type { Finding } from '../../contracts/finding.js';
import { endpointAuthKinds } from '../endpoint-summary.js';
import { findingSearchText } from '../search-text.js';
import type { Application } from '../../contracts/identity.js';
import { applicationOf } from '../../identity/applications.js';
import { specOwnershipFactsFromText } from '../../ownership/spec-facts.js';
import { reassignApplications, type Claims } from '../sqlite-applications.js';
import { writeSpecFacts } from '../sqlite-ownership.js';

/**
 * One schema step. Steps are append-only: once released, a step is never edited, because databases in the
 * field have already recorded its version; a change is a new step.
 */
export interface SqliteMigration {
  version: number;
  name: string;
  sql: string;
  /**
   * Fills new columns that SQL alone cannot derive (Unicode lower-casing, application matching), after
   * `sql` and in the same transaction. It calls the same functions the store uses on every save, so a
   * backfilled row equals a row saved by this release.
   */
  backfill?: (db: Database.Database) => void;
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
  {
    version: 2,
    name: 'identity: users, invitation and reset tokens, sessions, applications, audit log',
    sql: `
      CREATE TABLE users (
        id              TEXT PRIMARY KEY,
        email           TEXT NOT NULL,
        -- lower-cased in JS (Unicode), so uniqueness does not depend on SQLite's ASCII-only lower().
        email_key       TEXT NOT NULL UNIQUE,
        display_name    TEXT NOT NULL,
        role            TEXT NOT NULL,
        applications    TEXT NOT NULL,
        status          TEXT NOT NULL,
        password_hash   TEXT,
        failed_logins   INTEGER NOT NULL DEFAULT 0,
        locked_until    TEXT,
        last_login_at   TEXT,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL
      ) STRICT;
      CREATE INDEX users_role ON users (role, status);

      -- Invitation and password-reset tokens: only the SHA-256 of the token is kept.
      CREATE TABLE user_tokens (
        hash        TEXT PRIMARY KEY,
        user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        purpose     TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        expires_at  TEXT NOT NULL,
        expires_ms  INTEGER NOT NULL,
        used_at     TEXT
      ) STRICT;
      CREATE INDEX user_tokens_user ON user_tokens (user_id, purpose);

      -- Sessions by the SHA-256 of their id; the CSRF token is a hash too.
      CREATE TABLE sessions (
        id_hash        TEXT PRIMARY KEY,
        user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        csrf_hash      TEXT NOT NULL,
        client_address TEXT,
        created_at     TEXT NOT NULL,
        created_ms     INTEGER NOT NULL,
        last_seen_at   TEXT NOT NULL,
        last_seen_ms   INTEGER NOT NULL,
        expires_at     TEXT NOT NULL,
        expires_ms     INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX sessions_user      ON sessions (user_id, created_ms);
      CREATE INDEX sessions_expires   ON sessions (expires_ms);
      CREATE INDEX sessions_last_seen ON sessions (last_seen_ms);

      CREATE TABLE applications (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        name_key   TEXT NOT NULL UNIQUE,
        owners     TEXT NOT NULL,
        matchers   TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX applications_order ON applications (created_ms, id);
      -- No foreign key to users: an application may name an owner that is later removed.
      CREATE TABLE application_owners (
        application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
        user_id        TEXT NOT NULL,
        PRIMARY KEY (user_id, application_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX application_owners_app ON application_owners (application_id);

      -- Append-only and hash-chained. prev_hash is UNIQUE: two entries can never follow the same one.
      CREATE TABLE audit_log (
        seq            INTEGER PRIMARY KEY,
        at             TEXT NOT NULL,
        at_ms          INTEGER NOT NULL,
        actor_kind     TEXT NOT NULL,
        actor_id       TEXT,
        action         TEXT NOT NULL,
        target_type    TEXT,
        target_id      TEXT,
        before_json    TEXT NOT NULL,
        after_json     TEXT NOT NULL,
        client_address TEXT,
        prev_hash      TEXT NOT NULL UNIQUE,
        hash           TEXT NOT NULL
      ) STRICT;
      CREATE INDEX audit_log_actor  ON audit_log (actor_id, seq);
      CREATE INDEX audit_log_action ON audit_log (action, seq);
      CREATE INDEX audit_log_target ON audit_log (target_type, target_id, seq);
      CREATE INDEX audit_log_at     ON audit_log (at_ms, seq);
      -- Guards against a bug in Bulwark, not against someone with the file: the hash chain detects that.
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    `,
  },
  {
    version: 3,
    name: 'applications claim endpoints and findings; auth kinds, OWASP and search columns; sort indexes',
    sql: `
      -- endpoints is rebuilt rather than extended: ALTER TABLE ADD COLUMN appends after doc and state, which
      -- run to tens of kilobytes and spill onto overflow pages, and every scan that read the new columns
      -- walked those pages (measured: an auth-kind filter over 10,000 endpoints took 135 ms, a
      -- re-assignment 2 s). List columns come first, the JSON last.
      CREATE TABLE endpoints_v3 (
        id               TEXT PRIMARY KEY,
        host             TEXT NOT NULL,
        api              TEXT NOT NULL,
        -- Set by the store from the applications (applicationOf), never by the caller; NULL: unclaimed.
        application_id   TEXT,
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
        -- JSON array of the auth kinds seen at least once, sorted (endpointAuthKinds).
        auth_kinds       TEXT NOT NULL,
        search_text      TEXT NOT NULL,
        doc              TEXT NOT NULL,
        state            TEXT NOT NULL
      ) STRICT;
      INSERT INTO endpoints_v3 (id, host, api, application_id, method, path_template, risk_score, risk_level,
        internet_exposed, authenticated, plain_http, calls, consumers, first_seen, first_seen_ms, last_seen,
        last_seen_ms, documented, data_classes, auth_kinds, search_text, doc, state)
      SELECT id, host, api, NULL, method, path_template, risk_score, risk_level,
        internet_exposed, authenticated, plain_http, calls, consumers, first_seen, first_seen_ms, last_seen,
        last_seen_ms, documented, data_classes, '[]', search_text, doc, state
      FROM endpoints;
      -- The child table goes first and comes back after: with foreign keys on, dropping endpoints would
      -- otherwise cascade into it.
      CREATE TEMP TABLE endpoint_data_classes_v3 AS SELECT endpoint_id, data_class FROM endpoint_data_classes;
      DROP TABLE endpoint_data_classes;
      DROP TABLE endpoints;
      ALTER TABLE endpoints_v3 RENAME TO endpoints;
      CREATE TABLE endpoint_data_classes (
        endpoint_id TEXT NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
        data_class  TEXT NOT NULL,
        PRIMARY KEY (data_class, endpoint_id)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO endpoint_data_classes (endpoint_id, data_class) SELECT endpoint_id, data_class FROM temp.endpoint_data_classes_v3;
      DROP TABLE temp.endpoint_data_classes_v3;
      CREATE INDEX endpoint_data_classes_endpoint ON endpoint_data_classes (endpoint_id);

      -- The id tiebreaker is in every sort index so that a page is an index range scan in either direction.
      CREATE INDEX endpoints_risk       ON endpoints (risk_score, id);
      CREATE INDEX endpoints_calls      ON endpoints (calls, id);
      CREATE INDEX endpoints_consumers  ON endpoints (consumers, id);
      CREATE INDEX endpoints_last_seen  ON endpoints (last_seen_ms, id);
      CREATE INDEX endpoints_first_seen ON endpoints (first_seen_ms, id);
      CREATE INDEX endpoints_path       ON endpoints (path_template, id);
      CREATE INDEX endpoints_host       ON endpoints (host, path_template, id);
      CREATE INDEX endpoints_method     ON endpoints (method, host, path_template, id);
      CREATE INDEX endpoints_api        ON endpoints (api, path_template, id);
      CREATE INDEX endpoints_level      ON endpoints (risk_level, risk_score, id);
      -- Scope and application filters, and the descending application sort (NULL sorts lowest, so last).
      CREATE INDEX endpoints_application ON endpoints (application_id, id);
      -- The ascending application sort with unclaimed endpoints last: ORDER BY application_id IS NULL, ...
      CREATE INDEX endpoints_application_sort ON endpoints ((application_id IS NULL), application_id, id);

      -- findings rows are small (no overflow), so the new columns are simply added.
      ALTER TABLE findings ADD COLUMN application_id TEXT;
      ALTER TABLE findings ADD COLUMN owasp TEXT NOT NULL DEFAULT '';
      ALTER TABLE findings ADD COLUMN path_template TEXT;
      -- lower-cased "title\\nhost\\npath" (findingSearchText).
      ALTER TABLE findings ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
      -- Scope and application filters, and the dashboard's open counts per scope, from the index alone.
      CREATE INDEX findings_application ON findings (application_id, status, severity, owasp);
      -- The OWASP filter with the default (severity) order, and its count, without sorting.
      CREATE INDEX findings_owasp       ON findings (owasp, severity_rank, last_seen_ms, id);
      -- Open findings per OWASP category (dashboard), from the index alone and already grouped.
      CREATE INDEX findings_open_owasp  ON findings (status, owasp);
      -- Search scans this instead of the table (documents make rows ten times wider).
      CREATE INDEX findings_search      ON findings (search_text);
      CREATE INDEX findings_last_seen   ON findings (last_seen_ms, id);
      CREATE INDEX findings_first_seen  ON findings (first_seen_ms, id);
      CREATE INDEX findings_count       ON findings (count, id);
      DROP INDEX findings_rule;
      CREATE INDEX findings_rule        ON findings (rule_id, id);
      DROP INDEX findings_host;
      CREATE INDEX findings_host        ON findings (host, id);
    `,
    backfill(db) {
      const setEndpoint = db.prepare('UPDATE endpoints SET auth_kinds = ? WHERE id = ?');
      for (const r of db.prepare('SELECT id, doc FROM endpoints').all() as { id: string; doc: string }[]) {
        setEndpoint.run(JSON.stringify(endpointAuthKinds(JSON.parse(r.doc) as Endpoint)), r.id);
      }
      const setFinding = db.prepare('UPDATE findings SET owasp = ?, path_template = ?, search_text = ? WHERE id = ?');
      for (const r of db.prepare('SELECT id, doc FROM findings').all() as { id: string; doc: string }[]) {
        const f = JSON.parse(r.doc) as Finding;
        setFinding.run(f.owasp, f.pathTemplate, findingSearchText(f), r.id);
      }
      reassignApplications(db, matcherClaims(db));
    },
  },
  {
    version: 4,
    name: 'spec registry: specs, their hosts and versions',
    sql: `
      CREATE TABLE specs (
        id                    TEXT PRIMARY KEY,
        name                  TEXT NOT NULL,
        -- lower-cased in JS (Unicode): the name order.
        name_key              TEXT NOT NULL,
        -- lower-cased "name\\ntitle of the latest version".
        search_text           TEXT NOT NULL,
        hosts                 TEXT NOT NULL,
        hosts_source          TEXT NOT NULL,
        apis                  TEXT NOT NULL,
        -- Set by the store: the pinned application, else the first that claims one of the hosts; NULL: none.
        application_id        TEXT,
        -- Set by hand; no foreign key: deleting the application unpins it (reassignSpecApplications).
        pinned_application_id TEXT,
        created_at            TEXT NOT NULL,
        created_ms            INTEGER NOT NULL,
        updated_at            TEXT NOT NULL,
        updated_ms            INTEGER NOT NULL,
        latest_version        INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX specs_name        ON specs (name_key, id);
      CREATE INDEX specs_updated     ON specs (updated_ms, id);
      CREATE INDEX specs_application ON specs (application_id, name_key, id);

      -- The host filter, by index; the JSON list on specs keeps the order for display.
      CREATE TABLE spec_hosts (
        spec_id TEXT NOT NULL REFERENCES specs (id) ON DELETE CASCADE,
        host    TEXT NOT NULL,
        PRIMARY KEY (host, spec_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX spec_hosts_spec ON spec_hosts (spec_id);

      CREATE TABLE spec_versions (
        spec_id               TEXT NOT NULL REFERENCES specs (id) ON DELETE CASCADE,
        version               INTEGER NOT NULL,
        created_at            TEXT NOT NULL,
        created_ms            INTEGER NOT NULL,
        created_by_kind       TEXT NOT NULL,
        created_by_id         TEXT,
        source                TEXT NOT NULL,
        sha256                TEXT NOT NULL,
        bytes                 INTEGER NOT NULL,
        dialect               TEXT NOT NULL,
        declared_version      TEXT NOT NULL,
        title                 TEXT,
        info_version          TEXT,
        operations            INTEGER NOT NULL,
        score_formula         TEXT NOT NULL,
        score_total           REAL NOT NULL,
        score_security        REAL NOT NULL,
        score_data_validation REAL NOT NULL,
        findings_total        INTEGER NOT NULL,
        findings_critical     INTEGER NOT NULL,
        findings_high         INTEGER NOT NULL,
        findings_medium       INTEGER NOT NULL,
        findings_low          INTEGER NOT NULL,
        findings_info         INTEGER NOT NULL,
        findings_truncated    INTEGER NOT NULL,
        -- The large columns last: summaries (lists, the latest version of each spec) stop reading a row
        -- before its overflow pages, however long the spec.
        findings              TEXT NOT NULL,
        text                  TEXT NOT NULL,
        PRIMARY KEY (spec_id, version)
      ) STRICT;
    `,
  },
  {
    version: 5,
    name: 'conformance of traffic to specs: endpoint coverage, operations, drift, shadow endpoints',
    sql: `
      -- How an endpoint relates to the registered specs (a SpecCoverage document). No row: no spec covers its
      -- host. A side table rather than columns of endpoints (see step 3: columns added there land after the
      -- large documents); list rows read it by primary key, filters by index.
      CREATE TABLE endpoint_coverage (
        endpoint_id TEXT PRIMARY KEY REFERENCES endpoints (id) ON DELETE CASCADE,
        -- 'documented' or 'shadow'.
        status      TEXT NOT NULL,
        spec_id     TEXT NOT NULL REFERENCES specs (id) ON DELETE CASCADE,
        doc         TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX endpoint_coverage_spec   ON endpoint_coverage (spec_id, status);
      CREATE INDEX endpoint_coverage_status ON endpoint_coverage (status);

      -- Traffic seen on a spec's hosts while it was checked: the orphan period ends at last_event.
      CREATE TABLE conformance_specs (
        spec_id     TEXT PRIMARY KEY REFERENCES specs (id) ON DELETE CASCADE,
        version     INTEGER NOT NULL,
        first_event TEXT,
        last_event  TEXT
      ) STRICT;

      -- One row per operation of the version checked. doc: the StoredConformanceOperation document.
      CREATE TABLE conformance_operations (
        spec_id    TEXT NOT NULL REFERENCES specs (id) ON DELETE CASCADE,
        method     TEXT NOT NULL,
        path       TEXT NOT NULL,
        calls      INTEGER NOT NULL,
        deprecated INTEGER NOT NULL,
        doc        TEXT NOT NULL,
        PRIMARY KEY (spec_id, method, path)
      ) STRICT;

      -- Drift items by fingerprint; bounded per operation by the pipeline.
      CREATE TABLE conformance_drift (
        id      TEXT PRIMARY KEY,
        spec_id TEXT NOT NULL REFERENCES specs (id) ON DELETE CASCADE,
        method  TEXT NOT NULL,
        path    TEXT NOT NULL,
        count   INTEGER NOT NULL,
        doc     TEXT NOT NULL
      ) STRICT;
      CREATE INDEX conformance_drift_spec      ON conformance_drift (spec_id, count, id);
      CREATE INDEX conformance_drift_operation ON conformance_drift (spec_id, method, path);

      -- Shadow endpoints: they belong to the specs covering their host, decided when read.
      CREATE TABLE conformance_shadow (
        endpoint_id TEXT PRIMARY KEY REFERENCES endpoints (id) ON DELETE CASCADE,
        host        TEXT NOT NULL,
        calls       INTEGER NOT NULL,
        doc         TEXT NOT NULL
      ) STRICT;
      CREATE INDEX conformance_shadow_host ON conformance_shadow (host, calls, endpoint_id);
    `,
  },
  {
    version: 6,
    name: 'threat cases, issues, case comments and suppressions',
    sql: `
      -- doc: the ThreatCase document; the columns are what lists filter and sort on (application_id wins
      -- over the document's: deleting an application clears it here only).
      CREATE TABLE threat_cases (
        id                  TEXT PRIMARY KEY,
        ref_no              INTEGER NOT NULL UNIQUE,
        status              TEXT NOT NULL,
        resolution          TEXT,
        severity            TEXT NOT NULL,
        -- 1 once an analyst set the severity: issues no longer raise it.
        severity_pinned     INTEGER NOT NULL,
        -- The highest severity of the case's issues (SEVERITY_RANK), whatever the analyst set.
        issue_severity_rank INTEGER NOT NULL,
        assignee            TEXT,
        actor_id            TEXT NOT NULL,
        target              TEXT NOT NULL,
        application_id      TEXT,
        issue_count         INTEGER NOT NULL,
        last_seen_ms        INTEGER NOT NULL,
        resolved_ms         INTEGER,
        -- lower-cased ref, title, actor label, actor id, host and categories, one a line.
        search_text         TEXT NOT NULL,
        doc                 TEXT NOT NULL
      ) STRICT;
      CREATE INDEX threat_cases_last_seen   ON threat_cases (last_seen_ms, id);
      CREATE INDEX threat_cases_key         ON threat_cases (actor_id, target, status, last_seen_ms);
      CREATE INDEX threat_cases_status      ON threat_cases (status, last_seen_ms, id);
      CREATE INDEX threat_cases_application ON threat_cases (application_id, last_seen_ms, id);
      CREATE INDEX threat_cases_assignee    ON threat_cases (assignee, last_seen_ms, id);
      CREATE INDEX threat_cases_resolved    ON threat_cases (resolved_ms) WHERE resolved_ms IS NOT NULL;

      CREATE TABLE threat_case_detectors (
        case_id  TEXT NOT NULL REFERENCES threat_cases (id) ON DELETE CASCADE,
        detector TEXT NOT NULL,
        PRIMARY KEY (detector, case_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX threat_case_detectors_case ON threat_case_detectors (case_id);

      -- doc: the ThreatIssue document without count, firstSeen and lastSeen (folds move the columns only)
      -- and without the exchange, which is last so that lists of columns stop before its overflow pages.
      CREATE TABLE threat_issues (
        id            TEXT PRIMARY KEY,
        case_id       TEXT NOT NULL REFERENCES threat_cases (id) ON DELETE CASCADE,
        -- Digest of detector, actor, endpoint and location: identical detections fold under it.
        fold_key      TEXT NOT NULL,
        detector      TEXT NOT NULL,
        category      TEXT NOT NULL,
        severity_rank INTEGER NOT NULL,
        actor_id      TEXT NOT NULL,
        endpoint_id   TEXT,
        count         INTEGER NOT NULL,
        first_seen    TEXT NOT NULL,
        first_seen_ms INTEGER NOT NULL,
        last_seen     TEXT NOT NULL,
        last_seen_ms  INTEGER NOT NULL,
        doc           TEXT NOT NULL,
        exchange      TEXT
      ) STRICT;
      CREATE INDEX threat_issues_case       ON threat_issues (case_id, last_seen_ms, id);
      CREATE INDEX threat_issues_fold       ON threat_issues (fold_key, last_seen_ms);
      CREATE INDEX threat_issues_actor      ON threat_issues (actor_id, last_seen_ms, id);
      CREATE INDEX threat_issues_detector   ON threat_issues (detector, last_seen_ms, id);
      CREATE INDEX threat_issues_endpoint   ON threat_issues (endpoint_id, last_seen_ms, id);
      CREATE INDEX threat_issues_last_seen  ON threat_issues (last_seen_ms, id);
      CREATE INDEX threat_issues_first_seen ON threat_issues (first_seen_ms, category);

      CREATE TABLE case_comments (
        id      TEXT PRIMARY KEY,
        case_id TEXT NOT NULL REFERENCES threat_cases (id) ON DELETE CASCADE,
        at_ms   INTEGER NOT NULL,
        doc     TEXT NOT NULL
      ) STRICT;
      CREATE INDEX case_comments_case ON case_comments (case_id, at_ms, id);

      -- doc: the Suppression document without hits, which lives in its column.
      CREATE TABLE suppressions (
        id         TEXT PRIMARY KEY,
        created_ms INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL,
        hits       INTEGER NOT NULL,
        doc        TEXT NOT NULL
      ) STRICT;
      CREATE INDEX suppressions_created ON suppressions (created_ms, id);
      CREATE INDEX suppressions_expires ON suppressions (expires_ms);
    `,
  },
  {
    version: 7,
    name: 'ownership: one ordered rule list, application metadata, spec owners and tags, business criticality in endpoint risk',
    sql: `
      -- Small rows: the columns are simply added. Existing applications take the defaults.
      ALTER TABLE applications ADD COLUMN team TEXT;
      ALTER TABLE applications ADD COLUMN contacts TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE applications ADD COLUMN criticality TEXT NOT NULL DEFAULT 'medium';
      ALTER TABLE applications ADD COLUMN data_tags TEXT NOT NULL DEFAULT '[]';

      -- The one ordered list; the first rule that matches names the application. position: 0, 1, 2, ...
      -- (rewritten whole on every change: at most 1,000 rules). match: the OwnershipMatch document.
      CREATE TABLE ownership_rules (
        position       INTEGER PRIMARY KEY,
        id             TEXT NOT NULL UNIQUE,
        application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
        kind           TEXT NOT NULL,
        match          TEXT NOT NULL,
        note           TEXT
      ) STRICT;
      CREATE INDEX ownership_rules_application ON ownership_rules (application_id, position);

      -- Each application's matchers become its host rules, applications in creation order (the order in
      -- which they claimed endpoints), matchers in their order: every assignment stays what it was.
      INSERT INTO ownership_rules (position, id, application_id, kind, match, note)
      SELECT ROW_NUMBER() OVER (ORDER BY a.created_ms, a.id, m.key) - 1, a.id || ':' || (m.key + 1), a.id, 'host', m.value, NULL
      FROM applications a, json_each(a.matchers) m;
      -- The rules are the matchers now; two copies would drift.
      ALTER TABLE applications DROP COLUMN matchers;

      -- What the spec rules read of a spec's latest version: x-owner and info.contact (JSON list)...
      ALTER TABLE specs ADD COLUMN owners TEXT NOT NULL DEFAULT '[]';
      -- ...and its operations' tags (tag_key: lower-cased in JS).
      CREATE TABLE spec_operation_tags (
        spec_id TEXT NOT NULL REFERENCES specs (id) ON DELETE CASCADE,
        method  TEXT NOT NULL,
        path    TEXT NOT NULL,
        tag_key TEXT NOT NULL,
        tag     TEXT NOT NULL,
        PRIMARY KEY (spec_id, method, path, tag_key)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX spec_operation_tags_tag ON spec_operation_tags (tag_key);

      -- The traffic score (the pipeline's) and the business-criticality factor of each endpoint. A side
      -- table, not columns of endpoints (added columns land after the documents: step 3): a criticality
      -- change re-scores from here and writes only risk_score and risk_level.
      CREATE TABLE endpoint_risk (
        endpoint_id TEXT PRIMARY KEY REFERENCES endpoints (id) ON DELETE CASCADE,
        base_score  REAL NOT NULL,
        base_level  TEXT NOT NULL,
        -- The business-criticality RiskFactor (JSON); NULL without an application.
        factor      TEXT
      ) STRICT, WITHOUT ROWID;
      -- The factors themselves come at the store's next start, with the configured weight (rescoreBusinessRisk).
      INSERT INTO endpoint_risk (endpoint_id, base_score, base_level, factor) SELECT id, risk_score, risk_level, NULL FROM endpoints;
    `,
    backfill(db) {
      const texts = db
        .prepare('SELECT v.spec_id, v.text FROM specs s JOIN spec_versions v ON v.spec_id = s.id AND v.version = s.latest_version')
        .all() as { spec_id: string; text: string }[];
      for (const t of texts) writeSpecFacts(db, t.spec_id, specOwnershipFactsFromText(t.text));
    },
  },
  {
    version: 8,
    name: 'remediation tasks, their history and the outbox; change numbers on findings',
    sql: REMEDIATION_SCHEMA,
  },
  {
    version: 9,
    name: 'tracker webhook deliveries seen (replay protection)',
    sql: `
      -- One row per tracker webhook delivery taken (its delivery id, or the digest of its signed body), kept for
      -- a window: a captured delivery sent again is recognised and ignored.
      CREATE TABLE tracker_deliveries (
        id    TEXT PRIMARY KEY,
        at_ms INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX tracker_deliveries_at ON tracker_deliveries (at_ms);
    `,
  },
];

/** Step 3 predates the rule list: it assigns with what it had, each application's matchers in creation order. */
function matcherClaims(db: Database.Database): Claims {
  const rows = db.prepare('SELECT id, matchers FROM applications ORDER BY created_ms, id').all() as { id: string; matchers: string }[];
  const apps = rows.map((r) => ({ id: r.id, matchers: JSON.parse(r.matchers) as Application['matchers'] }));
  return {
    usesCoverage: false,
    endpoint: (e) => applicationOf(e.host, e.pathTemplate, apps),
    orphan: (host, pathTemplate) => applicationOf(host, pathTemplate, apps),
  };
}

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
      m.backfill?.(db);
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
