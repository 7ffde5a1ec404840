import type { ApiEvent } from '../contracts/api-event.js';
import type { Actor, ActorKind, IssueDraft } from '../contracts/cases.js';
import type { CredentialFacts } from '../redact/credential-facts.js';
import type { Redactor } from '../redact/redactor.js';
import type { DetectionEngine } from './engine.js';
import type { Detection, DetectorInfo } from './types.js';

/**
 * The detect stage of the pipeline: every event, raw (before redaction: attack strings and credential facts
 * are what detectors read), goes through the per-request detectors (payload signatures and the learned
 * model) and the behavioural detectors (per-actor state). Each detection becomes an `IssueDraft` with the
 * actor as a keyed digest and the triggering exchange redacted; drafts wait in a bounded buffer until the
 * pipeline's next flush hands them to the cases service.
 *
 * @example
 * const detect = createDetectStage({ engine, behaviour, actorOf, redactor });
 * const n = detect.observe(event, ctx);          // per event; 0 for almost every event
 * await sink.addIssues(detect.drain());          // per flush
 */

/** What the stage needs to know about an event besides the event itself (the pipeline computed it already). */
export interface DetectContext {
  ts: number;
  facts: CredentialFacts;
  endpointId: string;
  endpointKey: string;
  host: string;
  method: string;
  template: string;
  pathParamNames: readonly (string | null)[];
  responseSensitive?: boolean;
}

/** The actor of an event in memory (raw key allowed: it never leaves the process). */
export interface ActorKey {
  kind: ActorKind;
  key: string;
}

export interface BehaviourDetector {
  observe(event: ApiEvent, ctx: DetectContext): (Detection & { actor: ActorKey })[];
  readonly detectors: readonly DetectorInfo[];
}

export interface DetectStageDeps {
  engine: DetectionEngine;
  behaviour?: BehaviourDetector;
  actorOf: (event: ApiEvent, facts: CredentialFacts) => ActorKey;
  redactor: Pick<Redactor, 'redactEvent' | 'placeholder'>;
  /** Drafts kept between two flushes; more are counted as dropped (the queue folds floods anyway). */
  maxPending?: number;
  onError?: (family: string, err: unknown) => void;
}

export interface DetectStats {
  /** Events inspected. */
  events: number;
  detections: number;
  /** Drafts dropped because the buffer was full between two flushes. */
  dropped: number;
  errors: number;
}

export interface DetectStage {
  /** Runs every detector on one raw event; returns how many detections it made. */
  observe(event: ApiEvent, ctx: DetectContext): number;
  /** The drafts since the last drain, oldest first. */
  drain(): IssueDraft[];
  readonly detectors: readonly DetectorInfo[];
  stats(): DetectStats;
}

export const DEFAULT_MAX_PENDING = 20_000;

const ACTOR_LABEL: Record<ActorKind, string> = { principal: 'principal', 'api-key': 'API key', session: 'session', address: 'address' };

export function createDetectStage(deps: DetectStageDeps): DetectStage {
  const { engine, behaviour, actorOf, redactor } = deps;
  const maxPending = deps.maxPending ?? DEFAULT_MAX_PENDING;
  const detectors: readonly DetectorInfo[] = Object.freeze([...engine.detectors, ...(behaviour?.detectors ?? [])]);
  const info = new Map(detectors.map((d) => [d.id, d]));
  const stats: DetectStats = { events: 0, detections: 0, dropped: 0, errors: 0 };
  let pending: IssueDraft[] = [];

  /** Keyed digest of the actor: the same actor correlates across issues, and nobody without the installation secret can map it back. */
  function actorRef(a: ActorKey): Actor {
    const ph = redactor.placeholder(`actor-${a.kind}`, a.key);
    const id = ph.slice(ph.lastIndexOf(':') + 1, ph.lastIndexOf(':') + 17);
    return { kind: a.kind, id, label: `${ACTOR_LABEL[a.kind]} ${id.slice(0, 8)}` };
  }

  function observe(event: ApiEvent, ctx: DetectContext): number {
    stats.events++;
    const found = engine.inspect(event);
    let more: (Detection & { actor: ActorKey })[] | undefined;
    if (behaviour) {
      try {
        more = behaviour.observe(event, ctx);
      } catch (err) {
        stats.errors++;
        deps.onError?.('behaviour', err);
      }
    }
    const total = found.length + (more?.length ?? 0);
    if (total === 0) return 0;
    stats.detections += total;
    // Evidence of a request-level detection is the redacted exchange; an actor-level one carries it too
    // (the event that crossed the threshold), so an analyst sees what the actor last did.
    const exchange = redactor.redactEvent(event).event;
    const draft = (d: Detection, actor: Actor): void => {
      if (pending.length >= maxPending) {
        stats.dropped++;
        return;
      }
      const di = info.get(d.detector);
      pending.push({
        detector: d.detector,
        title: di?.title ?? d.detector,
        category: d.category,
        severity: d.severity,
        confidence: d.confidence,
        owasp: d.owasp,
        cwe: di?.cwe ?? 'CWE-693',
        mitre: d.mitre,
        location: { where: d.location.where, name: d.location.name.slice(0, 200) },
        evidence: d.evidence.slice(0, 400),
        actor,
        endpointId: ctx.endpointId,
        host: ctx.host,
        method: ctx.method,
        pathTemplate: ctx.template,
        at: event.timestamp,
        exchange,
      });
    };
    if (found.length > 0) {
      const own = actorRef(actorOf(event, ctx.facts));
      for (const d of found) draft(d, own);
    }
    for (const d of more ?? []) draft(d, actorRef(d.actor));
    return total;
  }

  return {
    observe,
    drain() {
      const out = pending;
      pending = [];
      return out;
    },
    detectors,
    stats: () => ({ ...stats, errors: stats.errors + engine.errors() }),
  };
}
