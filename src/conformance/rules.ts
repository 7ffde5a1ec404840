import type { DriftKind, DriftLocation } from '../contracts/conformance.js';
import type { Severity } from '../contracts/finding.js';
import type { RuleInfo } from '../risk/posture-rules.js';

/**
 * Conformance rules: what the conformance stage's aggregates (`stage.ts`) become as findings. Each rule is
 * a declarative record plus a pure function over one subject (a shadow endpoint, or one operation with its
 * calls, drift items and orphan state), as posture rules are. Docs pages (`docs/rules/<id>.md`) are rendered
 * from these records by `docs.ts` and checked by `rules-meta.test.ts`.
 *
 * A draft's `occurrences` is a running total (calls, analysed calls with the drift); the driver
 * (`evaluateConformance`) reports what is new since the last report, and marks a reported finding resolved
 * when its rule no longer fires (the endpoint became documented, the operation is no longer deprecated or
 * orphan, a new spec version cleared the drift).
 */

export interface ConformanceDraft {
  /** One line, redacted (names fields, never values). */
  summary: string;
  location?: string;
  severity?: Severity;
  /** Running total of what the finding counts. */
  occurrences: number;
}

/** A drift item as rules see it. */
export interface DriftView {
  kind: DriftKind;
  location: DriftLocation;
  field: string;
  keyword: string | null;
  message: string;
  count: number;
  accepted: number;
}

export type ConformanceSubject =
  | {
      kind: 'shadow';
      /** False once the endpoint is documented or its host no longer covered: reported findings resolve. */
      active: boolean;
      method: string;
      pathTemplate: string;
      calls: number;
      /** Names of the specs that cover the endpoint's host. */
      specNames: string[];
    }
  | {
      kind: 'operation';
      /** False once the operation left the spec (new version, spec deleted): reported findings resolve. */
      active: boolean;
      specName: string;
      version: number;
      method: string;
      path: string;
      deprecated: boolean;
      calls: number;
      lastSeen: string | null;
      /** No call within the orphan period before the newest event on the spec's hosts. */
      orphan: boolean;
      orphanAfterDays: number;
      drift: readonly DriftView[];
      /** Drift items not kept because the operation reached its cap (their calls are not counted). */
      driftDropped: number;
    };

/** `id` is `conformance-…`, stable. */
export interface ConformanceRule extends RuleInfo {
  /** Docs: what makes it fire (markdown). */
  trigger: string;
  /** Docs: when it fires without a real problem, and what it misses (markdown). */
  falsePositives: string;
  /** Docs: an example of the finding as the CLI prints it. */
  example: string;
  subject: ConformanceSubject['kind'];
  evaluate(subject: ConformanceSubject): ConformanceDraft[];
}

/** Request-side drift is a finding only for calls the API accepted: a 4xx answer means it validated. */
export const REQUEST_SIDE_DRIFT: ReadonlySet<DriftKind> = new Set(['undocumented-parameter', 'missing-required-parameter', 'parameter-schema', 'request-body-schema']);

/** Fields named in a drift summary before "and N more". */
const FIELDS_NAMED = 5;

const quote = (s: string) => `"${s.length > 80 ? `${s.slice(0, 80)}…` : s}"`;
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

function fieldLabel(d: DriftView): string {
  switch (d.location) {
    case 'status':
      return `status ${d.field}`;
    case 'content-type':
      return `${d.field} ${d.message.replace(/^(request|response) content type /, '').replace(/ is not.*$/, '')}`;
    case 'request body':
    case 'response body':
      return `${d.location} ${d.field === '' ? '(whole body)' : d.field}${d.keyword ? ` (${d.keyword})` : ''}`;
    default:
      return `${d.location} ${quote(d.field)}${d.keyword ? ` (${d.keyword})` : ''}`;
  }
}

