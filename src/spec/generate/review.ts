import type { Endpoint } from '../../contracts/endpoint.js';
import type { z } from 'zod';
import type { SpecReviewDecision } from '../../contracts/spec-generate.js';
import { invalidInput } from '../../errors/domain-errors.js';
import { mapTemplate, pathParamsOf, segmentsOf, shapeOf, templateOf, type Segment } from './template.js';

/**
 * Applying a reviewer's decisions to the discovered endpoints before a document is generated: skip,
 * rename path parameters, merge endpoints into one, split a template into concrete ones. The result is
 * the list of operations the document will have, each with the endpoints whose observations describe
 * it and how their path parameter names map onto the operation's.
 *
 * Every problem is collected and reported at once (one `invalid_input` with `details.problems`), so a
 * reviewer fixes a file in one pass. Decisions for endpoints outside the selection are warnings: a review
 * file kept in a repository outlives endpoints.
 */

/** A decision as parsed by `SpecReviewDecision` (defaults applied). */
export type ReviewDecision = z.output<typeof SpecReviewDecision>;

/** One endpoint contributing to an operation. */
export interface OperationSource {
  endpoint: Endpoint;
  /** The endpoint's own path parameter name -> the operation's name for it. */
  pathNames: Map<string, string>;
  /** The endpoint's path parameters that the operation's template fixes to a value (split). */
  removed: Set<string>;
}

export interface ReviewedOperation {
  method: Endpoint['method'];
  template: string;
  sources: OperationSource[];
  /** The endpoint id a split made this operation from (its template is a concrete form of that endpoint's). */
  splitFrom: string | null;
}

export interface ReviewOutcome {
  /** Sorted by template, then method. */
  operations: ReviewedOperation[];
  counts: { endpoints: number; skipped: number; merged: number; split: number };
  warnings: string[];
}

interface Planned {
  endpoint: Endpoint;
  decision: ReviewDecision;
  /** The template after `rename`. */
  template: string;
  /** Segment positions whose parameter name a reviewer chose (rename). */
  explicit: Set<number>;
}

/** A template one accepted endpoint (with what was merged into it) becomes. */
interface Target {
  method: Endpoint['method'];
  segments: Segment[];
  explicit: Set<number>;
  root: Planned;
  /** Per source: the source's original parameter name at each segment position (null: none there). */
  sources: Array<{ endpoint: Endpoint; names: Array<string | null> }>;
  splitFrom: string | null;
  calls: number;
}

const label = (e: Endpoint) => `${e.id} (${e.method} ${e.host}${e.pathTemplate})`;

