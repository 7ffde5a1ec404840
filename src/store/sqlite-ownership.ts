import type Database from 'better-sqlite3';
import type { SpecCoverage } from '../contracts/conformance.js';
import type { RiskFactor, RiskLevel } from '../contracts/endpoint.js';
import type { Criticality } from '../contracts/identity.js';
import type { OwnershipRule } from '../contracts/ownership.js';
import { compileOwnership, type CompiledOwnership, type OwnershipSubject, type SubjectSpec } from '../ownership/match.js';
import type { SpecOwnershipFacts } from '../ownership/spec-facts.js';
import { businessCriticalityFactor, withBusinessFactor, type BusinessRiskSettings } from '../risk/score.js';
import type { Claims } from './sqlite-applications.js';

/**
 * The SQLite side of ownership (schema step 7): the ordered rule list, the spec facts the spec rules read
 * (owners on `specs`, operation tags in `spec_operation_tags`), and the business-criticality factor of
 * endpoint risk (`endpoint_risk`). `loadOwnership` reads what assignment needs in one go; the store caches
 * it per connection like the application list before it (ADR 0003, ADR 0007).
 */

export interface ApplicationFacts {
  name: string;
  criticality: Criticality;
}

interface SpecFacts {
  id: string;
  name: string;
  title: string | null;
  owners: string[];
  /** `METHOD path` -> the tags rules name (lower-cased keys of the rules only: the rest is never read). */
  tags: Map<string, string[]>;
}

/** The rules compiled, with the facts they read: what assignment needs. */
export interface Ownership extends Claims {
  readonly rules: readonly OwnershipRule[];
  readonly compiled: CompiledOwnership;
  readonly applications: ReadonlyMap<string, ApplicationFacts>;
  /** The application of a spec (not pinned) from its own facts. */
  spec(s: { id: string; name: string; title: string | null; hosts: readonly string[]; owners: readonly string[]; tags: readonly string[] }): string | null;
  /** The business-criticality factor of an endpoint of `applicationId` (null without one). */
  businessFactor(applicationId: string | null): RiskFactor | null;
}

interface RuleRow {
  id: string;
  application_id: string;
  match: string;
  note: string | null;
}

export function loadOwnershipRules(db: Database.Database): OwnershipRule[] {
  const rows = db.prepare('SELECT id, application_id, match, note FROM ownership_rules ORDER BY position').all() as RuleRow[];
  return rows.map((r) => ({ id: r.id, application: r.application_id, match: JSON.parse(r.match) as OwnershipRule['match'], ...(r.note !== null ? { note: r.note } : {}) }));
}

/** Replaces the list; runs inside the caller's transaction. Unknown applications and repeated ids fail on constraints. */
export function writeOwnershipRules(db: Database.Database, rules: readonly OwnershipRule[]): void {
  db.prepare('DELETE FROM ownership_rules').run();
  const insert = db.prepare('INSERT INTO ownership_rules (position, id, application_id, kind, match, note) VALUES (?, ?, ?, ?, ?, ?)');
  rules.forEach((r, i) => {
    const kind = r.match.host !== undefined ? 'host' : r.match.specTitle !== undefined ? 'specTitle' : r.match.specTag !== undefined ? 'specTag' : 'specOwner';
    insert.run(i, r.id, r.application, kind, JSON.stringify(r.match), r.note ?? null);
  });
}

/** Writes a spec's facts (its latest version's): owners on the row, the operation tags in their table. */
export function writeSpecFacts(db: Database.Database, specId: string, facts: SpecOwnershipFacts): void {
  db.prepare('UPDATE specs SET owners = ? WHERE id = ?').run(JSON.stringify(facts.owners), specId);
  db.prepare('DELETE FROM spec_operation_tags WHERE spec_id = ?').run(specId);
  const insert = db.prepare('INSERT OR IGNORE INTO spec_operation_tags (spec_id, method, path, tag_key, tag) VALUES (?, ?, ?, ?, ?)');
  for (const op of facts.operations) for (const tag of op.tags) insert.run(specId, op.method, op.path, tag.toLowerCase(), tag);
}

const opKey = (method: string, path: string) => `${method} ${path}`;