/** One finding per operation over its drift items of `kind`, counting `accepted` calls for request-side kinds. */
function driftOf(kind: DriftKind, what: string): ConformanceRule['evaluate'] {
  const counted = REQUEST_SIDE_DRIFT.has(kind) ? (d: DriftView) => d.accepted : (d: DriftView) => d.count;
  return (s) => {
    if (s.kind !== 'operation' || !s.active) return [];
    const items = s.drift.filter((d) => d.kind === kind && counted(d) > 0).sort((a, b) => counted(b) - counted(a) || a.field.localeCompare(b.field));
    if (items.length === 0) return [];
    const occurrences = items.reduce((n, d) => n + counted(d), 0);
    const named = items.slice(0, FIELDS_NAMED).map((d) => `${fieldLabel(d)} ×${counted(d)}`);
    const more = items.length > FIELDS_NAMED ? `, and ${items.length - FIELDS_NAMED} more` : '';
    const accepted = REQUEST_SIDE_DRIFT.has(kind) ? ' accepted by the API' : '';
    return [
      {
        summary: `${s.method} ${s.path} (${s.specName} v${s.version}): ${plural(occurrences, 'analysed call')}${accepted} with ${what}: ${named.join(', ')}${more}`,
        location: items[0]!.location,
        occurrences,
      },
    ];
  };
}

