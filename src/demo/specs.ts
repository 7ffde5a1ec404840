import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Spec } from '../contracts/spec-registry.js';
import type { AuditLog } from '../identity/audit-log.js';
import { createSpecRegistry, LOCAL_OPERATOR } from '../spec/registry.js';
import type { Store } from '../store/store.js';
import { buildSpecConformance } from '../conformance/report.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { AppId } from './kit.js';

/**
 * The demo's API specifications, in `src/demo/specs/`: the files of each spec, oldest version first.
 * Each describes most of its application's endpoints (a few are left out on purpose: traffic will show
 * them as undocumented) with the weaknesses a real team's spec has.
 */
export const DEMO_SPECS: readonly { name: string; app: AppId; files: readonly string[] }[] = Object.freeze([
  { name: 'Northwind Storefront API', app: 'storefront', files: ['storefront-api.yaml'] },
  { name: 'Northwind Payments API', app: 'payments', files: ['payments-api.v1.yaml', 'payments-api.v2.yaml'] },
]);

/**
 * Operations a demo spec documents that no application serves any more: traffic never calls them, so the
 * console shows them as orphan operations.
 */
export const DEMO_RETIRED_OPERATIONS: readonly string[] = Object.freeze(['DELETE /v1/cart']);

/** The YAML files stay in `src/demo/specs/`: two levels up from both `src/demo` and `dist/demo`. */
export const DEMO_SPEC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'demo', 'specs');

export interface DemoSpecResult {
  spec: Spec;
  /** Versions this run added: all of the spec's files on a fresh store, 0 when it was up to date. */
  versionsAdded: number;
}

/**
 * Imports the demo specs through the spec registry as the local operator (as `bulwark spec import`
 * does): audited, scored, and linked to the application that claims their host, so run it after
 * `seedDemoIdentity` has created the applications. Idempotent: a spec is found by name, and only its
 * newest file is offered again, which adds no version while its text is unchanged.
 *
 * @example
 *   const results = await seedDemoSpecs(bw); // bw: { store, identity }
 *   out(formatDemoSpecs(results));
 */
export async function seedDemoSpecs(
  deps: { store: Store; identity: { audit: Pick<AuditLog, 'append'> } },
  opts: { clock?: Clock; dir?: string } = {},
): Promise<DemoSpecResult[]> {
  const registry = createSpecRegistry({ store: deps.store, audit: deps.identity.audit, clock: opts.clock ?? systemClock });
  const dir = opts.dir ?? DEMO_SPEC_DIR;
  const results: DemoSpecResult[] = [];
  for (const def of DEMO_SPECS) {
    const found = (await registry.listSpecs(LOCAL_OPERATOR, { search: def.name, limit: 100 })).items.find((s) => s.name === def.name);
    let spec = found;
    let versionsAdded = 0;
    for (const file of found ? def.files.slice(-1) : def.files) {
      const r = await registry.importSpecFile(LOCAL_OPERATOR, path.join(dir, file), spec ? { specId: spec.id } : { name: def.name });
      spec = r.spec;
      if (r.created) versionsAdded += 1;
    }
    results.push({ spec: spec!, versionsAdded });
  }
  return results;
}

/** One line for the demo's output, e.g. `Imported 2 API specifications: Northwind Storefront API (score 34.9/100, 99 findings), …`. */
export function formatDemoSpecs(results: readonly DemoSpecResult[]): string {
  const n = results.length;
  const added = results.some((r) => r.versionsAdded > 0);
  const items = results.map(({ spec }) => {
    const versions = spec.latestVersion === 1 ? '' : `${spec.latestVersion} versions, `;
    const findings = spec.latest.findingsTotal;
    return `${spec.name} (${versions}score ${spec.latest.score.total}/100, ${findings} finding${findings === 1 ? '' : 's'})`;
  });
  return `${added ? 'Imported' : 'Already imported'} ${n} API specification${n === 1 ? '' : 's'}: ${items.join(', ')}`;
}

/**
 * One line on how the demo traffic conforms to the demo specs, e.g. `Conformance: 4 shadow endpoints, 1
 * zombie operation, 3 orphan operations, 12 drift items (see each spec's page)`.
 */
export async function formatDemoConformance(store: Pick<Store, 'specConformance'>, results: readonly DemoSpecResult[], orphanAfterDays: number): Promise<string> {
  const total = { shadow: 0, zombie: 0, orphan: 0, drift: 0 };
  for (const { spec } of results) {
    const r = buildSpecConformance(spec, await store.specConformance(spec.id, { hosts: spec.hosts, limit: 1 }), orphanAfterDays);
    for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += r.summary[k];
  }
  const n = (count: number, what: string) => `${count} ${what}${count === 1 ? '' : 's'}`;
  return `Conformance: ${n(total.shadow, 'shadow endpoint')}, ${n(total.zombie, 'zombie operation')}, ${n(total.orphan, 'orphan operation')}, ${n(total.drift, 'drift item')} (see each spec's page)`;
}
