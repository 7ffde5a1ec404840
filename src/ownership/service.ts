import type { EndpointSummary } from '../contracts/endpoint.js';
import type { Finding } from '../contracts/finding.js';
import type { Application } from '../contracts/identity.js';
import {
  OwnershipRuleList,
  type OwnershipFile,
  type OwnershipPlan,
  type OwnershipRule,
  type OwnershipRuleTrial,
  type OwnershipTestRequest,
  type OwnershipTestResult,
  type ReplaceOwnershipRulesResult,
} from '../contracts/ownership.js';
import { endpointId } from '../aggregate/endpoint-state.js';
import { invalidInput, notFound } from '../errors/domain-errors.js';
import type { AuditLog } from '../identity/audit-log.js';
import type { Caller } from '../identity/identity-service.js';
import { assertCan, inScope, type Action } from '../identity/permissions.js';
import type { LocalCaller } from '../spec/registry.js';
import { MAX_PAGE_SIZE, UNASSIGNED_APPLICATION, type Store } from '../store/store.js';
import { systemClock, type Clock } from '../util/clock.js';
import { explainRule, matchKind, type OwnershipSubject } from './match.js';
import { planOwnership } from './plan.js';
import { ownershipFileText } from './rules-file.js';
import { UNOWNED_ENDPOINT_RULE, unownedEndpointFinding } from './unowned.js';

/** A signed-in caller (API, console), or the local operator (CLI), who acts unscoped and is audited as `system`/`cli`. */
export type OwnershipCaller = Caller | LocalCaller;

export interface OwnershipService {
  /** The ordered rules; a workload owner sees those of their applications only. */
  listRules(caller: OwnershipCaller): Promise<OwnershipRule[]>;
  /** Replaces the whole list (validated: ids unique, applications known), audited, then syncs unowned findings. */
  replaceRules(caller: OwnershipCaller, rules: unknown): Promise<ReplaceOwnershipRulesResult>;
  /** Which rule claims a host and path, or a stored endpoint, and why the rules before it did not. */
  test(caller: OwnershipCaller, input: OwnershipTestRequest): Promise<OwnershipTestResult>;
  /** The rules file of the current applications and rules. */
  exportFile(caller: OwnershipCaller): Promise<string>;
  /** Makes Bulwark match a rules file in one store transaction (`dryRun`: reports and changes nothing). */
  applyFile(caller: OwnershipCaller, file: OwnershipFile, opts?: { dryRun?: boolean }): Promise<OwnershipPlan>;
  /**
   * Opens a `ownership-unowned-endpoint` finding for every endpoint no rule claims, and resolves those of
   * endpoints that have an owner now (or are gone). With no rule at all, ownership is not in use: nothing
   * is opened and open ones resolve. Called after the pipeline saves endpoints and after ownership changes.
   */
  syncUnowned(): Promise<{ opened: number; resolved: number }>;
}

export interface OwnershipServiceDeps {
  store: Store;
  audit: Pick<AuditLog, 'append'>;
  clock?: Clock;
}

/**
 * Ownership: the rule list, the rules file, the rule tester and unowned-endpoint findings. A plain factory
 * over the store (which assigns) and the audit log.
 *
 * @example
 * const ownership = createOwnershipService({ store, audit: identity.audit });
 * const result = await ownership.test(caller, { host: 'api.shop.example', path: '/v1/cart', method: 'GET' });
 */
