import { IssueDraft, type ThreatCase, type ThreatIssue } from '../contracts/cases.js';
import type { Application } from '../contracts/identity.js';
import type { AuditLog } from '../identity/audit-log.js';
import { MAX_PAGE_SIZE, type Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import { foldKeyOf, planIssues, targetOf, type GroupingRules, type PreparedIssue } from './grouping.js';
import { MAX_ACTIVE_SUPPRESSIONS, matchSuppression } from './suppressions.js';
import { hostRulesAsApplications } from '../ownership/match.js';

/** What one `addIssues` call did. */
export interface AddIssuesResult {
  /** New issues stored. */
  created: number;
  /** Detections folded into an identical issue. */
  folded: number;
  /** Drafts dropped by a suppression. */
  suppressed: number;
  /** Drafts that failed validation (logged, not stored). */
  invalid: number;
  casesOpened: number;
  casesReopened: number;
}

export type IssuesListener = (items: { issue: ThreatIssue; case: ThreatCase }[]) => void;

export interface IngestDeps {
  store: Store;
  rules: GroupingRules;
  logger: Logger;
  audit: AuditLog;
  now: () => Date;
  newId: () => string;
  onIssues?: IssuesListener;
}

/**
 * Drafts planned and written per chunk: each chunk is two reads and one write transaction, so a flood of
 * drafts does not hold the write lock (or the event loop) for long.
 */
const CHUNK = 1000;

/** Reasons logged per call: enough to diagnose a producer bug without flooding the log. */
const MAX_LOGGED_REASONS = 3;

/**
 * The cases module's side of the pipeline: validates drafts, drops suppressed ones (counting the hits),
 * groups the rest (`planIssues`) and stores them, audits reopened cases, and tells the listener (exports)
 * about new issues. Bad drafts are counted and logged, never thrown: the pipeline goes on.
 */
export async function ingestIssues(deps: IngestDeps, drafts: readonly unknown[]): Promise<AddIssuesResult> {
  const { store, logger } = deps;
  const result: AddIssuesResult = { created: 0, folded: 0, suppressed: 0, invalid: 0, casesOpened: 0, casesReopened: 0 };
  const valid: { draft: IssueDraft; atMs: number }[] = [];
  const reasons: string[] = [];
  for (const raw of drafts) {
    const parsed = IssueDraft.safeParse(raw);
    const atMs = parsed.success ? Date.parse(parsed.data.at) : NaN;
    if (parsed.success && !Number.isNaN(atMs)) {
      valid.push({ draft: parsed.data, atMs });
      continue;
    }
    result.invalid++;
    if (reasons.length < MAX_LOGGED_REASONS) {
      // Path and message only: a draft's values are attack payloads and must not reach the log.
      const issue = parsed.success ? { path: ['at'], message: 'not a timestamp' } : parsed.error.issues[0];
      reasons.push(`${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
    }
  }
  if (result.invalid > 0) logger.warn({ invalid: result.invalid, reasons }, 'threat issue drafts rejected');
  if (valid.length === 0) return result;

  const now = deps.now();
  const active = (await store.listSuppressions({ activeAt: now.toISOString(), limit: MAX_ACTIVE_SUPPRESSIONS })).items;
  const hits: Record<string, number> = {};
  const kept = valid.filter(({ draft }) => {
    const s = active.length > 0 ? matchSuppression(draft, active) : null;
    if (!s) return true;
    hits[s.id] = (hits[s.id] ?? 0) + 1;
    result.suppressed++;
    return false;
  });
  if (result.suppressed > 0) await store.addSuppressionHits(hits);
  if (kept.length === 0) return result;

  const names = new Map((await loadApplications(store)).map((a) => [a.id, a.name]));
  // The host rules of the ownership list, in its order: an issue knows its host and path, not its spec.
  const claims = hostRulesAsApplications(await store.listOwnershipRules());
  const prepared = kept.map(({ draft, atMs }): PreparedIssue => ({ draft, atMs, ...targetOf(draft.host, draft.pathTemplate, claims), foldKey: foldKeyOf(draft) }));
  prepared.sort((a, b) => a.atMs - b.atMs);

  for (let i = 0; i < prepared.length; i += CHUNK) {
    const chunk = prepared.slice(i, i + CHUNK);
    const [cases, folds] = await Promise.all([
      store.caseCandidates(chunk.map((p) => ({ actorId: p.draft.actor.id, target: p.target }))),
      store.foldCandidates(chunk.map((p) => p.foldKey)),
    ]);
    const at = deps.now().toISOString();
    const plan = planIssues(chunk, { cases, folds }, { rules: deps.rules, now: at, newId: deps.newId, applicationName: (id) => names.get(id) ?? null });
    const saved = await store.saveIssueBatch(plan.batch);
    result.created += plan.created;
    result.folded += plan.folded;
    result.casesOpened += plan.casesOpened;
    result.casesReopened += saved.reopened.length;
    for (const r of saved.reopened) {
      await deps.audit.append({
        actor: { kind: 'system', id: null },
        action: 'case.reopened',
        target: { type: 'case', id: r.case.id },
        before: { status: 'resolved', resolution: r.resolution, resolvedAt: r.resolvedAt },
        after: { status: r.case.status, reopened: r.case.reopened },
      });
    }
    if (deps.onIssues && plan.batch.issues.length > 0) {
      const byId = new Map(saved.cases.map((c) => [c.id, c]));
      const items = plan.batch.issues.flatMap(({ foldKey: _k, ...issue }) => {
        const c = byId.get(issue.caseId);
        return c ? [{ issue, case: c }] : [];
      });
      try {
        deps.onIssues(items);
      } catch (err) {
        logger.error({ err: (err as Error).message }, 'issue listener failed');
      }
    }
  }
  logger.debug({ ...result }, 'threat issues stored');
  return result;
}

/** Every application, for their names. */
async function loadApplications(store: Store): Promise<Application[]> {
  const out: Application[] = [];
  for (let offset = 0; ; offset += MAX_PAGE_SIZE) {
    const page = await store.listApplications({ limit: MAX_PAGE_SIZE, offset });
    out.push(...page.items);
    if (page.items.length < MAX_PAGE_SIZE) return out;
  }
}
