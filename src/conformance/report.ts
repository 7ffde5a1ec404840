import { MAX_CONFORMANCE_ITEMS, type ConformanceOperation, type ConformanceSample, type SpecConformance } from '../contracts/conformance.js';
import type { Spec } from '../contracts/spec-registry.js';
import type { Caller } from '../identity/identity-service.js';
import { applicationScope, type Principal } from '../identity/permissions.js';
import type { SpecCaller, SpecRegistry } from '../spec/registry.js';
import type { SpecConformanceRows, Store, StoredConformanceOperation } from '../store/store.js';

const DAY_MS = 86_400_000;

/**
 * Orphan: no call in the `periodMs` before `referenceMs` (the newest event on the spec's hosts). With no
 * traffic on the hosts there is no reference, and nothing is orphan. Never-called operations are orphan
 * as soon as there is a reference.
 *
 * @example
 *   isOrphan(0, NaN, Date.parse('2026-11-20'), 30 * DAY) // true: never called
 */
export function isOrphan(calls: number, lastSeenMs: number, referenceMs: number, periodMs: number): boolean {
  if (!Number.isFinite(referenceMs)) return false;
  return !(calls > 0 && lastSeenMs >= referenceMs - periodMs);
}

const ms = (t: string | null) => (t === null ? Number.NaN : Date.parse(t));

function operationView(o: StoredConformanceOperation): ConformanceOperation {
  const { specId: _s, version: _v, state: _state, ...view } = o;
  return view;
}

/**
 * The API view of a spec's conformance from its stored rows: zombie and orphan operations picked (orphans
 * by the same rule the pipeline reports them with), summary counts over everything, lists capped at
 * `MAX_CONFORMANCE_ITEMS`.
 */
export function buildSpecConformance(spec: Pick<Spec, 'id' | 'latestVersion'>, rows: SpecConformanceRows, orphanAfterDays: number): SpecConformance {
  const reference = ms(rows.spec?.lastEvent ?? null);
  const periodMs = orphanAfterDays * DAY_MS;
  const zombie = rows.operations.filter((o) => o.deprecated && o.calls > 0).sort((a, b) => b.calls - a.calls || a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  const orphan = rows.operations
    .filter((o) => isOrphan(o.calls, ms(o.lastSeen), reference, periodMs))
    // Never called first, then the least recently called.
    .sort((a, b) => (ms(a.lastSeen) || 0) - (ms(b.lastSeen) || 0) || a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  return {
    specId: spec.id,
    latestVersion: spec.latestVersion,
    checkedVersion: rows.spec?.version ?? null,
    orphanAfterDays,
    observed: { firstEvent: rows.spec?.firstEvent ?? null, lastEvent: rows.spec?.lastEvent ?? null },
    summary: {
      operations: rows.operations.length,
      called: rows.operations.filter((o) => o.calls > 0).length,
      shadow: rows.shadowTotal,
      shadowCalls: rows.shadowCalls,
      zombie: zombie.length,
      orphan: orphan.length,
      drift: rows.driftTotal,
      driftOperations: rows.driftOperations,
    },
    shadow: rows.shadow.map(({ state: _state, ...s }) => s),
    zombie: zombie.slice(0, MAX_CONFORMANCE_ITEMS).map(operationView),
    orphan: orphan.slice(0, MAX_CONFORMANCE_ITEMS).map(operationView),
    drift: rows.drift.map(({ specId: _s, ...d }) => d),
    truncated: rows.shadow.length < rows.shadowTotal || rows.drift.length < rows.driftTotal || zombie.length > MAX_CONFORMANCE_ITEMS || orphan.length > MAX_CONFORMANCE_ITEMS,
  };
}

/**
 * A spec's conformance for a caller: the registry checks that the caller may read the spec (workload
 * owners: specs of their applications; others get `not_found`), then the report is built from the store.
 * Scoped callers see shadow endpoints, and endpoint links and samples, of their applications' endpoints
 * only: an undocumented endpoint of another application on a shared host is not theirs to see.
 *
 * @example
 *   const report = await specConformance({ registry, store, orphanAfterDays: 30 }, caller, 'spec_1');
 *   report.summary.shadow; // 3
 */
export async function specConformance(deps: { registry: Pick<SpecRegistry, 'getSpec'>; store: Pick<Store, 'specConformance' | 'listEndpoints'>; orphanAfterDays: number }, caller: SpecCaller, id: string): Promise<SpecConformance> {
  const spec = await deps.registry.getSpec(caller, id);
  const principal = 'principal' in caller ? (caller as Caller).principal : null;
  const scope = principal ? applicationScope(principal) : 'all';
  const rows = await deps.store.specConformance(spec.id, { hosts: spec.hosts, limit: MAX_CONFORMANCE_ITEMS, scope });
  const report = buildSpecConformance(spec, rows, deps.orphanAfterDays);
  return scope === 'all' ? report : narrow(report, await visibleEndpoints(deps.store, spec.id, principal!));
}

/** The ids of the spec's endpoints (documented by it, or its shadow) that the principal may see. */
async function visibleEndpoints(store: Pick<Store, 'listEndpoints'>, specId: string, principal: Principal): Promise<Set<string>> {
  const ids = new Set<string>();
  const scope = applicationScope(principal);
  for (let offset = 0; ; offset += MAX_CONFORMANCE_ITEMS) {
    const page = await store.listEndpoints({ spec: specId, scope, limit: MAX_CONFORMANCE_ITEMS, offset, sort: 'path' });
    for (const e of page.items) ids.add(e.id);
    if (page.items.length < MAX_CONFORMANCE_ITEMS) return ids;
  }
}

function narrow(report: SpecConformance, visible: Set<string>): SpecConformance {
  const samples = (list: ConformanceSample[]) => list.filter((s) => visible.has(s.endpointId));
  const refs = <T extends { id: string }>(list: T[]) => list.filter((e) => visible.has(e.id));
  const op = (o: ConformanceOperation): ConformanceOperation => ({ ...o, endpoints: refs(o.endpoints), samples: samples(o.samples) });
  return {
    ...report,
    zombie: report.zombie.map(op),
    orphan: report.orphan.map(op),
    drift: report.drift.map((d) => ({ ...d, endpoints: refs(d.endpoints), samples: samples(d.samples) })),
  };
}
