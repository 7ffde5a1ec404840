import { readFileSync } from 'node:fs';
import { stringify as toYaml } from 'yaml';
import {
  SpecGenerateRequest,
  type SpecGenerateFilters,
  type SpecGenerateFormat,
  type SpecGenerateInfo,
  type SpecGenerateResult,
  type SpecReviewList,
} from '../../contracts/spec-generate.js';
import { invalidInput } from '../../errors/domain-errors.js';
import { applicationScope, assertCan } from '../../identity/permissions.js';
import type { ApplicationScope, Store } from '../../store/store.js';
import type { Clock } from '../../util/clock.js';
import type { SpecCaller } from '../registry.js';
import { buildDocument } from './document.js';
import { loadEndpoints, responseEvidence, selectEndpointIds } from './inventory.js';
import { applyReview, normalizeDecisions } from './review.js';
import { pathParamsOf } from './template.js';

/**
 * `bulwark spec generate` and `POST /api/v1/specs/generate` as one service: select endpoints (all the
 * caller may see, or some hosts / one application), apply the review decisions, build the OpenAPI 3.1
 * document, serialise it. Generating reads the inventory and writes nothing; it needs `specs:write`
 * because what it produces is a spec to publish, and workload owners get their own applications' only.
 *
 * @example
 *   const generator = createSpecGenerator({ store, clock: systemClock, version: '0.1.0' });
 *   const r = await generator.generate(caller, { hosts: ['api.shop.example'], format: 'yaml', decisions });
 *   writeFileSync('openapi.yaml', r.text);
 */
export interface SpecGenerator {
  /** Every selected endpoint with its default decision (accept), sorted by host, template, method. */
  review(caller: SpecCaller, filters: SpecGenerateFilters): Promise<SpecReviewList>;
  generate(caller: SpecCaller, request: SpecGenerateRequest): Promise<SpecGenerateResult & { document: Record<string, unknown> }>;
}

export interface SpecGeneratorDeps {
  store: Store;
  clock: Clock;
  /** Bulwark's version, for `x-bulwark.generator`. Default: package.json's. */
  version?: string;
}

/** Bulwark's version from package.json (three levels up from both `src/spec/generate` and `dist/spec/generate`). */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** The document as the file to save. YAML without anchors: a shared schema object is written out each time. */
export function serializeDocument(document: unknown, format: SpecGenerateFormat): string {
  return format === 'json' ? JSON.stringify(document, null, 2) + '\n' : toYaml(document, { aliasDuplicateObjects: false, lineWidth: 0 });
}

export function createSpecGenerator(deps: SpecGeneratorDeps): SpecGenerator {
  const { store, clock } = deps;
  const version = deps.version ?? packageVersion();

  function scopeOf(caller: SpecCaller): ApplicationScope {
    if ('local' in caller) return 'all';
    assertCan(caller.principal, 'specs:write');
    return applicationScope(caller.principal);
  }

  return {
    async review(caller, filters) {
      const scope = scopeOf(caller);
      const endpoints = await loadEndpoints(store, await selectEndpointIds(store, filters, scope));
      const items = endpoints
        .map((e) => ({
          id: e.id,
          host: e.host,
          method: e.method,
          template: e.pathTemplate,
          pathParameters: pathParamsOf(e.pathTemplate),
          calls: e.calls,
          confidence: e.template.confidence,
          origin: e.template.origin,
          lastSeen: e.lastSeen,
          action: 'accept' as const,
        }))
        .sort((a, b) => cmp(a.host, b.host) || cmp(a.template, b.template) || cmp(a.method, b.method));
      return { items, total: items.length };
    },

    async generate(caller, input) {
      const scope = scopeOf(caller);
      const parsed = SpecGenerateRequest.safeParse(input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw invalidInput(`invalid generate request: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
      }
      const request = parsed.data;
      const filters: SpecGenerateFilters = {
        ...(request.hosts?.length ? { hosts: request.hosts } : {}),
        ...(request.application ? { application: request.application } : {}),
      };
      const endpoints = await loadEndpoints(store, await selectEndpointIds(store, filters, scope));
      const outcome = applyReview(endpoints, normalizeDecisions(request.decisions));
      const kept = new Set(outcome.operations.flatMap((op) => op.sources.map((s) => s.endpoint.id)));
      const evidence = await responseEvidence(store, endpoints.filter((e) => kept.has(e.id)));
      const info: SpecGenerateInfo | undefined = request.info;
      const { document, counts } = buildDocument(outcome, evidence, { now: clock.now(), generator: `bulwark ${version}`, info, filters });
      const warnings = [...outcome.warnings];
      if (endpoints.length === 0) warnings.push('no endpoint matches the selection: the document has no paths');
      return { format: request.format, text: serializeDocument(document, request.format), counts, warnings, document };
    },
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
