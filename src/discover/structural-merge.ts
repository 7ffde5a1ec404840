import { singular } from './path-templater.js';

/**
 * Structural merging of sibling endpoints, the second discovery signal after path statistics.
 *
 * Path statistics cannot tell a popular slug from an API word: `/v1/categories/tents` and
 * `/v1/categories/backpacks`, each called hundreds of times, look like static paths. What gives them
 * away is that they are leaves of one parent whose responses have the same structure. When at least
 * `minSiblings` leaf siblings (same host, method and parent) return bodies with identical field sets,
 * they are one endpoint with a parameter. Siblings with a structure of their own stay static.
 *
 * @example
 * findStructuralMerges([{ host: 'api', method: 'GET', template: '/v1/categories/tents', shape: 'id,name', hasChildren: false }, ...])
 * // [{ host: 'api', method: 'GET', parent: '/v1/categories', param: 'category', literals: ['tents', ...], keep: [] }]
 */
export interface SiblingCandidate {
  host: string;
  method: string;
  template: string;
  /** Sorted response body field pointers, or null when no response body was analysed. */
  shape: string | null;
  /** Whether any endpoint lives below this template. */
  hasChildren: boolean;
}

export interface StructuralMerge {
  host: string;
  method: string;
  parent: string;
  param: string;
  /** Literals merged into the parameter. */
  literals: string[];
  /** Siblings with a structure of their own, which stay static. */
  keep: string[];
  evidence: string;
}

export const DEFAULT_MIN_SIBLINGS = 8;

function split(template: string): { parent: string; last: string } | null {
  const i = template.lastIndexOf('/');
  if (i < 0) return null;
  const last = template.slice(i + 1);
  if (!last || last.startsWith('{')) return null;
  return { parent: template.slice(0, i), last };
}

export function findStructuralMerges(candidates: readonly SiblingCandidate[], minSiblings = DEFAULT_MIN_SIBLINGS): StructuralMerge[] {
  const groups = new Map<string, Array<{ c: SiblingCandidate; last: string; parent: string }>>();
  for (const c of candidates) {
    const s = split(c.template);
    if (!s) continue;
    const key = `${c.host} ${c.method} ${s.parent}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push({ c, last: s.last, parent: s.parent });
  }
  const merges: StructuralMerge[] = [];
  for (const members of groups.values()) {
    if (members.length < minSiblings) continue;
    const byShape = new Map<string, string[]>();
    for (const m of members) {
      if (m.c.hasChildren || !m.c.shape) continue;
      let list = byShape.get(m.c.shape);
      if (!list) byShape.set(m.c.shape, (list = []));
      list.push(m.last);
    }
    let best: [string, string[]] | undefined;
    for (const e of byShape) if (!best || e[1].length > best[1].length) best = e;
    if (!best || best[1].length < minSiblings) continue;
    const literals = [...best[1]].sort();
    const merged = new Set(literals);
    const first = members[0]!;
    const parentLast = first.parent.slice(first.parent.lastIndexOf('/') + 1);
    const param = parentLast && !parentLast.startsWith('{') ? singular(parentLast).replace(/[^A-Za-z0-9_]/g, '_') || 'name' : 'name';
    merges.push({
      host: first.c.host,
      method: first.c.method,
      parent: first.parent,
      param,
      literals,
      keep: members.filter((m) => !merged.has(m.last)).map((m) => m.last).sort(),
      evidence: `{${param}}: ${literals.length} sibling paths with the same response structure`,
    });
  }
  return merges;
}

/**
 * Applies recorded merges to templates: a merged literal, or a literal never seen when the merge was
 * made, under a merged parent becomes the parameter; the kept static siblings stay.
 */
export function createStructuralRewriter(initial: readonly StructuralMerge[] = []) {
  const byParent = new Map<string, { param: string; keep: Set<string>; merge: StructuralMerge }>();
  const add = (m: StructuralMerge) => byParent.set(`${m.host} ${m.method} ${m.parent}`, { param: m.param, keep: new Set(m.keep), merge: m });
  for (const m of initial) add(m);
  return {
    add,
    rewrite(host: string, method: string, template: string): string {
      if (byParent.size === 0) return template;
      const i = template.lastIndexOf('/');
      if (i < 0) return template;
      const parent = template.slice(0, i);
      const last = template.slice(i + 1);
      const m = byParent.get(`${host} ${method} ${parent}`);
      if (!m || m.keep.has(last)) return template;
      // One position holds one parameter: a typed one found there (a probe, an odd id) folds in too.
      return `${parent}/{${m.param}}`;
    },
    evidenceFor(host: string, method: string, template: string): string | null {
      const s = template.lastIndexOf('/');
      const m = byParent.get(`${host} ${method} ${template.slice(0, s)}`);
      return m && template.slice(s + 1) === `{${m.param}}` ? m.merge.evidence : null;
    },
    merges: (): StructuralMerge[] => [...byParent.values()].map((v) => v.merge),
  };
}
