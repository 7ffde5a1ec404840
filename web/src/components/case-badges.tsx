/**
 * The small pieces every case view shares (queue, case page, similar cases, dashboard): status with its
 * resolution, the actor, the target, the threat categories and the assignee's name.
 */
import { useCallback } from 'react';
import type { Actor, CaseResolution, CaseStatus, ThreatCase } from '../../../src/contracts/cases.js';
import { useApp } from '../app-context.js';
import { actorKindLabel, caseStatusLabel, resolutionLabel, threatCategoryLabel } from '../labels.js';
import { href } from '../router.js';
import { useUsers } from './use-directory.js';

/** "New", "Investigating", or "Resolved · True positive": the word always, the colour as a help. */
export function CaseStatusBadge({ status, resolution }: { status: CaseStatus; resolution: CaseResolution | null }) {
  return (
    <span className={`pill case-status-${status}${resolution ? ` case-resolution-${resolution}` : ''}`}>
      {caseStatusLabel(status)}
      {status === 'resolved' && resolution && ` · ${resolutionLabel(resolution)}`}
    </span>
  );
}

/** The actor's label (`address 3f2a9c1b`); the full keyed digest in the title, never the raw value. */
export function ActorLabel({ actor }: { actor: Actor }) {
  return (
    <span className="mono nowrap" title={`${actorKindLabel(actor.kind)}, keyed id ${actor.id}`}>
      {actor.label}
    </span>
  );
}

/** What a case is against: its application's name when known, else the host. */
export function CaseTarget({ c, names }: { c: Pick<ThreatCase, 'applicationId' | 'host'>; names: ReadonlyMap<string, string> }) {
  if (c.applicationId) return <span>{names.get(c.applicationId) ?? c.applicationId}</span>;
  return <span className="mono">{c.host}</span>;
}

/** Threat categories as tags: the first `max`, then how many more (named in the title). */
export function CategoryTags({ categories, max = 3 }: { categories: string[]; max?: number }) {
  const shown = categories.slice(0, max);
  const more = categories.length - shown.length;
  return (
    <span className="tags">
      {shown.map((c) => (
        <span key={c} className="tag tag-threat">
          {threatCategoryLabel(c)}
        </span>
      ))}
      {more > 0 && (
        <span className="tag tag-threat" title={categories.slice(max).map(threatCategoryLabel).join(', ')}>
          +{more}
        </span>
      )}
    </span>
  );
}

/**
 * Names assignees and authors: "You" for the signed-in user, the user's name where the role may read users,
 * else the id. Returns the labeller and the users the assignee select may offer.
 */
export function useAssignees() {
  const { session } = useApp();
  const users = useUsers();
  const me = session.user.id;
  const email = session.user.email;
  // Comments name their author by sign-in name (the email), assignments by user id: both are "You".
  const nameOf = useCallback((id: string | null) => (id === null ? 'Unassigned' : id === me || id === email ? 'You' : users.labelOf(id)), [me, email, users]);
  return { me, users, nameOf };
}

/** A link to the queue with some filters set. */
export const casesHref = (filters: Record<string, string | undefined> = {}) => href('/cases', filters);