export function createOwnershipService(deps: OwnershipServiceDeps): OwnershipService {
  const { store, audit } = deps;
  const clock = deps.clock ?? systemClock;
  const isLocal = (c: OwnershipCaller): c is LocalCaller => 'local' in c;
  const actorOf = (c: OwnershipCaller) => (isLocal(c) ? { kind: 'system' as const, id: c.actor ?? 'cli' } : { kind: c.principal.kind, id: c.principal.id });
  const addressOf = (c: OwnershipCaller) => (isLocal(c) ? null : (c.clientAddress ?? null));

  function permit(caller: OwnershipCaller, action: Action): void {
    if (!isLocal(caller)) assertCan(caller.principal, action);
  }

  /** Whether the caller may see what belongs to `applicationId`. */
  const sees = (caller: OwnershipCaller, applicationId: string) => isLocal(caller) || inScope(caller.principal, applicationId);

  async function allApplications(): Promise<Application[]> {
    const out: Application[] = [];
    for (let offset = 0; ; offset += MAX_PAGE_SIZE) {
      const page = await store.listApplications({ limit: MAX_PAGE_SIZE, offset });
      out.push(...page.items);
      if (page.items.length < MAX_PAGE_SIZE) return out;
    }
  }

  /** Every page of a list, for the bounded lists the sync walks. */
  async function everything<T>(page: (offset: number) => Promise<{ items: T[] }>): Promise<T[]> {
    const out: T[] = [];
    for (let offset = 0; ; offset += MAX_PAGE_SIZE) {
      const items = (await page(offset)).items;
      out.push(...items);
      if (items.length < MAX_PAGE_SIZE) return out;
    }
  }

  /** Rules naming applications that do not exist are the caller's mistake: say which, before the store refuses. */
  async function assertApplicationsExist(rules: readonly OwnershipRule[], known: ReadonlySet<string>): Promise<void> {
    const i = rules.findIndex((r) => !known.has(r.application));
    if (i >= 0) throw invalidInput(`rule ${i + 1} (${rules[i]!.id}): no application "${rules[i]!.application}"`);
  }

  /** Owners a file lists must be users (owners it leaves out stay as they are, unchecked). */
  async function assertOwnersExist(apps: OwnershipFile['applications']): Promise<void> {
    for (const a of apps) {
      for (const id of a.owners ?? []) if (!(await store.getUser(id))) throw invalidInput(`application ${a.id}: no such user: ${id}`);
    }
  }

  const service: OwnershipService = {
    async listRules(caller) {
      permit(caller, 'applications:read');
      return (await store.listOwnershipRules()).filter((r) => sees(caller, r.application));
    },

    async replaceRules(caller, raw) {
      permit(caller, 'applications:manage');
      const parsed = OwnershipRuleList.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw invalidInput(`invalid ownership rules at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
      }
      const rules = parsed.data;
      await assertApplicationsExist(rules, new Set((await allApplications()).map((a) => a.id)));
      const before = await store.listOwnershipRules();
      const { endpointsReassigned } = await store.replaceOwnershipRules(rules);
      await audit.append({
        actor: actorOf(caller),
        action: 'ownership.rules-replace',
        target: { type: 'ownership-rules', id: 'rules' },
        before: { rules: before },
        after: { rules, endpointsReassigned },
        clientAddress: addressOf(caller),
      });
      await service.syncUnowned();
      return { rules, endpointsReassigned };
    },

    async test(caller, input) {
      permit(caller, 'applications:read');
      let subject: OwnershipSubject;
      let stored: { endpointId: string; method: string } | null = null;
      let path: string;
      if ('endpointId' in input) {
        const s = await store.ownershipSubject(input.endpointId);
        if (!s) throw notFound(`endpoint ${input.endpointId} not found`);
        subject = s;
        stored = s;
        path = s.pathTemplate ?? '/';
      } else {
        path = input.path;
        // With a method, a discovered endpoint of that method, host and path (template) brings its spec.
        const s = input.method ? await store.ownershipSubject(endpointId(input.host.trim().toLowerCase(), input.method, input.path)) : null;
        subject = s ?? { hosts: [input.host], pathTemplate: input.path, spec: null };
        stored = s;
      }
      const rules = await store.listOwnershipRules();
      const apps = new Map((await allApplications()).map((a) => [a.id, a]));
      const tried: OwnershipRuleTrial[] = [];
      let matched: OwnershipRuleTrial | null = null;
      let hidden = 0;
      for (const [index, rule] of rules.entries()) {
        let { matched: ok, reason } = explainRule(rule, subject);
        if (!ok && stored === null && matchKind(rule.match) !== 'host') {
          reason = 'spec rules need a discovered endpoint: give --endpoint, or the method of one (none is stored for this method, host and path)';
        }
        const trial: OwnershipRuleTrial = { index, ruleId: rule.id, application: rule.application, match: rule.match, matched: ok, reason };
        if (ok) {
          matched = trial;
          break;
        }
        if (sees(caller, rule.application)) tried.push(trial);
        else hidden++;
      }
      if (matched && !sees(caller, matched.application)) throw notFound('this endpoint belongs to an application outside yours');
      const app = matched ? apps.get(matched.application) : undefined;
      const spec = subject.spec;
      return {
        subject: {
          host: subject.hosts[0] ?? '',
          path,
          method: stored?.method ?? ('method' in input ? (input.method ?? null) : null),
          endpointId: stored?.endpointId ?? null,
          spec: spec ? { id: spec.id, name: spec.name, title: spec.title, owners: [...spec.owners], operationTags: spec.tags ? [...spec.tags] : null } : null,
        },
        matched,
        application: app ? { id: app.id, name: app.name, team: app.team, criticality: app.criticality } : null,
        tried,
        hiddenRules: hidden,
      };
    },

    async exportFile(caller) {
      permit(caller, 'applications:read');
      if (!isLocal(caller) && caller.principal.applications !== 'all') throw invalidInput('the rules file covers every application: export it with an unscoped account');
      return ownershipFileText(await allApplications(), await store.listOwnershipRules());
    },

    async applyFile(caller, file, opts = {}) {
      permit(caller, 'applications:manage');
      const dryRun = opts.dryRun === true;
      const current = { applications: await allApplications(), rules: await store.listOwnershipRules() };
      const { change, summary } = planOwnership(current, file, clock.now().toISOString());
      await assertOwnersExist(file.applications);
      const { endpointsReassigned } = await store.applyOwnership(change, { dryRun });
      const plan: OwnershipPlan = { ...summary, endpointsReassigned, applied: !dryRun };
      if (dryRun) return plan;
      await audit.append({
        actor: actorOf(caller),
        action: 'ownership.apply',
        target: { type: 'ownership-rules', id: 'rules' },
        before: { applications: current.applications.map((a) => a.id), rules: current.rules },
        after: plan,
        clientAddress: addressOf(caller),
      });
      await service.syncUnowned();
      return plan;
    },

    async syncUnowned() {
      const rules = await store.listOwnershipRules();
      const inUse = rules.length > 0;
      const unowned: EndpointSummary[] = inUse
        ? await everything((offset) => store.listEndpoints({ application: UNASSIGNED_APPLICATION, sort: 'path', limit: MAX_PAGE_SIZE, offset }))
        : [];
      const open = await everything((offset) => store.listFindings({ ruleId: UNOWNED_ENDPOINT_RULE.id, status: 'open', sort: 'rule', limit: MAX_PAGE_SIZE, offset }));
      const openIds = new Set(open.map((f) => f.id));
      const unownedIds = new Set(unowned.map((e) => e.id));
      const changes: Finding[] = [];
      let opened = 0;
      for (const e of unowned) {
        const f = unownedEndpointFinding(e, rules.length);
        if (openIds.has(f.id)) continue;
        changes.push(f);
        opened++;
      }
      for (const f of open) {
        if (f.endpointId !== null && unownedIds.has(f.endpointId)) continue;
        // Resolved as the other finding families resolve: status and count 0, the window as it was.
        changes.push({ ...f, status: 'resolved', count: 0, evidence: { summary: 'an ownership rule claims this endpoint now', location: 'ownership rules' } });
      }
      for (let i = 0; i < changes.length; i += MAX_PAGE_SIZE) await store.saveFindings(changes.slice(i, i + MAX_PAGE_SIZE));
      return { opened, resolved: changes.length - opened };
    },
  };
  return service;
}