export function applyReview(endpoints: readonly Endpoint[], decisions: readonly ReviewDecision[] = []): ReviewOutcome {
  const problems: string[] = [];
  const warnings: string[] = [];
  const byId = new Map(endpoints.map((e) => [e.id, e]));
  const decisionOf = new Map<string, ReviewDecision>();
  for (const d of decisions) {
    if (decisionOf.has(d.id)) problems.push(`endpoint ${d.id} has more than one decision`);
    else if (!byId.has(d.id)) {
      const what = d.method && d.template ? ` (${d.method} ${d.host ?? ''}${d.template})` : '';
      warnings.push(`the review names endpoint ${d.id}${what}, which is not in the selection: its decision is ignored`);
    } else decisionOf.set(d.id, d);
  }

  const sorted = [...endpoints].sort((a, b) => cmp(a.host, b.host) || cmp(a.pathTemplate, b.pathTemplate) || cmp(a.method, b.method));
  const planned = new Map<string, Planned>();
  let skipped = 0;
  for (const e of sorted) {
    const d = decisionOf.get(e.id) ?? { id: e.id, action: 'accept' };
    if (d.action === 'skip') {
      if (d.rename || d.mergeInto || d.split) problems.push(`endpoint ${label(e)} is skipped and has other decisions too: remove them or accept it`);
      skipped++;
      continue;
    }
    const segments = segmentsOf(e.pathTemplate);
    const explicit = new Set<number>();
    for (const [from, to] of Object.entries(d.rename ?? {})) {
      const i = segments.findIndex((s) => s.kind === 'param' && s.name === from);
      if (i < 0) {
        problems.push(`endpoint ${label(e)}: rename: no path parameter "${from}" (it has ${listOf(pathParamsOf(e.pathTemplate))})`);
        continue;
      }
      segments[i] = { kind: 'param', name: to };
      explicit.add(i);
    }
    const dup = duplicateName(segments);
    if (dup) problems.push(`endpoint ${label(e)}: rename gives two path parameters named "${dup}"`);
    planned.set(e.id, { endpoint: e, decision: d, template: templateOf(segments), explicit });
  }

  // Merges: every source is folded into the end of its mergeInto chain.
  const mergedInto = new Map<string, Planned>();
  let merged = 0;
  for (const p of planned.values()) {
    if (!p.decision.mergeInto) continue;
    if (p.decision.split) {
      problems.push(`endpoint ${label(p.endpoint)} has both mergeInto and split: choose one`);
      continue;
    }
    const root = resolveMerge(p, planned, byId, problems);
    if (!root) continue;
    const m = mapTemplate(p.template, root.template);
    if (!m.ok) problems.push(`endpoint ${label(p.endpoint)} cannot merge into ${label(root.endpoint)}: ${m.reason}`);
    else if (m.steps.includes('specialise')) {
      const i = m.steps.indexOf('specialise');
      problems.push(
        `endpoint ${label(p.endpoint)} cannot merge into ${label(root.endpoint)}: its path parameter at segment ${i + 1} would become the fixed "${(segmentsOf(root.template)[i] as { value: string }).value}"; merge the other way round, or split`,
      );
    } else {
      mergedInto.set(p.endpoint.id, root);
      merged++;
    }
  }

  // Targets: each accepted root endpoint's template, or the templates of its split.
  const targets: Target[] = [];
  let splitCount = 0;
  for (const p of planned.values()) {
    if (p.decision.mergeInto) continue;
    const rootSegs = segmentsOf(p.template);
    const members = [p, ...[...planned.values()].filter((q) => mergedInto.get(q.endpoint.id) === p)];
    const sources = members.map((q) => ({ endpoint: q.endpoint, names: positionalNames(q, rootSegs) }));
    const calls = members.reduce((n, q) => n + q.endpoint.calls, 0);
    const templates = p.decision.split ?? [p.template];
    const seen = new Set<string>();
    for (const t of templates) {
      if (seen.has(t)) {
        problems.push(`endpoint ${label(p.endpoint)}: split lists ${t} twice`);
        continue;
      }
      seen.add(t);
      if (t !== p.template) {
        const m = mapTemplate(p.template, t);
        if (!m.ok) {
          problems.push(`endpoint ${label(p.endpoint)}: split template ${t} is not a form of ${p.template}: ${m.reason}`);
          continue;
        }
        const bad = m.steps.findIndex((s) => s === 'generalise' || s === 'rename');
        if (bad >= 0) {
          problems.push(
            `endpoint ${label(p.endpoint)}: split template ${t} changes segment ${bad + 1} of ${p.template}: a split may only fix parameters to values (rename parameters with rename)`,
          );
          continue;
        }
        splitCount++;
      }
      targets.push({ method: p.endpoint.method, segments: segmentsOf(t), explicit: p.explicit, root: p, sources, splitFrom: t === p.template ? null : p.endpoint.id, calls });
    }
  }

  unifyNames(targets, problems);

  // Operations: targets with one method and template share one (other hosts, or the same shape twice).
  const ops = new Map<string, ReviewedOperation>();
  for (const t of targets) {
    const template = templateOf(t.segments);
    const key = `${t.method} ${template}`;
    const sources: OperationSource[] = t.sources.map((s) => {
      const pathNames = new Map<string, string>();
      const removed = new Set<string>();
      s.names.forEach((orig, i) => {
        if (orig === null) return;
        const seg = t.segments[i]!;
        if (seg.kind === 'param') pathNames.set(orig, seg.name);
        else removed.add(orig);
      });
      return { endpoint: s.endpoint, pathNames, removed };
    });
    const existing = ops.get(key);
    if (!existing) {
      ops.set(key, { method: t.method, template, sources, splitFrom: t.splitFrom });
      continue;
    }
    if (t.splitFrom !== null || existing.splitFrom !== null) {
      const other = t.splitFrom !== null ? existing.sources[0]!.endpoint : t.root.endpoint;
      problems.push(`split template ${t.method} ${template} is also discovered as endpoint ${label(other)}: skip that endpoint, merge it, or leave the template out of the split`);
      continue;
    }
    existing.sources.push(...sources);
    merged++;
  }

  if (problems.length > 0) {
    const shown = problems.slice(0, 3).join('; ');
    throw invalidInput(`review: ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${shown}${problems.length > 3 ? '; …' : ''}`, { problems });
  }
  const operations = [...ops.values()].sort((a, b) => cmp(a.template, b.template) || cmp(a.method, b.method));
  return { operations, counts: { endpoints: endpoints.length, skipped, merged, split: splitCount }, warnings };
}

