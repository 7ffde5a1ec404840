import type { ApplicationMatcher } from '../contracts/identity.js';
import type { OwnershipRule } from '../contracts/ownership.js';

/**
 * How application changes edit the one ordered rule list (ADR 0007): an application's matchers are its
 * host rules. Pure list functions; the store writes the result.
 *
 * - creating an application appends its matchers as host rules at the end;
 * - changing its matchers replaces its host rules where the first of them stood (at the end if it had none);
 * - deleting it deletes its rules.
 *
 * @example
 * replaceHostRules([{ id: 'a:1', application: 'a', match: { host: 'a.example' } }, r2], 'a', [{ host: 'b.example' }])
 * // [{ id: 'a:1', application: 'a', match: { host: 'b.example' } }, r2]
 */

const isHostRuleOf = (appId: string) => (r: OwnershipRule) => r.application === appId && r.match.host !== undefined;

/** Rule ids for new host rules of `appId`: the ids in `reuse` first, then `<appId>:<n>` ids not taken. */
function hostRuleIds(appId: string, count: number, reuse: readonly string[], taken: ReadonlySet<string>): string[] {
  const ids = reuse.slice(0, count);
  const used = new Set([...taken, ...ids]);
  for (let n = 1; ids.length < count; n++) {
    const id = `${appId}:${n}`;
    if (!used.has(id)) {
      ids.push(id);
      used.add(id);
    }
  }
  return ids;
}

function hostRules(appId: string, matchers: readonly ApplicationMatcher[], ids: readonly string[], notes: readonly (string | undefined)[]): OwnershipRule[] {
  return matchers.map((m, i) => ({
    id: ids[i]!,
    application: appId,
    match: { host: m.host, ...(m.pathPrefix !== undefined ? { pathPrefix: m.pathPrefix } : {}) },
    ...(notes[i] !== undefined ? { note: notes[i] } : {}),
  }));
}

export function appendHostRules(rules: readonly OwnershipRule[], appId: string, matchers: readonly ApplicationMatcher[]): OwnershipRule[] {
  const ids = hostRuleIds(appId, matchers.length, [], new Set(rules.map((r) => r.id)));
  return [...rules, ...hostRules(appId, matchers, ids, [])];
}

/** The application's host rules become `matchers` (their ids and notes kept in order), where the first stood. */
export function replaceHostRules(rules: readonly OwnershipRule[], appId: string, matchers: readonly ApplicationMatcher[]): OwnershipRule[] {
  const mine = isHostRuleOf(appId);
  const old = rules.filter(mine);
  const first = rules.findIndex(mine);
  const others = rules.filter((r) => !mine(r));
  const ids = hostRuleIds(appId, matchers.length, old.map((r) => r.id), new Set(others.map((r) => r.id)));
  const fresh = hostRules(appId, matchers, ids, old.map((r) => r.note));
  const at = first < 0 ? others.length : rules.slice(0, first).filter((r) => !mine(r)).length;
  return [...others.slice(0, at), ...fresh, ...others.slice(at)];
}

export function withoutApplication(rules: readonly OwnershipRule[], appId: string): OwnershipRule[] {
  return rules.filter((r) => r.application !== appId);
}

/** An application's matchers: its host rules, in list order. */
export function matchersOf(appId: string, rules: readonly OwnershipRule[]): ApplicationMatcher[] {
  return rules.filter(isHostRuleOf(appId)).map((r) => ({ host: r.match.host!, ...(r.match.pathPrefix !== undefined ? { pathPrefix: r.match.pathPrefix } : {}) }));
}