export function loadOwnership(db: Database.Database, risk: BusinessRiskSettings): Ownership {
  const rules = loadOwnershipRules(db);
  const compiled = compileOwnership(rules);
  const applications = new Map(
    (db.prepare('SELECT id, name, criticality FROM applications').all() as { id: string; name: string; criticality: Criticality }[]).map((a) => [
      a.id,
      { name: a.name, criticality: a.criticality },
    ]),
  );
  // Spec facts only when a rule reads them, and of operation tags only those a rule names.
  const specs = new Map<string, SpecFacts>();
  if (compiled.usesSpecs) {
    const rows = db
      .prepare('SELECT s.id, s.name, s.owners, v.title FROM specs s JOIN spec_versions v ON v.spec_id = s.id AND v.version = s.latest_version')
      .all() as { id: string; name: string; owners: string; title: string | null }[];
    for (const r of rows) specs.set(r.id, { id: r.id, name: r.name, title: r.title, owners: JSON.parse(r.owners) as string[], tags: new Map() });
    if (compiled.tags.size > 0) {
      const tagRows = db
        .prepare('SELECT spec_id, method, path, tag FROM spec_operation_tags WHERE tag_key IN (SELECT value FROM json_each(?))')
        .all(JSON.stringify([...compiled.tags])) as { spec_id: string; method: string; path: string; tag: string }[];
      for (const t of tagRows) {
        const s = specs.get(t.spec_id);
        if (!s) continue;
        const k = opKey(t.method, t.path);
        s.tags.set(k, [...(s.tags.get(k) ?? []), t.tag]);
      }
    }
  }
  const specOf = (coverage: SpecCoverage | null): SubjectSpec | null => {
    const s = coverage ? specs.get(coverage.specId) : undefined;
    if (!coverage || !s) return null;
    const tags = coverage.operation ? (s.tags.get(opKey(coverage.operation.method, coverage.operation.path)) ?? []) : null;
    return { id: s.id, name: s.name, title: s.title, owners: s.owners, tags };
  };
  return {
    rules,
    compiled,
    applications,
    usesCoverage: compiled.usesSpecs,
    endpoint: (e) => compiled.ownerOf({ hosts: [e.host], pathTemplate: e.pathTemplate, spec: specOf(e.coverage) }),
    orphan: (host, pathTemplate) => compiled.ownerOf({ hosts: [host], pathTemplate, spec: null }),
    spec: (s) => compiled.ownerOf({ hosts: s.hosts, pathTemplate: null, spec: { id: s.id, name: s.name, title: s.title, owners: s.owners, tags: s.tags } }),
    businessFactor: (applicationId) => businessCriticalityFactor(applicationId === null ? null : (applications.get(applicationId) ?? null), risk.weight),
  };
}

/** A spec's facts as the spec rules read them when the spec itself is assigned (all its operations' tags). */
export function specSubjectFacts(db: Database.Database, specId: string): { owners: string[]; tags: string[] } {
  const owners = db.prepare('SELECT owners FROM specs WHERE id = ?').pluck().get(specId) as string | undefined;
  const tags = db.prepare('SELECT DISTINCT tag FROM spec_operation_tags WHERE spec_id = ? ORDER BY tag_key').pluck().all(specId) as string[];
  return { owners: owners ? (JSON.parse(owners) as string[]) : [], tags };
}

/** Every spec's application under `o`: pinned ones stay; the others are claimed by the rules. */
export function specClaim(db: Database.Database, o: Ownership): (specId: string, hosts: readonly string[]) => string | null {
  if (!o.compiled.usesSpecs) return (id, hosts) => o.spec({ id, name: '', title: null, hosts, owners: [], tags: [] });
  const head = db.prepare('SELECT s.name, v.title FROM specs s JOIN spec_versions v ON v.spec_id = s.id AND v.version = s.latest_version WHERE s.id = ?');
  return (id, hosts) => {
    const h = head.get(id) as { name: string; title: string | null } | undefined;
    return o.spec({ id, name: h?.name ?? '', title: h?.title ?? null, hosts, ...specSubjectFacts(db, id) });
  };
}