function resolveMerge(p: Planned, planned: Map<string, Planned>, byId: Map<string, Endpoint>, problems: string[]): Planned | null {
  const chain = [p.endpoint.id];
  let cur = p;
  while (cur.decision.mergeInto) {
    const next = cur.decision.mergeInto;
    if (chain.includes(next)) {
      problems.push(`mergeInto forms a cycle: ${[...chain, next].join(' -> ')}`);
      return null;
    }
    chain.push(next);
    const target = planned.get(next);
    if (!target) {
      problems.push(
        byId.has(next)
          ? `endpoint ${label(cur.endpoint)} merges into ${label(byId.get(next)!)}, which is skipped`
          : `endpoint ${label(cur.endpoint)} merges into ${next}, which is not in the selection`,
      );
      return null;
    }
    if (target.endpoint.method !== p.endpoint.method) {
      problems.push(`endpoint ${label(p.endpoint)} cannot merge into ${label(target.endpoint)}: the methods differ`);
      return null;
    }
    cur = target;
  }
  return cur;
}

/** The source's original path parameter names by position of the root template (null where it has none). */
function positionalNames(q: Planned, rootSegs: readonly Segment[]): Array<string | null> {
  const orig = segmentsOf(q.endpoint.pathTemplate);
  return rootSegs.map((_, i) => {
    const s = orig[i];
    return s?.kind === 'param' ? s.name : null;
  });
}

/**
 * One OpenAPI path has one name per parameter position, whatever the method: names a reviewer chose
 * win (two different choices are a problem); otherwise the most-called endpoint's names.
 */
function unifyNames(targets: Target[], problems: string[]): void {
  const byShape = new Map<string, Target[]>();
  for (const t of targets) {
    const shape = shapeOf(templateOf(t.segments));
    const list = byShape.get(shape) ?? [];
    list.push(t);
    byShape.set(shape, list);
  }
  for (const group of byShape.values()) {
    if (group.length < 2) continue;
    const ranked = [...group].sort((a, b) => b.calls - a.calls || cmp(templateOf(a.segments), templateOf(b.segments)) || cmp(a.method, b.method));
    const first = ranked[0]!;
    for (let i = 0; i < first.segments.length; i++) {
      if (first.segments[i]!.kind !== 'param') continue;
      const chosen = new Map<string, Target>();
      for (const t of group) if (t.explicit.has(i)) chosen.set((t.segments[i] as { name: string }).name, t);
      if (chosen.size > 1) {
        const [a, b] = [...chosen.values()];
        problems.push(
          `${a!.method} ${templateOf(a!.segments)} and ${b!.method} ${templateOf(b!.segments)} are one OpenAPI path with different names for the parameter at segment ${i + 1}: rename them alike`,
        );
        continue;
      }
      const name = chosen.size === 1 ? [...chosen.keys()][0]! : (first.segments[i] as { name: string }).name;
      for (const t of group) t.segments[i] = { kind: 'param', name };
    }
    for (const t of group) {
      const dup = duplicateName(t.segments);
      if (dup) problems.push(`${t.method} ${templateOf(t.segments)}: two path parameters named "${dup}" once names are made alike across methods; rename one`);
    }
  }
}

function duplicateName(segments: readonly Segment[]): string | null {
  const names = new Set<string>();
  for (const s of segments) {
    if (s.kind !== 'param') continue;
    if (names.has(s.name)) return s.name;
    names.add(s.name);
  }
  return null;
}

function listOf(names: string[]): string {
  return names.length ? names.map((n) => `"${n}"`).join(', ') : 'none';
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The decisions' parsed form from the contract's input form (defaults applied). */
export function normalizeDecisions(decisions: ReadonlyArray<z.input<typeof SpecReviewDecision>> | undefined): ReviewDecision[] {
  return (decisions ?? []).map((d) => ({ ...d, action: d.action ?? 'accept' }));
}
