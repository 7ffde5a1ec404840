import type Database from 'better-sqlite3';
import type { SpecCoverage } from '../contracts/conformance.js';
import type {
  ApplicationScope,
  ConformanceBatch,
  ConformanceSnapshot,
  SpecConformanceRows,
  StoredConformanceOperation,
  StoredConformanceSpec,
  StoredDriftItem,
  StoredShadowItem,
} from './store.js';

/**
 * The SQLite side of conformance (schema step 5): endpoint coverage rows, and the conformance stage's
 * aggregates. Rows are documents with the columns lists need; writes of rows whose spec or endpoint is gone
 * are skipped (`INSERT … SELECT … WHERE EXISTS`), so a spec deleted during a flush cannot fail the flush.
 */
export function connectConformance(db: Database.Database) {
  const st = {
    getCoverage: db.prepare('SELECT doc FROM endpoint_coverage WHERE endpoint_id = ?').pluck(),
    deleteCoverage: db.prepare('DELETE FROM endpoint_coverage WHERE endpoint_id = ?'),
    insertCoverage: db.prepare(`
      INSERT INTO endpoint_coverage (endpoint_id, status, spec_id, doc)
      SELECT @endpoint_id, @status, @spec_id, @doc WHERE EXISTS (SELECT 1 FROM specs WHERE id = @spec_id)`),

    upsertSpec: db.prepare(`
      INSERT INTO conformance_specs (spec_id, version, first_event, last_event)
      SELECT @spec_id, @version, @first_event, @last_event WHERE EXISTS (SELECT 1 FROM specs WHERE id = @spec_id)
      ON CONFLICT (spec_id) DO UPDATE SET version = excluded.version, first_event = excluded.first_event, last_event = excluded.last_event`),
    upsertOperation: db.prepare(`
      INSERT INTO conformance_operations (spec_id, method, path, calls, deprecated, doc)
      SELECT @spec_id, @method, @path, @calls, @deprecated, @doc WHERE EXISTS (SELECT 1 FROM specs WHERE id = @spec_id)
      ON CONFLICT (spec_id, method, path) DO UPDATE SET calls = excluded.calls, deprecated = excluded.deprecated, doc = excluded.doc`),
    deleteOperation: db.prepare('DELETE FROM conformance_operations WHERE spec_id = ? AND method = ? AND path = ?'),
    deleteOperationDrift: db.prepare('DELETE FROM conformance_drift WHERE spec_id = ? AND method = ? AND path = ?'),
    clearDrift: db.prepare('DELETE FROM conformance_drift WHERE spec_id = ?'),
    upsertDrift: db.prepare(`
      INSERT INTO conformance_drift (id, spec_id, method, path, count, doc)
      SELECT @id, @spec_id, @method, @path, @count, @doc WHERE EXISTS (SELECT 1 FROM specs WHERE id = @spec_id)
      ON CONFLICT (id) DO UPDATE SET count = excluded.count, doc = excluded.doc`),
    upsertShadow: db.prepare(`
      INSERT INTO conformance_shadow (endpoint_id, host, calls, doc)
      SELECT @endpoint_id, @host, @calls, @doc WHERE EXISTS (SELECT 1 FROM endpoints WHERE id = @endpoint_id)
      ON CONFLICT (endpoint_id) DO UPDATE SET host = excluded.host, calls = excluded.calls, doc = excluded.doc`),
    deleteShadow: db.prepare('DELETE FROM conformance_shadow WHERE endpoint_id = ?'),

    allSpecs: db.prepare('SELECT spec_id, version, first_event, last_event FROM conformance_specs ORDER BY spec_id'),
    allOperations: db.prepare('SELECT doc FROM conformance_operations ORDER BY spec_id, path, method').pluck(),
    allDrift: db.prepare('SELECT doc FROM conformance_drift ORDER BY id').pluck(),
    allShadow: db.prepare('SELECT doc FROM conformance_shadow ORDER BY endpoint_id').pluck(),

    spec: db.prepare('SELECT spec_id, version, first_event, last_event FROM conformance_specs WHERE spec_id = ?'),
    specOperations: db.prepare('SELECT doc FROM conformance_operations WHERE spec_id = ? ORDER BY path, method').pluck(),
    specDrift: db.prepare('SELECT doc FROM conformance_drift WHERE spec_id = ? ORDER BY count DESC, id ASC LIMIT ?').pluck(),
    specDriftTotals: db.prepare(`
      SELECT COUNT(*) AS items, COUNT(DISTINCT method || ' ' || path) AS operations FROM conformance_drift WHERE spec_id = ?`),
    // Hosts (and scopes) travel as one JSON parameter: one cached statement whatever their number.
    specShadow: db.prepare(`
      SELECT doc FROM conformance_shadow WHERE host IN (SELECT value FROM json_each(?))
      ORDER BY calls DESC, endpoint_id ASC LIMIT ?`).pluck(),
    specShadowTotals: db.prepare(`
      SELECT COUNT(*) AS items, COALESCE(SUM(calls), 0) AS calls FROM conformance_shadow WHERE host IN (SELECT value FROM json_each(?))`),
    specShadowScoped: db.prepare(`
      SELECT doc FROM conformance_shadow WHERE host IN (SELECT value FROM json_each(?)) AND ${IN_SCOPE}
      ORDER BY calls DESC, endpoint_id ASC LIMIT ?`).pluck(),
    specShadowTotalsScoped: db.prepare(`
      SELECT COUNT(*) AS items, COALESCE(SUM(calls), 0) AS calls FROM conformance_shadow
      WHERE host IN (SELECT value FROM json_each(?)) AND ${IN_SCOPE}`),
  };

  const saveConformance = db.transaction((b: ConformanceBatch) => {
    for (const id of b.clearDrift) st.clearDrift.run(id);
    for (const o of b.removedOperations) {
      st.deleteOperation.run(o.specId, o.method, o.path);
      st.deleteOperationDrift.run(o.specId, o.method, o.path);
    }
    for (const s of b.specs) st.upsertSpec.run({ spec_id: s.specId, version: s.version, first_event: s.firstEvent, last_event: s.lastEvent });
    for (const o of b.operations) {
      st.upsertOperation.run({ spec_id: o.specId, method: o.method, path: o.path, calls: o.calls, deprecated: o.deprecated ? 1 : 0, doc: JSON.stringify(o) });
    }
    for (const d of b.drift) {
      st.upsertDrift.run({ id: d.id, spec_id: d.specId, method: d.operation.method, path: d.operation.path, count: d.count, doc: JSON.stringify(d) });
    }
    for (const id of b.removedShadow) st.deleteShadow.run(id);
    for (const s of b.shadow) st.upsertShadow.run({ endpoint_id: s.endpointId, host: s.host, calls: s.calls, doc: JSON.stringify(s) });
  });

  const loadConformance = db.transaction(
    (): ConformanceSnapshot => ({
      specs: (st.allSpecs.all() as SpecRow[]).map(rowToSpec),
      operations: (st.allOperations.all() as string[]).map((d) => JSON.parse(d) as StoredConformanceOperation),
      drift: (st.allDrift.all() as string[]).map((d) => JSON.parse(d) as StoredDriftItem),
      shadow: (st.allShadow.all() as string[]).map((d) => JSON.parse(d) as StoredShadowItem),
    }),
  );

  const specConformance = db.transaction((specId: string, hosts: readonly string[], limit: number, scope: ApplicationScope): SpecConformanceRows => {
    const spec = st.spec.get(specId) as SpecRow | undefined;
    const drift = st.specDriftTotals.get(specId) as { items: number; operations: number };
    const hostsJson = JSON.stringify(hosts.map((h) => h.toLowerCase()));
    const scopeJson = JSON.stringify(scope === 'all' ? [] : scope);
    const shadow = (scope === 'all' ? st.specShadowTotals.get(hostsJson) : st.specShadowTotalsScoped.get(hostsJson, scopeJson)) as { items: number; calls: number };
    const shadowDocs = (scope === 'all' ? st.specShadow.all(hostsJson, limit) : st.specShadowScoped.all(hostsJson, scopeJson, limit)) as string[];
    return {
      spec: spec ? rowToSpec(spec) : null,
      operations: (st.specOperations.all(specId) as string[]).map((d) => JSON.parse(d) as StoredConformanceOperation),
      drift: (st.specDrift.all(specId, limit) as string[]).map((d) => JSON.parse(d) as StoredDriftItem),
      driftTotal: drift.items,
      driftOperations: drift.operations,
      shadow: shadowDocs.map((d) => JSON.parse(d) as StoredShadowItem),
      shadowTotal: shadow.items,
      shadowCalls: shadow.calls,
    };
  });

  return {
    /** An endpoint's stored coverage (null: none, or no such endpoint). */
    coverage(endpointId: string): SpecCoverage | null {
      return parseCoverage(st.getCoverage.get(endpointId) as string | undefined);
    },
    /**
     * Writes an endpoint's coverage when it changed: `undefined` leaves the row, `null` deletes it. Runs
     * inside `saveEndpoints`' transaction.
     */
    setCoverage(endpointId: string, coverage: SpecCoverage | null | undefined): void {
      if (coverage === undefined) return;
      const doc = coverage === null ? null : JSON.stringify(coverage);
      const previous = st.getCoverage.get(endpointId) as string | undefined;
      if ((previous ?? null) === doc) return;
      if (previous !== undefined) st.deleteCoverage.run(endpointId);
      if (coverage !== null) st.insertCoverage.run({ endpoint_id: endpointId, status: coverage.status, spec_id: coverage.specId, doc });
    },
    saveConformance: (b: ConformanceBatch) => saveConformance.immediate(b),
    loadConformance: () => loadConformance.deferred(),
    specConformance: (specId: string, hosts: readonly string[], limit: number, scope: ApplicationScope = 'all') => specConformance.deferred(specId, hosts, limit, scope),
  };
}

/** The shadow row's endpoint belongs to one of the applications of the JSON list parameter. */
const IN_SCOPE = `EXISTS (SELECT 1 FROM endpoints e WHERE e.id = conformance_shadow.endpoint_id
  AND e.application_id IN (SELECT value FROM json_each(?)))`;

interface SpecRow {
  spec_id: string;
  version: number;
  first_event: string | null;
  last_event: string | null;
}

function rowToSpec(r: SpecRow): StoredConformanceSpec {
  return { specId: r.spec_id, version: r.version, firstEvent: r.first_event, lastEvent: r.last_event };
}

/** The coverage column of endpoint reads: `(…) AS coverage`, the document or NULL. */
export const COVERAGE_COLUMN = '(SELECT doc FROM endpoint_coverage WHERE endpoint_coverage.endpoint_id = endpoints.id) AS coverage';

export function parseCoverage(doc: string | null | undefined): SpecCoverage | null {
  return doc ? (JSON.parse(doc) as SpecCoverage) : null;
}
