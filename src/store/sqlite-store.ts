import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Endpoint, EndpointSummary, RiskLevel } from '../contracts/endpoint.js';
import { SEVERITY_RANK, type Finding, type Severity } from '../contracts/finding.js';
import { conflict, DomainError, invalidInput } from '../errors/domain-errors.js';
import { endpointDataClasses, isAuthenticated } from './endpoint-summary.js';
import { mergeFinding } from './finding-merge.js';
import { migrateSqlite, SchemaTooNewError, SQLITE_MIGRATIONS, type SqliteMigration } from './migrations/sqlite.js';
import { listLimit, pageBounds } from './paging.js';
import { StoreFailure, toStoreError } from './store-errors.js';
import type {
  EndpointQuery,
  EventSample,
  FindingQuery,
  InventorySummary,
  Page,
  Store,
  StoredEndpoint,
  StoredReject,
  StoredToken,
  TokenScope,
} from './store.js';
import { timestampMs } from './timestamps.js';

export interface SqliteStoreOptions {
  /** File path, or ':memory:' for a private in-process database (tests, one-shot CLI runs). */
  path: string;
  /** How long a write waits for another connection's lock before failing. */
  busyTimeoutMs?: number;
  /** Schema steps to apply; only upgrade tests pass anything but the default `SQLITE_MIGRATIONS`. */
  migrations?: readonly SqliteMigration[];
}

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;
/** Dynamic list queries are cached by SQL text; the filter combinations are finite but this bounds them anyway. */
const MAX_CACHED_QUERIES = 256;

/**
 * The embedded store: one SQLite file, WAL mode, owner-only permissions. Nothing touches the disk until
 * `init()`, so building a store is free and cannot fail.
 *
 * @example
 * const store = createSqliteStore({ path: './.bulwark/bulwark.db' });
 * await store.init();
 * const page = await store.listEndpoints({ sort: 'risk', limit: 20 });
 */