/** What `owners test` evaluates for a stored endpoint: the facts the rules read, with every tag of its operation. */
export function storedSubject(db: Database.Database, endpointId: string): (OwnershipSubject & { endpointId: string; method: string }) | null {
  const e = db
    .prepare('SELECT e.id, e.host, e.method, e.path_template, c.doc AS coverage FROM endpoints e LEFT JOIN endpoint_coverage c ON c.endpoint_id = e.id WHERE e.id = ?')
    .get(endpointId) as { id: string; host: string; method: string; path_template: string; coverage: string | null } | undefined;
  if (!e) return null;
  const coverage = e.coverage === null ? null : (JSON.parse(e.coverage) as SpecCoverage);
  let spec: SubjectSpec | null = null;
  if (coverage) {
    const s = db
      .prepare('SELECT s.id, s.name, s.owners, v.title FROM specs s JOIN spec_versions v ON v.spec_id = s.id AND v.version = s.latest_version WHERE s.id = ?')
      .get(coverage.specId) as { id: string; name: string; owners: string; title: string | null } | undefined;
    if (s) {
      const tags = coverage.operation
        ? (db.prepare('SELECT tag FROM spec_operation_tags WHERE spec_id = ? AND method = ? AND path = ? ORDER BY tag_key').pluck().all(s.id, coverage.operation.method, coverage.operation.path) as string[])
        : null;
      spec = { id: s.id, name: s.name, title: s.title, owners: JSON.parse(s.owners) as string[], tags };
    }
  }
  return { endpointId: e.id, method: e.method, hosts: [e.host], pathTemplate: e.path_template, spec };
}

// ---- business criticality in the endpoint risk --------------------------------------------------------

/**
 * Records an endpoint's traffic score and level (the pipeline's) and its business factor, beside the
 * endpoint row. Runs inside `saveEndpoints`' transaction, after the row (foreign key).
 */
export function endpointRiskWriter(db: Database.Database) {
  const upsert = db.prepare(`
    INSERT INTO endpoint_risk (endpoint_id, base_score, base_level, factor) VALUES (?, ?, ?, ?)
    ON CONFLICT (endpoint_id) DO UPDATE SET base_score = excluded.base_score, base_level = excluded.base_level, factor = excluded.factor
    WHERE base_score IS NOT excluded.base_score OR base_level IS NOT excluded.base_level OR factor IS NOT excluded.factor`);
  return (endpointId: string, traffic: { score: number; level: RiskLevel }, factor: RiskFactor | null): void => {
    upsert.run(endpointId, traffic.score, traffic.level, factor ? JSON.stringify(factor) : null);
  };
}

/**
 * Brings every endpoint's business factor, score and level in line with its application as it now is
 * (after an assignment, a criticality or name change, or a change of the configured weight or levels),
 * writing only the rows that change. Reads narrow columns and the side table, not the documents.
 */
export function rescoreBusinessRisk(db: Database.Database, o: Ownership, levels: BusinessRiskSettings['levels']): number {
  const rows = db
    .prepare(
      `SELECT e.id, e.application_id, e.risk_score, e.risk_level, r.base_score, r.base_level, r.factor
       FROM endpoints e JOIN endpoint_risk r ON r.endpoint_id = e.id`,
    )
    .all() as { id: string; application_id: string | null; risk_score: number; risk_level: RiskLevel; base_score: number; base_level: RiskLevel; factor: string | null }[];
  const setRisk = db.prepare('UPDATE endpoint_risk SET factor = ? WHERE endpoint_id = ?');
  const setScore = db.prepare('UPDATE endpoints SET risk_score = ?, risk_level = ? WHERE id = ?');
  let changed = 0;
  for (const r of rows) {
    const factor = o.businessFactor(r.application_id);
    const json = factor ? JSON.stringify(factor) : null;
    const want = withBusinessFactor({ score: r.base_score, level: r.base_level }, factor, levels);
    if (json !== r.factor) setRisk.run(json, r.id);
    if (want.score !== r.risk_score || want.level !== r.risk_level) {
      setScore.run(want.score, want.level, r.id);
      changed++;
    }
  }
  return changed;
}
