import type { ApiEvent, Reject } from '../contracts/api-event.js';
import type { Finding } from '../contracts/finding.js';
import type { Endpoint } from '../contracts/endpoint.js';
import type { Config } from '../config/config.js';
import type { Store, StoredEndpoint, EventSample } from '../store/store.js';
import type { Redactor } from '../redact/redactor.js';
import type { PathTemplater } from '../discover/path-templater.js';
import type { ExposureClassifier } from '../discover/exposure.js';
import type { ClassInfo, PostureRule } from '../risk/posture-rules.js';
import type { Logger } from '../util/logger.js';
import { createCredentialReader, type CredentialFacts } from '../redact/credential-facts.js';
import type { DataClassHit } from '../contracts/data-class.js';
import { isoToMs } from '../normalize/timestamp.js';
import {
  deserializeState,
  endpointId,
  mergeState,
  newState,
  observeEvent,
  observeHits,
  observeResponseType,
  serializeState,
  type EndpointState,
} from '../aggregate/endpoint-state.js';
import { toEndpoint } from '../aggregate/endpoint-view.js';
import { observeJson, observeText, parseForm } from '../discover/params.js';
import { observeBodySignals, observeHeaderSignals, observeHitSignals } from '../risk/signals.js';
import { evaluatePosture } from '../risk/findings.js';
import { POSTURE_RULES } from '../risk/posture-rules.js';
import { createStructuralRewriter, findStructuralMerges, type SiblingCandidate, type StructuralMerge } from '../discover/structural-merge.js';
import { createConformanceStage, operationPaths, type ConformanceStats, type EndpointKey } from '../conformance/stage.js';
import type { ActiveSpecs } from '../conformance/active-specs.js';
import type { IssueDraft } from '../contracts/cases.js';
import type { DetectContext, DetectStage } from '../detect/stage.js';

/** Receives the detect stage's issues at each flush (the cases service groups, stores and exports them). */
export interface ThreatSink {
  addIssues(drafts: IssueDraft[]): Promise<unknown>;
}

/** A record from a source: a normalized event, or a reject with its reason. */
export type IngestRecord = { kind: 'event'; event: ApiEvent; line?: number } | { kind: 'reject'; reject: Reject };

export interface IngestReport {
  accepted: number;
  rejected: number;
  /** Reject counts by reason (the reason text up to its first colon-separated detail). */
  rejectReasons: Record<string, number>;
  /** The first rejects, with line numbers, for the user to look at. */
  firstRejects: Reject[];
  endpoints: number;
  newEndpoints: number;
  findings: number;
  /** Threat detections made (each one an issue draft for the cases service). */
  detections: number;
}

export interface FlushReport {
  endpointsSaved: number;
  endpointsMerged: number;
  findings: number;
  /** Threat issue drafts handed to the cases service. */
  issues: number;
}

export interface PipelineDeps {
  store: Store;
  config: Readonly<Config>;
  redactor: Redactor;
  templater: PathTemplater;
  exposure: ExposureClassifier;
  classInfo: (id: string) => ClassInfo;
  logger: Logger;
  rules?: readonly PostureRule[];
  /** The registered specs traffic is checked against (conformance); without it, no conformance. */
  specs?: ActiveSpecs;
  /** Where the detect stage's issues go (the cases service); without it, threat detection does not run. */
  threats?: ThreatSink;
  /** The detect stage (threat detectors on every raw event); runs only with `threats`. */
  detect?: DetectStage;
  /** Called after each flush has stored its findings (remediation reads them into tasks); errors are logged. */
  afterFlush?: () => Promise<unknown>;
  /** Clock for `at` stamps (tests pin it). */
  now?: () => Date;
  /**
   * Unowned endpoints become findings of their own after each flush that saved endpoints (the ownership
   * service decides; the store never creates findings). A failure is logged; ingestion goes on.
   */
  ownership?: { syncUnowned(): Promise<unknown> };
}

