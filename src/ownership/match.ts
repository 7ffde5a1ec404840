import type { OwnershipMatch, OwnershipMatchKind, OwnershipRule } from '../contracts/ownership.js';
import { compileMatcher, normaliseHost } from '../identity/applications.js';

/**
 * Evaluating the ownership rules (see `contracts/ownership.ts`): one ordered list, first match wins. Pure:
 * the store gives the facts (the endpoint's host and path, its documenting spec), this decides.
 *
 * @example
 * const ownership = compileOwnership(rules);
 * ownership.ownerOf({ hosts: ['api.shop.example'], pathTemplate: '/v1/cart', spec: null }); // 'shop'
 */

/** The spec facts a spec rule reads: the documenting spec of an endpoint, or the spec being assigned. */
export interface SubjectSpec {
  id: string;
  name: string;
  /** `info.title` of its latest version. */
  title: string | null;
  /** `x-owner`, `info.contact.email` and `info.contact.name` of its latest version, as written. */
  owners: readonly string[];
  /**
   * Tags of the operation that documents the endpoint (null for a shadow endpoint: no operation does);
   * for a spec being assigned, the tags of all its operations.
   */
  tags: readonly string[] | null;
}

/**
 * What rules are evaluated on. An endpoint: its host and path template, and its spec (null when no spec
 * covers it). A spec: its hosts (any may match) and no path, so host rules match by host alone, their
 * path prefixes not consulted (a spec names hosts, not the paths an application claims on them).
 */
export interface OwnershipSubject {
  hosts: readonly string[];
  pathTemplate: string | null;
  spec: SubjectSpec | null;
}

export interface CompiledOwnership {
  readonly rules: readonly OwnershipRule[];
  /** Whether any rule reads spec facts: without one, callers need not load them. */
  readonly usesSpecs: boolean;
  /** The tags `specTag` rules name, lower-cased: the only operation tags worth loading. */
  readonly tags: ReadonlySet<string>;
  /** Position of the first rule that matches, -1 when none does. */
  firstMatch(subject: OwnershipSubject): number;
  /** The application of the first rule that matches; null: unowned. */
  ownerOf(subject: OwnershipSubject): string | null;
}

type Test = (subject: OwnershipSubject, hosts: readonly string[]) => boolean;

/** The kind of a match: exactly one of its kind keys is set (the contract checks it). */
export function matchKind(m: OwnershipMatch): OwnershipMatchKind {
  if (m.host !== undefined) return 'host';
  if (m.specTitle !== undefined) return 'specTitle';
  if (m.specTag !== undefined) return 'specTag';
  return 'specOwner';
}

const key = (s: string) => s.trim().toLowerCase();

function compileRule(m: OwnershipMatch): Test {
  switch (matchKind(m)) {
    case 'host': {
      const c = compileMatcher({ host: m.host!, pathPrefix: m.pathPrefix });
      return (s, hosts) => hosts.some((h) => c.host(h)) && (s.pathTemplate === null || c.path(s.pathTemplate));
    }
    case 'specTitle': {
      const want = key(m.specTitle!);
      return (s) => s.spec !== null && (key(s.spec.name) === want || (s.spec.title !== null && key(s.spec.title) === want));
    }
    case 'specTag': {
      const want = key(m.specTag!);
      return (s) => s.spec?.tags?.some((t) => key(t) === want) ?? false;
    }
    case 'specOwner': {
      const want = key(m.specOwner!);
      return (s) => s.spec?.owners.some((o) => key(o) === want) ?? false;
    }
  }
}

export function compileOwnership(rules: readonly OwnershipRule[]): CompiledOwnership {
  const tests = rules.map((r) => compileRule(r.match));
  const tags = new Set(rules.flatMap((r) => (r.match.specTag !== undefined ? [key(r.match.specTag)] : [])));
  const usesSpecs = rules.some((r) => matchKind(r.match) !== 'host');
  const firstMatch = (subject: OwnershipSubject): number => {
    // Hosts are normalised once per subject, not once per rule.
    const hosts = subject.hosts.map(normaliseHost);
    for (let i = 0; i < tests.length; i++) if (tests[i]!(subject, hosts)) return i;
    return -1;
  };
  return {
    rules,
    usesSpecs,
    tags,
    firstMatch,
    ownerOf(subject) {
      const i = firstMatch(subject);
      return i < 0 ? null : rules[i]!.application;
    },
  };
}

/** Whether one rule matches, and why (or why not) in a sentence: what `owners test` prints. */
export function explainRule(rule: OwnershipRule, subject: OwnershipSubject): { matched: boolean; reason: string } {
  const matched = compileRule(rule.match)(subject, subject.hosts.map(normaliseHost));
  return { matched, reason: reasonFor(rule.match, subject, matched) };
}

function reasonFor(m: OwnershipMatch, s: OwnershipSubject, matched: boolean): string {
  const hosts = s.hosts.join(', ') || '(no host)';
  switch (matchKind(m)) {
    case 'host': {
      const byHost = compileMatcher({ host: m.host! });
      if (!s.hosts.map(normaliseHost).some((h) => byHost.host(h))) return `host ${hosts} is not ${m.host}`;
      if (m.pathPrefix === undefined) return `host ${hosts} is ${m.host}`;
      if (s.pathTemplate === null) return `host ${hosts} is ${m.host} (a spec: path prefixes are not consulted)`;
      return matched ? `path ${s.pathTemplate} is under ${m.pathPrefix}` : `path ${s.pathTemplate} is not under ${m.pathPrefix}`;
    }
    case 'specTitle': {
      if (s.spec === null) return 'no registered spec documents or covers this endpoint';
      const title = s.spec.title === null ? 'no title' : `title "${s.spec.title}"`;
      return matched
        ? `spec "${s.spec.name}" (${title}) is "${m.specTitle}"`
        : `spec "${s.spec.name}" (${title}) is not "${m.specTitle}"`;
    }
    case 'specTag': {
      if (s.spec === null) return 'no registered spec documents or covers this endpoint';
      if (s.spec.tags === null) return `no operation of spec "${s.spec.name}" documents this endpoint (shadow), so it has no tags`;
      const tags = s.spec.tags.length ? s.spec.tags.join(', ') : 'none';
      return matched ? `the operation carries tag "${m.specTag}"` : `the operation's tags (${tags}) do not include "${m.specTag}"`;
    }
    case 'specOwner': {
      if (s.spec === null) return 'no registered spec documents or covers this endpoint';
      const owners = s.spec.owners.length ? s.spec.owners.map((o) => `"${o}"`).join(', ') : 'no x-owner or info.contact';
      return matched ? `spec "${s.spec.name}" names owner "${m.specOwner}"` : `spec "${s.spec.name}" names ${owners}, not "${m.specOwner}"`;
    }
  }
}

/**
 * Host rules as the single-matcher applications `applicationOf` takes, in list order: for callers that
 * know a host and path only (threat issues before their endpoint is stored).
 */
export function hostRulesAsApplications(rules: readonly OwnershipRule[]): { id: string; matchers: { host: string; pathPrefix?: string }[] }[] {
  return rules.flatMap((r) =>
    r.match.host === undefined ? [] : [{ id: r.application, matchers: [{ host: r.match.host, ...(r.match.pathPrefix !== undefined ? { pathPrefix: r.match.pathPrefix } : {}) }] }],
  );
}