export function createSqliteStore(opts: SqliteStoreOptions): Store {
  let conn: Connection | null = null;

  /** Runs one store operation; whatever the driver throws leaves as `internal: store error`. */
  async function op<T>(name: string, fn: (c: Connection) => T): Promise<T> {
    try {
      if (!conn) throw notOpen(name);
      return fn(conn);
    } catch (err) {
      throw toStoreError(name, err, isDriverError);
    }
  }

  return {
    async init() {
      try {
        conn ??= openConnection(opts);
      } catch (err) {
        if (err instanceof SchemaTooNewError) {
          const e = new DomainError('internal', 'store schema is newer than this version of Bulwark');
          e.cause = new StoreFailure('init', undefined, err.message);
          throw e;
        }
        throw toStoreError('init', err, isDriverError);
      }
    },

    async close() {
      const c = conn;
      conn = null;
      if (!c) return;
      try {
        // Lets SQLite refresh planner statistics for the indexes it found useful during this session.
        c.db.pragma('optimize');
        c.db.close();
      } catch (err) {
        if (c.db.open) c.db.close();
        throw toStoreError('close', err, isDriverError);
      }
    },

    getMeta<T>(key: string) {
      return op('getMeta', (c) => {
        const row = c.st.getMeta.get(key) as { value: string } | undefined;
        return row ? (JSON.parse(row.value) as T) : null;
      });
    },

    setMeta(key, value) {
      return op('setMeta', (c) => {
        const text = JSON.stringify(value);
        if (text === undefined) throw invalidInput('meta value must be JSON-serialisable');
        c.st.setMeta.run(key, text);
      });
    },

    saveEndpoints(rows, removed = []) {
      return op('saveEndpoints', (c) => c.saveEndpoints(rows, removed));
    },

    getEndpoint(id) {
      return op('getEndpoint', (c) => {
        const row = c.st.getEndpoint.get(id) as { doc: string } | undefined;
        return row ? (JSON.parse(row.doc) as Endpoint) : null;
      });
    },

    loadEndpointStates() {
      return op('loadEndpointStates', (c) => {
        const out: StoredEndpoint[] = [];
        for (const row of c.st.allEndpointStates.iterate() as IterableIterator<{ doc: string; state: string }>) {
          out.push({ endpoint: JSON.parse(row.doc) as Endpoint, state: JSON.parse(row.state) as unknown });
        }
        return out;
      });
    },

    listEndpoints(query) {
      return op('listEndpoints', (c) => c.listEndpoints(query));
    },

    inventorySummary() {
      return op('inventorySummary', (c) => c.inventorySummary());
    },

    saveFindings(findings) {
      return op('saveFindings', (c) => c.saveFindings(findings));
    },

    resolveFindingsNotIn(endpointIds, keep, at) {
      return op('resolveFindingsNotIn', (c) => {
        if (endpointIds.length === 0) return 0;
        const res = c.st.resolveFindings.run(at, JSON.stringify(endpointIds), JSON.stringify(keep));
        return res.changes;
      });
    },

    getFinding(id) {
      return op('getFinding', (c) => {
        const row = c.st.getFinding.get(id) as FindingRow | undefined;
        return row ? rowToFinding(row) : null;
      });
    },

    listFindings(query) {
      return op('listFindings', (c) => c.listFindings(query));
    },

    addSamples(samples, maxPerEndpoint) {
      return op('addSamples', (c) => c.addSamples(samples, maxPerEndpoint));
    },

    listSamples(endpointId, limit) {
      return op('listSamples', (c) => {
        const rows = c.st.listSamples.all(endpointId, listLimit(limit)) as { endpoint_id: string; ts: string; event: string }[];
        return rows.map((r): EventSample => ({ endpointId: r.endpoint_id, timestamp: r.ts, event: JSON.parse(r.event) as unknown }));
      });
    },

    addRejects(rejects, maxKept) {
      return op('addRejects', (c) => c.addRejects(rejects, maxKept));
    },

    listRejects(limit) {
      return op('listRejects', (c) => {
        const rows = c.st.listRejects.all(listLimit(limit)) as RejectRow[];
        return rows.map(rowToReject);
      });
    },

    createToken(token) {
      return op('createToken', (c) => {
        try {
          c.st.createToken.run({
            id: token.id,
            name: token.name,
            scopes: JSON.stringify(token.scopes),
            hash: token.hash,
            created_at: token.createdAt,
            last_used_at: token.lastUsedAt,
            revoked: token.revoked ? 1 : 0,
          });
        } catch (err) {
          if (isDriverError(err) && String((err as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT')) {
            throw conflict('a token with this id or secret already exists');
          }
          throw err;
        }
      });
    },

    findTokenByHash(hash) {
      return op('findTokenByHash', (c) => {
        const row = c.st.findTokenByHash.get(hash) as TokenRow | undefined;
        return row ? rowToToken(row) : null;
      });
    },

    listTokens() {
      return op('listTokens', (c) => (c.st.listTokens.all() as TokenRow[]).map(rowToToken));
    },

    revokeToken(id) {
      return op('revokeToken', (c) => c.st.revokeToken.run(id).changes > 0);
    },

    touchToken(id, at) {
      return op('touchToken', (c) => {
        c.st.touchToken.run(at, id);
      });
    },
  };
}

function isDriverError(err: unknown): boolean {
  return err instanceof Database.SqliteError;
}

function notOpen(operation: string): DomainError {
  const e = new DomainError('internal', 'store error');
  e.cause = new StoreFailure(operation, undefined, 'store is not open (init() not called, or closed)');
  return e;
}

// ---------------------------------------------------------------------------------------------------------
// Connection: an open database with its prepared statements.

type Connection = ReturnType<typeof connect>;

function openConnection(opts: SqliteStoreOptions): Connection {
  const inMemory = opts.path === ':memory:' || opts.path === '';
  if (!inMemory) prepareFile(opts.path);
  const db = new Database(opts.path, { timeout: opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode can lose the last commits on power loss but never corrupts; the store holds
    // aggregates that the next batch of traffic rebuilds, so durability of the last second is not worth a
    // fsync per transaction.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrateSqlite(db, opts.migrations ?? SQLITE_MIGRATIONS);
    return connect(db);
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * The database holds token hashes and the installation secret, so it is created owner-only before SQLite
 * opens it; SQLite gives the -wal and -shm files the mode of the main file. An existing file is tightened
 * too, since a looser mode there is almost certainly an accident.
 */
function prepareFile(path: string): void {
  const file = resolve(path);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(f)) chmodSync(f, 0o600);
  }
}

function connect(db: Database.Database) {
  const st = {
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),

    upsertEndpoint: db.prepare(`
      INSERT INTO endpoints (id, host, api, method, path_template, risk_score, risk_level, internet_exposed,
        authenticated, plain_http, calls, consumers, first_seen, first_seen_ms, last_seen, last_seen_ms,
        documented, data_classes, search_text, doc, state)
      VALUES (@id, @host, @api, @method, @path_template, @risk_score, @risk_level, @internet_exposed,
        @authenticated, @plain_http, @calls, @consumers, @first_seen, @first_seen_ms, @last_seen, @last_seen_ms,
        @documented, @data_classes, @search_text, @doc, @state)
      ON CONFLICT (id) DO UPDATE SET
        host = excluded.host, api = excluded.api, method = excluded.method, path_template = excluded.path_template,
        risk_score = excluded.risk_score, risk_level = excluded.risk_level,
        internet_exposed = excluded.internet_exposed, authenticated = excluded.authenticated,
        plain_http = excluded.plain_http, calls = excluded.calls, consumers = excluded.consumers,
        first_seen = excluded.first_seen, first_seen_ms = excluded.first_seen_ms,
        last_seen = excluded.last_seen, last_seen_ms = excluded.last_seen_ms, documented = excluded.documented,
        data_classes = excluded.data_classes, search_text = excluded.search_text, doc = excluded.doc,
        state = excluded.state`),
    getEndpointClasses: db.prepare('SELECT data_classes FROM endpoints WHERE id = ?').pluck(),
    deleteEndpointClasses: db.prepare('DELETE FROM endpoint_data_classes WHERE endpoint_id = ?'),
    insertEndpointClass: db.prepare('INSERT INTO endpoint_data_classes (endpoint_id, data_class) VALUES (?, ?)'),
    deleteEndpoint: db.prepare('DELETE FROM endpoints WHERE id = ?'),
    deleteEndpointSamples: db.prepare('DELETE FROM samples WHERE endpoint_id = ?'),
    deleteEndpointFindings: db.prepare('DELETE FROM findings WHERE endpoint_id = ?'),
    getEndpoint: db.prepare('SELECT doc FROM endpoints WHERE id = ?'),
    allEndpointStates: db.prepare('SELECT doc, state FROM endpoints ORDER BY id'),

    inventoryCounts: db.prepare(`
      SELECT COUNT(*) AS endpoints, COUNT(DISTINCT host) AS hosts, COUNT(DISTINCT api) AS apis,
        COALESCE(SUM(internet_exposed), 0) AS internet_exposed,
        COALESCE(SUM(1 - authenticated), 0) AS unauthenticated,
        COALESCE(SUM(plain_http), 0) AS plain_http,
        COALESCE(SUM(data_classes <> '[]'), 0) AS with_data
      FROM endpoints`),
    endpointsByLevel: db.prepare('SELECT risk_level AS k, COUNT(*) AS n FROM endpoints GROUP BY risk_level'),
    openFindingsBySeverity: db.prepare("SELECT severity AS k, COUNT(*) AS n FROM findings WHERE status = 'open' GROUP BY severity"),

    getFinding: db.prepare('SELECT doc, status FROM findings WHERE id = ?'),
    upsertFinding: db.prepare(`
      INSERT INTO findings (id, rule_id, severity, severity_rank, endpoint_id, host, status, first_seen,
        first_seen_ms, last_seen, last_seen_ms, count, resolved_at, doc)
      VALUES (@id, @rule_id, @severity, @severity_rank, @endpoint_id, @host, @status, @first_seen,
        @first_seen_ms, @last_seen, @last_seen_ms, @count, NULL, @doc)
      ON CONFLICT (id) DO UPDATE SET
        rule_id = excluded.rule_id, severity = excluded.severity, severity_rank = excluded.severity_rank,
        endpoint_id = excluded.endpoint_id, host = excluded.host, status = excluded.status,
        first_seen = excluded.first_seen, first_seen_ms = excluded.first_seen_ms,
        last_seen = excluded.last_seen, last_seen_ms = excluded.last_seen_ms, count = excluded.count,
        resolved_at = CASE WHEN excluded.status = 'open' THEN NULL ELSE findings.resolved_at END,
        doc = excluded.doc`),
    // Arrays travel as one JSON parameter: no limit on bound variables, one cached statement.
    resolveFindings: db.prepare(`
      UPDATE findings SET status = 'resolved', resolved_at = ?
      WHERE status = 'open'
        AND endpoint_id IN (SELECT value FROM json_each(?))
        AND id NOT IN (SELECT value FROM json_each(?))`),

    insertSample: db.prepare('INSERT INTO samples (endpoint_id, ts, ts_ms, event) VALUES (?, ?, ?, ?)'),
    pruneSamples: db.prepare(`
      DELETE FROM samples WHERE seq IN (
        SELECT seq FROM samples WHERE endpoint_id = @endpoint_id
        ORDER BY ts_ms DESC, seq DESC LIMIT -1 OFFSET @keep)`),
    listSamples: db.prepare('SELECT endpoint_id, ts, event FROM samples WHERE endpoint_id = ? ORDER BY ts_ms DESC, seq DESC LIMIT ?'),

    insertReject: db.prepare('INSERT INTO rejects (at, at_ms, source, line, reason) VALUES (?, ?, ?, ?, ?)'),
    pruneRejects: db.prepare('DELETE FROM rejects WHERE seq IN (SELECT seq FROM rejects ORDER BY at_ms DESC, seq DESC LIMIT -1 OFFSET ?)'),
    listRejects: db.prepare('SELECT at, source, line, reason FROM rejects ORDER BY at_ms DESC, seq DESC LIMIT ?'),

    createToken: db.prepare(`
      INSERT INTO tokens (id, name, scopes, hash, created_at, last_used_at, revoked)
      VALUES (@id, @name, @scopes, @hash, @created_at, @last_used_at, @revoked)`),
    findTokenByHash: db.prepare('SELECT * FROM tokens WHERE hash = ?'),
    listTokens: db.prepare('SELECT * FROM tokens ORDER BY created_at, id'),
    revokeToken: db.prepare('UPDATE tokens SET revoked = 1 WHERE id = ?'),
    touchToken: db.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?'),
  };

  const queryCache = new Map<string, Database.Statement>();
  function cached(sql: string): Database.Statement {
    let stmt = queryCache.get(sql);
    if (!stmt) {
      if (queryCache.size >= MAX_CACHED_QUERIES) queryCache.clear();
      stmt = db.prepare(sql);
      queryCache.set(sql, stmt);
    }
    return stmt;
  }

  const saveEndpoints = db.transaction((rows: StoredEndpoint[], removed: string[]) => {
    // Removals first, so an id that is both removed and saved in one call survives with the new row.
    for (const id of removed) {
      st.deleteEndpoint.run(id);
      st.deleteEndpointSamples.run(id);
      st.deleteEndpointFindings.run(id);
    }
    for (const { endpoint: e, state } of rows) {
      const classes = endpointDataClasses(e);
      const classesJson = JSON.stringify(classes);
      const previous = st.getEndpointClasses.get(e.id) as string | undefined;
      st.upsertEndpoint.run({
        id: e.id,
        host: e.host,
        api: e.api,
        method: e.method,
        path_template: e.pathTemplate,
        risk_score: e.risk.score,
        risk_level: e.risk.level,
        internet_exposed: e.exposure.internetExposed ? 1 : 0,
        authenticated: isAuthenticated(e) ? 1 : 0,
        plain_http: e.encryption.plainHttpCalls > 0 ? 1 : 0,
        calls: e.calls,
        consumers: e.consumers,
        first_seen: e.firstSeen,
        first_seen_ms: timestampMs(e.firstSeen),
        last_seen: e.lastSeen,
        last_seen_ms: timestampMs(e.lastSeen),
        documented: e.documented ? 1 : 0,
        data_classes: classesJson,
        search_text: searchText(e.host, e.pathTemplate),
        doc: JSON.stringify(e),
        state: JSON.stringify(state) ?? 'null',
      });
      // Most re-saves only move counters; rewriting the child rows only when the set changed keeps a
      // batch of thousands cheap.
      if (previous !== classesJson) {
        if (previous !== undefined) st.deleteEndpointClasses.run(e.id);
        for (const dc of classes) st.insertEndpointClass.run(e.id, dc);
      }
    }
  });

  function listEndpoints(q: EndpointQuery): Page<EndpointSummary> {
    const { limit, offset } = pageBounds(q.limit, q.offset);
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.host !== undefined) {
      where.push('host = ?');
      params.push(q.host);
    }
    if (q.method !== undefined) {
      where.push('method = ?');
      params.push(q.method.toUpperCase());
    }
    if (q.riskLevel !== undefined) {
      where.push('risk_level = ?');
      params.push(q.riskLevel);
    }
    if (q.minScore !== undefined) {
      where.push('risk_score >= ?');
      params.push(q.minScore);
    }
    if (q.internetExposed !== undefined) {
      where.push('internet_exposed = ?');
      params.push(q.internetExposed ? 1 : 0);
    }
    if (q.authenticated !== undefined) {
      where.push('authenticated = ?');
      params.push(q.authenticated ? 1 : 0);
    }
    if (q.dataClass !== undefined) {
      where.push('EXISTS (SELECT 1 FROM endpoint_data_classes d WHERE d.endpoint_id = endpoints.id AND d.data_class = ?)');
      params.push(q.dataClass);
    }
    if (q.search !== undefined && q.search !== '') {
      where.push('instr(search_text, ?) > 0');
      params.push(q.search.toLowerCase());
    }
    const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const sort = ENDPOINT_SORTS[q.sort ?? 'risk'];
    const dir = (q.order ?? sort.defaultOrder) === 'asc' ? 'ASC' : 'DESC';
    const orderSql = [...sort.columns, 'id'].map((col) => `${col} ${dir}`).join(', ');

    const total = cached(`SELECT COUNT(*) FROM endpoints ${whereSql}`).pluck().get(...params) as number;
    const rows =
      limit === 0
        ? []
        : (cached(`SELECT ${SUMMARY_COLUMNS} FROM endpoints ${whereSql} ORDER BY ${orderSql} LIMIT ? OFFSET ?`).all(
            ...params,
            limit,
            offset,
          ) as SummaryRow[]);
    return { items: rows.map(rowToSummary), total, limit, offset };
  }

  function inventorySummary(): InventorySummary {
    const c = st.inventoryCounts.get() as {
      endpoints: number;
      hosts: number;
      apis: number;
      internet_exposed: number;
      unauthenticated: number;
      plain_http: number;
      with_data: number;
    };
    const byRiskLevel: Record<RiskLevel, number> = { low: 0, medium: 0, high: 0, critical: 0 };
    for (const r of st.endpointsByLevel.all() as { k: string; n: number }[]) {
      if (r.k in byRiskLevel) byRiskLevel[r.k as RiskLevel] = r.n;
    }
    const openFindingsBySeverity: Record<Severity, number> = { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
    for (const r of st.openFindingsBySeverity.all() as { k: string; n: number }[]) {
      if (r.k in openFindingsBySeverity) openFindingsBySeverity[r.k as Severity] = r.n;
    }
    return {
      hosts: c.hosts,
      apis: c.apis,
      endpoints: c.endpoints,
      internetExposed: c.internet_exposed,
      unauthenticated: c.unauthenticated,
      plainHttp: c.plain_http,
      withSensitiveData: c.with_data,
      byRiskLevel,
      openFindingsBySeverity,
    };
  }

  const saveFindings = db.transaction((findings: Finding[]) => {
    for (const incoming of findings) {
      const row = st.getFinding.get(incoming.id) as FindingRow | undefined;
      const f = row ? mergeFinding(rowToFinding(row), incoming) : incoming;
      st.upsertFinding.run({
        id: f.id,
        rule_id: f.ruleId,
        severity: f.severity,
        severity_rank: SEVERITY_RANK[f.severity],
        endpoint_id: f.endpointId,
        host: f.host,
        status: f.status,
        first_seen: f.firstSeen,
        first_seen_ms: timestampMs(f.firstSeen),
        last_seen: f.lastSeen,
        last_seen_ms: timestampMs(f.lastSeen),
        count: f.count,
        doc: JSON.stringify(f),
      });
    }
  });

  function listFindings(q: FindingQuery): Page<Finding> {
    const { limit, offset } = pageBounds(q.limit, q.offset);
    const where: string[] = [];
    const params: unknown[] = [];
    const eq = (column: string, value: unknown) => {
      where.push(`${column} = ?`);
      params.push(value);
    };
    if (q.endpointId !== undefined) eq('endpoint_id', q.endpointId);
    if (q.severity !== undefined) eq('severity', q.severity);
    if (q.ruleId !== undefined) eq('rule_id', q.ruleId);
    if (q.status !== undefined) eq('status', q.status);
    if (q.host !== undefined) eq('host', q.host);
    if (q.minSeverity !== undefined) {
      where.push('severity_rank >= ?');
      params.push(SEVERITY_RANK[q.minSeverity]);
    }
    const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = cached(`SELECT COUNT(*) FROM findings ${whereSql}`).pluck().get(...params) as number;
    const rows =
      limit === 0
        ? []
        : (cached(
            `SELECT doc, status FROM findings ${whereSql} ORDER BY severity_rank DESC, last_seen_ms DESC, id ASC LIMIT ? OFFSET ?`,
          ).all(...params, limit, offset) as FindingRow[]);
    return { items: rows.map(rowToFinding), total, limit, offset };
  }

  const addSamples = db.transaction((samples: EventSample[], maxPerEndpoint: number) => {
    const keep = Math.max(0, Math.trunc(Number.isNaN(maxPerEndpoint) ? 0 : maxPerEndpoint));
    const touched = new Set<string>();
    for (const s of samples) {
      st.insertSample.run(s.endpointId, s.timestamp, timestampMs(s.timestamp), JSON.stringify(s.event) ?? 'null');
      touched.add(s.endpointId);
    }
    for (const endpointId of touched) st.pruneSamples.run({ endpoint_id: endpointId, keep });
  });

  const addRejects = db.transaction((rejects: StoredReject[], maxKept: number) => {
    for (const r of rejects) st.insertReject.run(r.at, timestampMs(r.at), r.source, r.line ?? null, r.reason);
    st.pruneRejects.run(Math.max(0, Math.trunc(Number.isNaN(maxKept) ? 0 : maxKept)));
  });

  return {
    db,
    st,
    saveEndpoints: (rows: StoredEndpoint[], removed: string[]) => saveEndpoints.immediate(rows, removed),
    listEndpoints,
    inventorySummary,
    saveFindings: (findings: Finding[]) => saveFindings.immediate(findings),
    listFindings,
    addSamples: (samples: EventSample[], max: number) => addSamples.immediate(samples, max),
    addRejects: (rejects: StoredReject[], max: number) => addRejects.immediate(rejects, max),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Rows and their mapping to contract objects.

/**
 * Sort keys and their natural direction (biggest, newest and riskiest first; names alphabetically).
 * `id` is appended as the tiebreaker in the same direction, so pages never overlap or skip.
 */
const ENDPOINT_SORTS: Record<NonNullable<EndpointQuery['sort']>, { columns: string[]; defaultOrder: 'asc' | 'desc' }> = {
  risk: { columns: ['risk_score'], defaultOrder: 'desc' },
  calls: { columns: ['calls'], defaultOrder: 'desc' },
  lastSeen: { columns: ['last_seen_ms'], defaultOrder: 'desc' },
  firstSeen: { columns: ['first_seen_ms'], defaultOrder: 'desc' },
  path: { columns: ['path_template'], defaultOrder: 'asc' },
  host: { columns: ['host', 'path_template'], defaultOrder: 'asc' },
};

const SUMMARY_COLUMNS =
  'id, host, api, method, path_template, first_seen, last_seen, calls, consumers, documented, risk_score, ' +
  'risk_level, internet_exposed, authenticated, plain_http, data_classes';

interface SummaryRow {
  id: string;
  host: string;
  api: string;
  method: string;
  path_template: string;
  first_seen: string;
  last_seen: string;
  calls: number;
  consumers: number;
  documented: number;
  risk_score: number;
  risk_level: string;
  internet_exposed: number;
  authenticated: number;
  plain_http: number;
  data_classes: string;
}

function rowToSummary(r: SummaryRow): EndpointSummary {
  return {
    id: r.id,
    host: r.host,
    api: r.api,
    method: r.method as EndpointSummary['method'],
    pathTemplate: r.path_template,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    calls: r.calls,
    consumers: r.consumers,
    documented: r.documented === 1,
    riskScore: r.risk_score,
    riskLevel: r.risk_level as RiskLevel,
    internetExposed: r.internet_exposed === 1,
    authenticated: r.authenticated === 1,
    plainHttp: r.plain_http === 1,
    dataClasses: JSON.parse(r.data_classes) as string[],
  };
}

/** Host and path, separated by a newline so that a search cannot match across the boundary. */
function searchText(host: string, pathTemplate: string): string {
  return `${host.toLowerCase()}\n${pathTemplate.toLowerCase()}`;
}

interface FindingRow {
  doc: string;
  status: string;
}

/** `status` lives in its column because `resolveFindingsNotIn` changes it in bulk without rewriting docs. */
function rowToFinding(r: FindingRow): Finding {
  return { ...(JSON.parse(r.doc) as Finding), status: r.status as Finding['status'] };
}

interface RejectRow {
  at: string;
  source: string;
  line: number | null;
  reason: string;
}

function rowToReject(r: RejectRow): StoredReject {
  const out: StoredReject = { source: r.source, reason: r.reason, at: r.at };
  if (r.line !== null) out.line = r.line;
  return out;
}

interface TokenRow {
  id: string;
  name: string;
  scopes: string;
  hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked: number;
}

function rowToToken(r: TokenRow): StoredToken {
  return {
    id: r.id,
    name: r.name,
    scopes: JSON.parse(r.scopes) as TokenScope[],
    hash: r.hash,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revoked: r.revoked === 1,
  };
}