/**
 * The ingestion pipeline: normalized events -> redact -> discover -> classify -> conformance -> aggregate -> store.
 *
 * Every event updates its endpoint's counters (calls, status, latency, consumers, authentication,
 * encryption, exposure) and the data classes found in its URL and headers. A sample of events per
 * endpoint (the first `analyseFirst`, then one in `analyseEvery`) also goes through full body
 * redaction, parameter inference and body classification: the expensive part runs on a bounded
 * share of traffic, while counters stay exact. State is aggregate-only and bounded by endpoints.
 *
 * Conformance (`src/conformance/stage.ts`): every call is counted for the spec operation it matches, or
 * for its endpoint as shadow, on hosts a registered spec covers; analysed calls are also validated against
 * the operation (parameters, bodies, status, content types). The specs are (re)loaded at `open` and at
 * the start of each `ingest`; their paths also seed the templater, so endpoints take the spec's templates.
 *
 * @example
 * const pipeline = createPipeline({ store, config, redactor, templater, exposure, classInfo, logger });
 * await pipeline.open();
 * const report = await pipeline.ingest(readEvents('traffic.har'));
 */
export interface Pipeline {
  open(): Promise<void>;
  /** Processes one event in memory; call `flush` to persist. */
  process(event: ApiEvent): void;
  /** Ingests records (or batches of records, as `readEventBatches` yields them) and flushes. */
  ingest(records: AsyncIterable<IngestRecord | IngestRecord[]> | Iterable<IngestRecord | IngestRecord[]>, opts?: { flushEvery?: number }): Promise<IngestReport>;
  flush(): Promise<FlushReport>;
  endpointCount(): number;
  /** Reloads the registered specs; true when they changed (`ingest` does this first). */
  refreshSpecs(): Promise<boolean>;
  conformanceStats(): ConformanceStats;
}

const MAX_FIRST_REJECTS = 100;
/** Learned templates `routeOf` remembers before it starts afresh: far more than the endpoints of an estate. */
const MAX_ROUTES = 4_096;
const MAX_REJECTS_KEPT = 10_000;
const TEMPLATER_META = 'discovery.templater';
const STRUCTURAL_META = 'discovery.structural-merges';

/** Response body fields present in at least half of the analysed responses: an endpoint's structure. */
function responseShape(state: EndpointState): string | null {
  if (state.analysed === 0) return null;
  const keys: string[] = [];
  for (const k in state.params) if (k.startsWith('response|body|') && state.params[k]!.seen * 2 >= state.analysed) keys.push(k.slice(14));
  return keys.length ? keys.sort().join(',') : null;
}

/** Names of template segments by path segment index (index as in `path.split('/')`). */
function pathParamNames(template: string): (string | null)[] {
  return template.split('/').map((s) => (s.startsWith('{') && s.endsWith('}') ? s.slice(1, -1) : null));
}