export const CONFORMANCE_RULES: readonly ConformanceRule[] = [
  {
    id: 'conformance-shadow-endpoint',
    title: 'Shadow endpoint: traffic no spec documents',
    severity: 'medium',
    owasp: 'API9:2023',
    cwe: 'CWE-912',
    tags: ['inventory', 'conformance', 'shadow'],
    subject: 'shadow',
    rationale:
      'The host has an API specification, but this endpoint is not in it: it is outside design review, security testing and the gateway policies built from the spec, and the people who own the spec may not know it exists.',
    remediation:
      'Find the owner of the endpoint. If it is meant to be there, document it in the spec (and review its authentication and input validation); if not, remove it or block it at the gateway.',
    trigger:
      'Calls to a host that a registered spec covers (its hosts, from `servers` or set by hand) that match no operation of the latest version of any spec covering that host (server base paths, path templates, methods; HEAD matches GET). One finding per discovered endpoint; its count is the number of calls. Endpoints on hosts no spec covers are not shadow: nothing documents the host at all.',
    falsePositives:
      '- Infrastructure paths served on the API host (`/healthz`, `/metrics`, `/.well-known/…`): document them or exclude them at the sensor.\n- A spec that covers only part of a host that several teams share: give that spec the hosts (or base path) it really describes.\n- A discovered template that merged a documented and an undocumented path: the endpoint page shows which calls matched.',
    example: 'Shadow endpoint: traffic no spec documents  [medium]\nGET api.shop.example /v1/internal/export\n1,204 calls to an endpoint that no operation of Shop API documents\ncount: 1204',
    evaluate(s) {
      if (s.kind !== 'shadow' || !s.active || s.calls <= 0) return [];
      return [{ summary: `${plural(s.calls, 'call')} to ${s.method} ${s.pathTemplate}, which no operation of ${s.specNames.join(', ')} documents`, location: 'spec', occurrences: s.calls }];
    },
  },
  {
    id: 'conformance-zombie-operation',
    title: 'Zombie operation: deprecated but still called',
    severity: 'medium',
    owasp: 'API9:2023',
    cwe: 'CWE-477',
    tags: ['inventory', 'conformance', 'deprecation'],
    subject: 'operation',
    rationale:
      'A deprecated operation is on its way out: it gets less attention, fewer fixes and weaker monitoring, while it keeps serving data. Clients still calling it will break when it is removed, and attackers favour old versions because they tend to lack the newer controls.',
    remediation:
      'Find the clients still calling it (the endpoint page lists consumers and samples), move them to the replacement, announce a sunset date (`Sunset`/`Deprecation` headers), then remove the operation and its route.',
    trigger:
      'Any call matching an operation marked `deprecated: true` in the latest version of its spec. One finding per operation; its count is the number of calls.',
    falsePositives:
      '- A deprecation that is only a documentation note while the operation is meant to stay: remove `deprecated` from the spec.\n- Calls from your own monitoring or contract tests: exclude those clients at the sensor.',
    example: 'Zombie operation: deprecated but still called  [medium]\nGET payments.example /v1/transactions\n8,412 calls to GET /v1/transactions, deprecated in Payments API v2\ncount: 8412',
    evaluate(s) {
      if (s.kind !== 'operation' || !s.active || !s.deprecated || s.calls <= 0) return [];
      return [{ summary: `${plural(s.calls, 'call')} to ${s.method} ${s.path}, deprecated in ${s.specName} v${s.version}`, location: 'operation', occurrences: s.calls }];
    },
  },
  {
    id: 'conformance-orphan-operation',
    title: 'Orphan operation: documented but not called',
    severity: 'low',
    owasp: 'API9:2023',
    cwe: 'CWE-1059',
    tags: ['inventory', 'conformance', 'orphan'],
    subject: 'operation',
    rationale:
      'An operation nobody calls is either dead (code and attack surface kept alive for nothing) or called where Bulwark does not see it (an unmonitored path or a host the sensor misses). Either way the inventory and the spec disagree.',
    remediation:
      'Check whether the operation is still deployed. Remove it (and its route) if it is dead; otherwise find why its traffic is not observed (another host, a sensor gap) and fix the spec or the sensor.',
    trigger:
      'An operation of the latest spec version with no call in the `conformance.orphanAfterDays` days (default 30) before the newest event seen on the spec\'s hosts. The period is measured against traffic time, not the wall clock, so replayed or delayed logs are judged by their own time; a spec whose hosts have had no traffic at all has no orphans. Operations never called count once any traffic is seen on the hosts. The finding resolves when the operation is called again.',
    falsePositives:
      '- Rarely used operations (yearly reports, disaster recovery): raise `conformance.orphanAfterDays`, or resolve the finding.\n- Traffic observed for less than the period: an operation is reported as "never called" from the first ingest on; `observed.firstEvent` in the conformance report shows how long the hosts have been watched.\n- Operations called on hosts the spec is not linked to: set the spec\'s hosts.',
    example: 'Orphan operation: documented but not called  [low]\nDELETE api.shop.example /v1/cart\nDELETE /v1/cart (Shop API v3) was never called in the observed traffic\ncount: 1',
    evaluate(s) {
      if (s.kind !== 'operation' || !s.active || !s.orphan) return [];
      const when = s.lastSeen === null ? 'was never called in the observed traffic' : `has not been called since ${s.lastSeen} (over ${s.orphanAfterDays} days before the newest traffic)`;
      return [{ summary: `${s.method} ${s.path} (${s.specName} v${s.version}) ${when}`, location: 'operation', occurrences: 1 }];
    },
  },
  {
    id: 'conformance-drift-undocumented-parameter',
    title: 'Drift: undocumented parameters accepted',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-20',
    tags: ['conformance', 'drift', 'input-validation'],
    subject: 'operation',
    rationale:
      'Parameters the spec does not describe reach the API and it answers without complaint: they bypass the validation and gateway rules derived from the spec, and often are debug switches, legacy options or mass-assignment paths.',
    remediation:
      'Document the parameter (with a schema) if it is part of the API, or make the API reject unknown parameters (400) and remove the code that reads them.',
    trigger:
      'An analysed call to a documented operation carries a query parameter, header or cookie the operation does not document (nor its security schemes), and the API accepted it (no response, or a status below 400). Standard protocol, proxy and browser headers are ignored, and cookies only count for operations that document cookies. One finding per operation, naming the parameters; counts are analysed calls.',
    falsePositives:
      '- Headers added by your own infrastructure that are not in the built-in list: document them or strip them at the sensor.\n- Cache-busting or tracking query parameters (`_`, `utm_*`) that the API ignores.',
    example: 'Drift: undocumented parameters accepted  [low]\nGET api.shop.example /v1/products\nGET /v1/products (Shop API v3): 37 analysed calls accepted by the API with undocumented parameters: query "debug" ×31, header "x-internal-user" ×6\ncount: 37',
    evaluate: driftOf('undocumented-parameter', 'undocumented parameters'),
  },
  {
    id: 'conformance-drift-missing-parameter',
    title: 'Drift: required parameters missing but accepted',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-20',
    tags: ['conformance', 'drift', 'input-validation'],
    subject: 'operation',
    rationale:
      'The spec says a parameter is required, yet calls without it succeed: either the spec is wrong, or the API does not validate its input as designed (and may fall back to a default the designers did not intend).',
    remediation: 'Make the API reject calls without the parameter (400), or mark the parameter optional in the spec with its default.',
    trigger:
      'An analysed call to a documented operation lacks a parameter the operation marks `required`, and the API accepted it (no response, or a status below 400).',
    falsePositives: '- Parameters supplied by a proxy after the sensor saw the request.\n- A spec that marks a parameter required which has a server-side default.',
    example: 'Drift: required parameters missing but accepted  [low]\nGET api.shop.example /v1/orders\nGET /v1/orders (Shop API v3): 12 analysed calls accepted by the API with required parameters missing: query "customerId" ×12\ncount: 12',
    evaluate: driftOf('missing-required-parameter', 'required parameters missing'),
  },
  {
    id: 'conformance-drift-parameter-schema',
    title: 'Drift: parameter values outside their schema accepted',
    severity: 'medium',
    owasp: 'API8:2023',
    cwe: 'CWE-20',
    tags: ['conformance', 'drift', 'input-validation'],
    subject: 'operation',
    rationale:
      'A parameter value that breaks its documented schema (type, format, enum, bounds, pattern) was accepted: the validation the spec promises is not enforced, which is where injection, overflow and resource-exhaustion bugs live (an unbounded `limit`, a non-numeric id).',
    remediation: 'Validate parameters against the spec at the edge (gateway or framework validator) and answer 400; fix the schema if the values are legitimate.',
    trigger:
      'An analysed call\'s path, query, header or cookie parameter fails its schema (after the style/explode rules turn the string into the schema\'s type), and the API accepted the call (no response, or a status below 400). Values that are, or contain, redaction placeholders are not judged. One finding per operation, naming the parameters and the keyword that failed.',
    falsePositives: '- Parameter serialisations the checker does not model (`content`-encoded parameters, `allowReserved`).\n- A schema stricter than the API on purpose (the API normalises the value).',
    example: 'Drift: parameter values outside their schema accepted  [medium]\nGET api.shop.example /v1/products\nGET /v1/products (Shop API v3): 9 analysed calls accepted by the API with parameter values outside their schema: query "limit" (maximum) ×9\ncount: 9',
    evaluate: driftOf('parameter-schema', 'parameter values outside their schema'),
  },
  {
    id: 'conformance-drift-request-body-schema',
    title: 'Drift: request bodies outside their schema accepted',
    severity: 'medium',
    owasp: 'API8:2023',
    cwe: 'CWE-20',
    tags: ['conformance', 'drift', 'input-validation', 'mass-assignment'],
    subject: 'operation',
    rationale:
      'A request body that breaks its schema (missing or extra properties, wrong types, out-of-range values) was accepted. Extra properties accepted without validation are the classic mass-assignment path (`"role": "admin"`); wrong types reach code that does not expect them.',
    remediation: 'Validate request bodies against the schema (with `additionalProperties: false` where properties are closed) and answer 400; bind only documented properties to your models.',
    trigger:
      'An analysed call\'s JSON request body fails its schema (first violation per body, by JSON pointer with array indexes as `*`), or a required body is missing, and the API accepted the call. Bodies that were truncated at the size limit are not judged; values that are, or contain, redaction placeholders are not judged.',
    falsePositives: '- Schemas stricter than the API on purpose.\n- `oneOf`/`discriminator` schemas that need the discriminator to pick a branch: the first failing branch is reported.',
    example: 'Drift: request bodies outside their schema accepted  [medium]\nPOST api.shop.example /v1/cart/items\nPOST /v1/cart/items (Shop API v3): 4 analysed calls accepted by the API with request bodies outside their schema: request body /giftWrap (additionalProperties) ×4\ncount: 4',
    evaluate: driftOf('request-body-schema', 'request bodies outside their schema'),
  },
  {
    id: 'conformance-drift-undocumented-status',
    title: 'Drift: undocumented response status codes',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-755',
    tags: ['conformance', 'drift', 'error-handling'],
    subject: 'operation',
    rationale:
      'Status codes the spec does not list (often 500s or framework defaults) show error paths nobody designed: unhandled exceptions, proxies answering for the API, or behaviour the clients cannot know about.',
    remediation: 'Handle the error in the API and answer a documented status, or document the status (with its error schema) if it is intended.',
    trigger: 'An analysed response of a documented operation has a status with no exact, range (`5XX`) or `default` response in the operation.',
    falsePositives: '- Statuses from a gateway in front of the API (429, 502, 504) when the spec does not document them on purpose: add a `default` response.',
    example: 'Drift: undocumented response status codes  [low]\nPOST api.shop.example /v1/checkout\nPOST /v1/checkout (Shop API v3): 22 analysed calls with undocumented status codes: status 500 ×19, status 409 ×3\ncount: 22',
    evaluate: driftOf('undocumented-status', 'undocumented status codes'),
  },
  {
    id: 'conformance-drift-undocumented-content-type',
    title: 'Drift: undocumented content types',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-436',
    tags: ['conformance', 'drift', 'content-type'],
    subject: 'operation',
    rationale:
      'A body in a media type the spec does not list is parsed by code paths outside the design (XML parsers, form decoders) or served to clients that will misread it: a source of parser-confusion bugs and of responses that bypass the documented schema.',
    remediation: 'Reject request media types the operation does not document (415), answer only documented response media types, or document the media type with its schema.',
    trigger:
      'An analysed request body, or response body, whose media type (`Content-Type` essence) matches no media type of the operation\'s request body or of the matched response (exact, `type/*` or `*/*`); or a body where the operation documents none.',
    falsePositives: '- Error pages served as `text/html` by a proxy in front of the API.',
    example: 'Drift: undocumented content types  [low]\nPOST api.shop.example /v1/orders\nPOST /v1/orders (Shop API v3): 3 analysed calls with undocumented content types: request application/xml ×3\ncount: 3',
    evaluate: driftOf('undocumented-content-type', 'undocumented content types'),
  },
  {
    id: 'conformance-drift-response-body-schema',
    title: 'Drift: response bodies outside their schema',
    severity: 'medium',
    owasp: 'API3:2023',
    cwe: 'CWE-213',
    tags: ['conformance', 'drift', 'data-exposure'],
    subject: 'operation',
    rationale:
      'A response that carries properties its schema does not allow, or values of other types, exposes data the API designers did not sign off: the typical way internal fields (`passwordHash`, `isAdmin`, other users\' data) leak to clients (excessive data exposure).',
    remediation: 'Serialise responses through an explicit view model of the documented properties; if the properties are meant to be public, document them (and review who may see them).',
    trigger:
      'An analysed JSON response body of a documented operation fails the matched response\'s schema (first violation per body, by JSON pointer with array indexes as `*`). Values that are, or contain, redaction placeholders are not judged; truncated bodies are not judged.',
    falsePositives: '- Schemas that omit `additionalProperties: false` do not report extra properties at all (a miss, not a false positive).\n- Additive changes deployed before the spec was updated: upload the new version.',
    example: 'Drift: response bodies outside their schema  [medium]\nGET api.shop.example /v1/users/me\nGET /v1/users/me (Shop API v3): 120 analysed calls with response bodies outside their schema: response body /passwordHash (additionalProperties) ×120\ncount: 120',
    evaluate: driftOf('response-body-schema', 'response bodies outside their schema'),
  },
];

/** The drift rule of each drift kind. */
export const DRIFT_RULE_IDS: Readonly<Record<DriftKind, string>> = Object.freeze({
  'undocumented-parameter': 'conformance-drift-undocumented-parameter',
  'missing-required-parameter': 'conformance-drift-missing-parameter',
  'parameter-schema': 'conformance-drift-parameter-schema',
  'request-body-schema': 'conformance-drift-request-body-schema',
  'undocumented-status': 'conformance-drift-undocumented-status',
  'undocumented-content-type': 'conformance-drift-undocumented-content-type',
  'response-body-schema': 'conformance-drift-response-body-schema',
});
