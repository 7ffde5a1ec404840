import { APPLICATION_DEFAULTS, type Application } from '../contracts/identity.js';
import type { OwnershipFile, OwnershipPlan, OwnershipRule } from '../contracts/ownership.js';
import { applicationMetadata } from '../identity/applications.js';
import type { OwnershipChange } from '../store/store.js';

/**
 * What applying a rules file changes, decided from the current applications and rules: the store change
 * (`Store.applyOwnership`) and a summary for people (what `owners apply` prints). Pure.
 *
 * - an application in the file and not in Bulwark is added; in both and different, changed (owners only
 *   when the file lists them); in Bulwark and not in the file, removed;
 * - rules compare by id: added, changed (application, match or note), removed; `reordered` when the rules
 *   in both lists stand in another order.
 *
 * @example
 * const { change, summary } = planOwnership({ applications, rules }, file, '2026-03-01T10:00:00.000Z');
 */
export function planOwnership(
  current: { applications: readonly Application[]; rules: readonly OwnershipRule[] },
  file: OwnershipFile,
  at: string,
): { change: OwnershipChange; summary: Omit<OwnershipPlan, 'endpointsReassigned' | 'applied'> } {
  const existing = new Map(current.applications.map((a) => [a.id, a]));
  const declared = new Set(file.applications.map((a) => a.id));
  const change: OwnershipChange = { create: [], update: [], delete: [], rules: file.rules };
  for (const a of file.applications) {
    const before = existing.get(a.id);
    if (!before) {
      change.create.push({
        id: a.id,
        name: a.name,
        owners: [...new Set(a.owners ?? [])],
        matchers: [],
        ...applicationMetadata(a, APPLICATION_DEFAULTS),
        createdAt: at,
        updatedAt: at,
      });
      continue;
    }
    const after: Application = { ...before, name: a.name, owners: a.owners ? [...new Set(a.owners)] : before.owners, ...applicationMetadata(a, APPLICATION_DEFAULTS) };
    if (JSON.stringify(comparable(after)) !== JSON.stringify(comparable(before))) change.update.push({ ...after, updatedAt: at });
  }
  for (const a of current.applications) if (!declared.has(a.id)) change.delete.push(a.id);

  const oldRules = new Map(current.rules.map((r) => [r.id, r]));
  const newRules = new Map(file.rules.map((r) => [r.id, r]));
  const kept = (list: readonly OwnershipRule[], other: Map<string, OwnershipRule>) => list.filter((r) => other.has(r.id)).map((r) => r.id);
  return {
    change,
    summary: {
      applications: { added: change.create.map((a) => a.id), changed: change.update.map((a) => a.id), removed: change.delete },
      rules: {
        added: file.rules.filter((r) => !oldRules.has(r.id)).map((r) => r.id),
        changed: file.rules.filter((r) => oldRules.has(r.id) && JSON.stringify(comparableRule(oldRules.get(r.id)!)) !== JSON.stringify(comparableRule(r))).map((r) => r.id),
        removed: current.rules.filter((r) => !newRules.has(r.id)).map((r) => r.id),
        reordered: kept(current.rules, newRules).join('\n') !== kept(file.rules, oldRules).join('\n'),
      },
    },
  };
}

/** What a rules file sets of an application (not its times, not its matchers: those are rules). */
function comparable(a: Application) {
  return [a.name, [...a.owners].sort(), a.team, a.contacts, a.criticality, a.dataTags];
}

function comparableRule(r: OwnershipRule) {
  const m = r.match;
  return [r.application, m.host ?? null, m.pathPrefix ?? null, m.specTitle ?? null, m.specTag ?? null, m.specOwner ?? null, r.note ?? null];
}