function rejectKind(reason: string): string {
  return reason.split(/[:(]/, 1)[0]!.trim().slice(0, 80) || 'invalid record';
}

export function createPipeline(deps: PipelineDeps): Pipeline {
  const { store, config, redactor, templater, exposure, classInfo, logger } = deps;
  const rules = deps.rules ?? POSTURE_RULES;
  const now = deps.now ?? (() => new Date());
  const { analyseFirst, analyseEvery, samplesPerEndpoint } = config.discovery;
  const { validateFirst, validateEvery } = config.conformance;

  const states = new Map<string, EndpointState>();
  const dirty = new Set<string>();
  /** Ids already in the store, to tell new endpoints and to remove merged ones. */
  const persisted = new Set<string>();
  /** Newest analysed (redacted) events per endpoint since the last flush, at most `samplesPerEndpoint` each. */
  let samples = new Map<string, EventSample[]>();
  let pendingRejects: Reject[] = [];

  const keyOf = (host: string, method: string, template: string) => `${host} ${method} ${template}`;
  const conformance = createConformanceStage(config.conformance);
  /** The coverage last saved per endpoint state, to re-save only endpoints whose coverage a spec change moved. */
  const coverageSaved = new WeakMap<EndpointState, string>();
  const coverageKey = (c: Endpoint['coverage']) => (c ? `${c.status} ${c.specId}@${c.version} ${c.operation?.method ?? ''} ${c.operation?.path ?? ''}` : '');
  const readCredentials = createCredentialReader();
  // Detection runs only when its issues have somewhere to go.
  const detect = deps.threats ? deps.detect : undefined;
  let detections = 0;
  const structural = createStructuralRewriter();

  function process(event: ApiEvent): void {
    const ts = isoToMs(event.timestamp);
    // Redact stage: facts about credentials are read here, then every later stage sees redacted data only.
    const facts = readCredentials(event, ts);
    const url = redactor.redactUrl(event.request);
    const { host, method } = event.request;
    const { key, state, memo } = routeOf(host, method, templater.learn(host, method, url.path), ts);
    dirty.add(key);
    const client = exposure.classify(event.request.clientAddress, event.request.headers['x-forwarded-for']);
    observeEvent(state, event, ts, facts, client);
    observeHeaderSignals(state, event, facts);
    conformance.observe(state, url.path, ts);
    const names = memo.names;

    const analyse = state.analysed < analyseFirst || state.calls % analyseEvery === 0;
    // Headers, cookies and bodies are redacted (and classified) only on analysed events; the others
    // are counted and dropped without any of those values being kept.
    if (!analyse) {
      observeHits(state, url.hits, names);
      observeHitSignals(state, url.hits, facts, names);
      if (detect) detections += detect.observe(event, detectContext(state, memo, ts, facts, undefined));
      return;
    }
    const red = redactor.redactEvent(event);
    observeHits(state, red.hits, names);
    observeHitSignals(state, red.hits, facts, names);

    state.analysed++;
    const r = red.event;
    const pathSegs = r.request.path.split('/');
    for (let i = 0; i < names.length; i++) {
      const n = names[i];
      if (n) observeText(state.params, 'request', 'path', n, pathSegs[i] ?? '');
    }
    for (const q in r.request.query) for (const v of r.request.query[q]!) observeText(state.params, 'request', 'query', q, v);
    for (const h in r.request.headers) observeText(state.params, 'request', 'header', h, r.request.headers[h]!);
    for (const c in r.request.cookies) observeText(state.params, 'request', 'cookie', c, r.request.cookies[c]!);
    if (red.requestJson !== undefined) observeJson(state.params, 'request', red.requestJson);
    else if (r.request.body?.text && /x-www-form-urlencoded/i.test(r.request.body.contentType ?? '')) {
      for (const [k, v] of parseForm(r.request.body.text)) observeText(state.params, 'request', 'body', `/${k}`, v);
    }
    if (r.response) {
      observeResponseType(state, r.response.status, r.response.body?.contentType ?? r.response.headers['content-type']);
      if (red.responseJson !== undefined) observeJson(state.params, 'response', red.responseJson);
      observeBodySignals(state, r);
    }
    // Validation is the costly part of conformance: an endpoint's first analysed calls, then one analysed call in `validateEvery`.
    if (state.analysed <= validateFirst || state.analysed % validateEvery === 0) conformance.analyse(state, r, red.requestJson, red.responseJson, ts);
    if (samplesPerEndpoint > 0) {
      let list = samples.get(key);
      if (!list) samples.set(key, (list = []));
      if (list.length >= samplesPerEndpoint) list.shift();
      list.push({ endpointId: memo.id, timestamp: r.timestamp, event: r });
    }
    if (detect) detections += detect.observe(event, detectContext(state, memo, ts, facts, responseSensitive(red.hits)));
  }

  /**
   * Where an event's learned template leads: its state (made on first use), the state's key and memo. By learned
   * template, then host and method: `learn` returns the same string for a path it has seen, so this lookup in a
   * small map hashes nothing new, where building and hashing the state's key, and the structural rewrite, would
   * cost a fresh string each per event. Emptied whenever states or merges move (`flush`, `open`), and at its bound.
   */
  interface Route {
    host: string;
    method: string;
    key: string;
    state: EndpointState;
    memo: StateMemo;
  }
  let routes = new Map<string, Route[]>();
  let routeCount = 0;
  function routeOf(host: string, method: string, learned: string, ts: number): Route {
    const list = routes.get(learned);
    if (list !== undefined) {
      for (const r of list) if (r.host === host && r.method === method) return r;
    }
    const template = structural.rewrite(host, method, learned);
    const key = keyOf(host, method, template);
    let state = states.get(key);
    if (!state) {
      state = newState(host, method, template, ts);
      states.set(key, state);
    }
    const route: Route = { host, method, key, state, memo: memoOf(state) };
    if (routeCount >= MAX_ROUTES) forgetRoutes();
    const same = routes.get(learned);
    if (same !== undefined) same.push(route);
    else routes.set(learned, [route]);
    routeCount++;
    return route;
  }
  function forgetRoutes(): void {
    routes = new Map();
    routeCount = 0;
  }

  /** Whether an analysed response carried personal, financial or credential data (medium sensitivity or more). */
  function responseSensitive(hits: readonly DataClassHit[]): boolean {
    for (const h of hits) if (h.direction === 'response' && classInfo(h.dataClass).sensitivity !== 'low') return true;
    return false;
  }

  /**
   * Endpoint id, key and path parameter names per state, computed once per template (the id is a SHA-256, and a
   * lookup by the template string would hash a fresh string on every event). A flush may change the template.
   */
  interface StateMemo {
    template: string;
    id: string;
    key: string;
    names: (string | null)[];
  }
  const stateMemo = new WeakMap<EndpointState, StateMemo>();
  function memoOf(state: EndpointState): StateMemo {
    let m = stateMemo.get(state);
    if (m === undefined || m.template !== state.template) {
      const { host, method, template } = state;
      m = { template, id: endpointId(host, method, template), key: keyOf(host, method, template), names: pathParamNames(template) };
      stateMemo.set(state, m);
    }
    return m;
  }

  function detectContext(state: EndpointState, memo: StateMemo, ts: number, facts: CredentialFacts, sensitive: boolean | undefined): DetectContext {
    const ctx: DetectContext = {
      ts,
      facts,
      endpointId: memo.id,
      endpointKey: memo.key,
      host: state.host,
      method: state.method,
      template: state.template,
      pathParamNames: memo.names,
    };
    if (sensitive !== undefined) ctx.responseSensitive = sensitive;
    return ctx;
  }

  let structuralChanged = false;
  /** Finds new groups of sibling leaves with one response structure (see `structural-merge.ts`). */
  function learnStructure(): void {
    const parents = new Set<string>();
    for (const s of states.values()) {
      const segs = s.template.split('/');
      for (let i = 2; i < segs.length; i++) parents.add(`${s.host} ${segs.slice(0, i).join('/')}`);
    }
    const candidates: SiblingCandidate[] = [];
    for (const s of states.values()) {
      candidates.push({ host: s.host, method: s.method, template: s.template, shape: responseShape(s), hasChildren: parents.has(`${s.host} ${s.template}`) });
    }
    const known = new Set(structural.merges().map((m: StructuralMerge) => `${m.host} ${m.method} ${m.parent}`));
    for (const m of findStructuralMerges(candidates)) {
      if (known.has(`${m.host} ${m.method} ${m.parent}`)) continue;
      structural.add(m);
      structuralChanged = true;
    }
  }

  async function flush(): Promise<FlushReport> {
    const at = now().toISOString();
    // `templates()` settles every position with all evidence so far (once per flush); then the states
    // of templates that collapsed since the last flush fold into their new template.
    const templatesByKey = new Map(templater.templates().map((t) => [keyOf(t.host, t.method, t.template), t]));
    learnStructure();
    // States are renamed and merged below, and merges may have been learned: routes are made again.
    forgetRoutes();
    const removed: string[] = [];
    const renamed = new Map<string, string>();
    const renamedTo = new Map<string, EndpointKey>();
    let merged = 0;
    for (const [key, state] of [...states]) {
      const m = { template: structural.rewrite(state.host, state.method, templater.resolve(state.host, state.method, state.template).template) };
      if (m.template === state.template) continue;
      const oldId = endpointId(state.host, state.method, state.template);
      const newKey = keyOf(state.host, state.method, m.template);
      states.delete(key);
      dirty.delete(key);
      const target = states.get(newKey);
      if (target) mergeState(target, state);
      else {
        state.template = m.template;
        // Its findings go with the old id: report its occurrences afresh under the new one.
        state.reported = {};
        states.set(newKey, state);
      }
      dirty.add(newKey);
      const newId = endpointId(state.host, state.method, m.template);
      renamed.set(oldId, newId);
      renamedTo.set(newId, states.get(newKey)!);
      if (persisted.has(oldId)) removed.push(oldId);
      persisted.delete(oldId);
      merged++;
    }
    conformance.renamed(renamed, renamedTo);
    const rows: StoredEndpoint[] = [];
    const findings: Finding[] = [];
    for (const key of dirty) {
      const state = states.get(key);
      if (!state) continue;
      const t = templatesByKey.get(key);
      const structuralEvidence = structural.evidenceFor(state.host, state.method, state.template);
      const endpoint = toEndpoint(
        state,
        structuralEvidence
          ? { confidence: 0.8, evidence: [structuralEvidence], origin: 'traffic' }
          : { confidence: t?.confidence ?? 1, evidence: t?.evidence ?? [], origin: t?.origin ?? 'traffic' },
        t?.origin === 'spec',
        classInfo,
        config.risk,
      );
      const coverage = conformance.coverageOf(state);
      endpoint.coverage = coverage;
      if (coverage?.status === 'documented') endpoint.documented = true;
      coverageSaved.set(state, coverageKey(coverage));
      try {
        findings.push(...evaluatePosture(rules, { endpoint, signals: state.signals, classInfo }, state, at));
      } catch (err) {
        logger.error({ err: (err as Error).message, endpoint: endpoint.id }, 'posture evaluation failed');
      }
      rows.push({ endpoint, state: serializeState(state) });
    }
    dirty.clear();
    const sampleBatch = [...samples.values()].flat().map((s) => ({ ...s, endpointId: renamed.get(s.endpointId) ?? s.endpointId }));
    samples = new Map();
    await store.saveEndpoints(rows, removed);
    for (const r of rows) persisted.add(r.endpoint.id);
    // After the endpoints: shadow rows and findings refer to them.
    const { findings: conformanceFindings, ...batch } = conformance.collect(at);
    if (Object.values(batch).some((list) => list.length > 0)) await store.saveConformance(batch);
    findings.push(...conformanceFindings);
    if (findings.length) await store.saveFindings(findings);
    if (deps.ownership && (rows.length > 0 || removed.length > 0)) {
      try {
        await deps.ownership.syncUnowned();
      } catch (err) {
        logger.error({ err: (err as Error).message }, 'unowned endpoint findings not updated');
      }
    }
    if (sampleBatch.length) await store.addSamples(sampleBatch, samplesPerEndpoint);
    // After the endpoints: issues refer to them. Drafts carry the ids the events were counted under; an
    // endpoint merged in this flush is renamed here, as samples are.
    const drafts = detect ? detect.drain() : [];
    for (const d of drafts) if (d.endpointId !== null) d.endpointId = renamed.get(d.endpointId) ?? d.endpointId;
    if (drafts.length) await deps.threats!.addIssues(drafts);
    if (pendingRejects.length) {
      await store.addRejects(
        pendingRejects.map((r) => ({ ...r, at })),
        MAX_REJECTS_KEPT,
      );
      pendingRejects = [];
    }
    await store.setMeta(TEMPLATER_META, templater.exportState());
    if (structuralChanged) {
      await store.setMeta(STRUCTURAL_META, structural.merges());
      structuralChanged = false;
    }
    if (deps.afterFlush) {
      try {
        await deps.afterFlush();
      } catch (err) {
        logger.error({ err: (err as Error).message }, 'after-flush step failed');
      }
    }
    return { endpointsSaved: rows.length, endpointsMerged: merged, findings: findings.length, issues: drafts.length };
  }

  /**
   * Loads the registered specs into the conformance stage. On a change, the specs' paths seed the templater
   * and the endpoints whose coverage moved are marked for saving.
   */
  async function refreshSpecs(): Promise<boolean> {
    if (!deps.specs) return false;
    const active = await deps.specs.load();
    if (!conformance.setSpecs(active)) return false;
    for (const spec of active) {
      const templates = spec.model.operations.flatMap((op) => operationPaths(op).map((path) => ({ method: op.method.toUpperCase(), path })));
      for (const host of spec.hosts) templater.addKnownTemplates(host, templates);
    }
    for (const [key, state] of states) {
      if ((coverageSaved.get(state) ?? '') !== coverageKey(conformance.coverageOf(state))) dirty.add(key);
    }
    return true;
  }

  return {
    async open() {
      const saved = await store.getMeta(TEMPLATER_META);
      if (saved) templater.importState(saved);
      const merges = await store.getMeta<StructuralMerge[]>(STRUCTURAL_META);
      if (Array.isArray(merges)) for (const m of merges) structural.add(m);
      for (const row of await store.loadEndpointStates()) {
        const s = deserializeState(row.state);
        if (!s) continue;
        states.set(keyOf(s.host, s.method, s.template), s);
        persisted.add(row.endpoint.id);
        coverageSaved.set(s, coverageKey(row.endpoint.coverage));
      }
      // Routes lead to states: the ones just loaded replace any made before.
      forgetRoutes();
      if (deps.specs) {
        conformance.load(await store.loadConformance());
        await refreshSpecs();
      }
    },
    process,
    refreshSpecs,
    conformanceStats: () => conformance.stats(),
    async ingest(records, opts = {}) {
      await refreshSpecs();
      const flushEvery = opts.flushEvery ?? 100_000;
      const before = new Set(persisted);
      const report: IngestReport = { accepted: 0, rejected: 0, rejectReasons: {}, firstRejects: [], endpoints: 0, newEndpoints: 0, findings: 0, detections: 0 };
      const detectionsBefore = detections;
      let sinceFlush = 0;
      const one = (rec: IngestRecord): void => {
        if (rec.kind === 'reject') {
          report.rejected++;
          const kind = rejectKind(rec.reject.reason);
          report.rejectReasons[kind] = (report.rejectReasons[kind] ?? 0) + 1;
          if (report.firstRejects.length < MAX_FIRST_REJECTS) report.firstRejects.push(rec.reject);
          if (pendingRejects.length < MAX_REJECTS_KEPT) pendingRejects.push(rec.reject);
          return;
        }
        try {
          process(rec.event);
          report.accepted++;
        } catch (err) {
          // A bug on one event must not lose the rest of the file; it is a counted reject.
          report.rejected++;
          const reject: Reject = { source: rec.event.source.name ?? rec.event.source.kind, reason: `processing failed: ${(err as Error).message.slice(0, 200)}` };
          if (rec.line !== undefined) reject.line = rec.line;
          report.rejectReasons['processing failed'] = (report.rejectReasons['processing failed'] ?? 0) + 1;
          if (report.firstRejects.length < MAX_FIRST_REJECTS) report.firstRejects.push(reject);
          if (pendingRejects.length < MAX_REJECTS_KEPT) pendingRejects.push(reject);
          logger.error({ line: rec.line }, 'event processing failed');
        }
      };
      for await (const item of records) {
        if (Array.isArray(item)) for (const rec of item) one(rec);
        else one(item);
        sinceFlush += Array.isArray(item) ? item.length : 1;
        if (sinceFlush >= flushEvery) {
          sinceFlush = 0;
          report.findings += (await flush()).findings;
        }
      }
      report.findings += (await flush()).findings;
      report.detections = detections - detectionsBefore;
      report.endpoints = persisted.size;
      for (const id of persisted) if (!before.has(id)) report.newEndpoints++;
      return report;
    },
    flush,
    endpointCount: () => states.size,
  };
}
