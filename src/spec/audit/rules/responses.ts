import type { SpecModel, SpecOperation, SpecResponse } from '../../model.js';
import { factsOf } from '../facts.js';
import { compact, hasHeader, hasStatus, opLabel, statusClass, type AuditRule } from './kit.js';

/**
 * Responses: the errors every operation should document (401, 403, 400, 429, 500), rate-limit and CORS
 * headers, and response bodies that are defined at all.
 */

const requiresCredentials = (op: SpecOperation) => op.security.some((r) => Object.keys(r).length > 0);
const takesInput = (op: SpecOperation) => op.parameters.length > 0 || (op.requestBody?.content.length ?? 0) > 0;
const responsesPointer = (op: SpecOperation) => `${op.pointer}/responses`;

/** `*` / `*` or `application/*`: any content type. */
const isWildcardMediaType = (ct: string) => ct === '*/*' || ct.endsWith('/*');

const RATE_LIMIT_HEADERS = ['ratelimit', 'ratelimit-policy', 'ratelimit-limit', 'x-ratelimit-limit', 'x-rate-limit-limit'];

/** Distinct responses with their status, for rules about the response object itself. */
const distinctResponses = (model: SpecModel) => factsOf(model).responses;

/** A media type has a body schema worth the name: present and not `{}`. */
const hasSchema = (r: SpecResponse) => r.content.some((m) => m.schema !== null && Object.keys(m.schema.raw).length > 0);

const headerOf = (r: SpecResponse, name: string) => r.headers.find((h) => h.name.toLowerCase() === name);

/** Values a header is documented to take: `enum`, `const`, `default`, `example` of its schema, and its own `example`. */
function documentedValues(model: SpecModel, h: SpecResponse['headers'][number]): unknown[] {
  const out: unknown[] = [];
  const raw = h.schema?.raw ?? {};
  if (Array.isArray(raw.enum)) out.push(...raw.enum);
  for (const v of [raw.const, raw.default, raw.example, factsOf(model).at(`${h.pointer}/example`)]) if (v !== undefined) out.push(v);
  return out;
}

/** Why an `Access-Control-Allow-Origin` header allows any origin: `*`, `null`, or an unconstrained string. */
function anyOriginReason(model: SpecModel, h: SpecResponse['headers'][number], unconstrainedCounts: boolean): string | null {
  const values = documentedValues(model, h).map((v) => String(v).trim());
  if (values.includes('*')) return 'the wildcard *';
  if (values.includes('null')) return 'the origin null';
  if (!unconstrainedCounts) return null;
  const raw = h.schema?.raw ?? {};
  if (!Array.isArray(raw.enum) && raw.const === undefined && raw.pattern === undefined) return 'any origin (no enum, const or pattern)';
  return null;
}

const PAGINATION_PARAMS = new Set(['limit', 'perpage', 'pagesize', 'size', 'count', 'maxresults', 'top', 'first', 'last', 'page', 'pagenumber', 'offset', 'skip', 'cursor', 'after', 'before', 'since', 'pagetoken', 'nexttoken', 'continuationtoken', 'startingafter', 'endingbefore', 'marker', 'from', 'take', 'max', 'maxitems', 'pagination']);
const ENVELOPE_PROPERTIES = new Set(['data', 'items', 'results', 'records', 'entries', 'values', 'list', 'elements', 'content']);

/** The 2xx JSON body of a GET is a list: an array, or an object wrapping one (`{ data: [...] }`). */
function returnsCollection(op: SpecOperation): boolean {
  const ok = op.responses.find((r) => r.status === '200') ?? op.responses.find((r) => statusClass(r.status) === '2');
  for (const m of ok?.content ?? []) {
    const s = m.schema;
    if (!s) continue;
    if (s.types.includes('array')) return true;
    for (const c of s.children) {
      if (c.via.startsWith('properties/') && ENVELOPE_PROPERTIES.has(compact(c.via.slice('properties/'.length))) && c.schema.types.includes('array')) return true;
    }
  }
  return false;
}

export const RESPONSE_RULES: readonly AuditRule[] = [
  {
    id: 'spec-response-401-missing',
    title: 'Operation without 401 response',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-755',
    category: 'security',
    tags: ['responses', 'errors', 'authentication'],
    spectral: ['owasp:api8:2023-define-error-responses-401'],
    detects: 'An operation that documents neither `401` nor `4XX` and either requires credentials or says nothing about security (no `security` at any level, so authentication is undocumented rather than absent). Operations declared public with an explicit `security: []` or `[{}]` are not flagged. The finding points at its `responses`.',
    rationale: 'A defined 401 response is the contract for rejected credentials: without it, implementations return whatever the framework produces (often a stack trace or an HTML page) and contract tests cannot check that authentication failures are handled.',
    remediation: 'Document a `401` response with an error schema (and a `WWW-Authenticate` header) on every authenticated operation, e.g. through a shared `components/responses/Unauthorized`.',
    *check(model) {
      for (const op of model.operations) {
        // Undocumented security counts as "probably authenticated"; only an explicit `security: []` (or `{}`) says public.
        const mayNeedCredentials = requiresCredentials(op) || op.securitySource === 'none';
        if (mayNeedCredentials && !hasStatus(op, '401')) yield { pointer: responsesPointer(op), message: `${opLabel(op)} documents no 401 response` };
      }
    },
  },
  {
    id: 'spec-response-403-missing',
    title: 'Authenticated operation without 403 response',
    severity: 'low',
    owasp: 'API5:2023',
    cwe: 'CWE-285',
    category: 'security',
    tags: ['responses', 'errors', 'authorization'],
    detects: 'An operation that requires credentials and documents neither `403` nor `4XX`.',
    rationale: 'Authenticated is not authorized: without a documented 403, there is no sign the operation checks what the caller may do, and tests cannot assert that a valid but unauthorised caller is refused.',
    remediation: 'Document a `403` response with an error schema on every operation that checks permissions, and test it with a caller who lacks them.',
    *check(model) {
      for (const op of model.operations) if (requiresCredentials(op) && !hasStatus(op, '403')) yield { pointer: responsesPointer(op), message: `${opLabel(op)} requires credentials but documents no 403 response` };
    },
  },
  {
    id: 'spec-response-400-missing',
    title: 'Operation without validation error response',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-20',
    category: 'data-validation',
    tags: ['responses', 'errors', 'validation'],
    spectral: ['owasp:api8:2023-define-error-validation'],
    detects: 'An operation that takes input (parameters or a request body) and documents none of `400`, `422` or `4XX`.',
    rationale: 'Without a documented validation error, there is no contract saying invalid input is rejected, and implementations tend to leak parser or database errors instead.',
    remediation: 'Validate input and document a `400` (or `422`) response with an error schema.',
    *check(model) {
      for (const op of model.operations) {
        if (takesInput(op) && !op.responses.some((r) => r.status === '400' || r.status === '422' || r.status.toUpperCase() === '4XX')) yield { pointer: responsesPointer(op), message: `${opLabel(op)} takes input but documents no 400, 422 or 4XX response` };
      }
    },
  },
  {
    id: 'spec-response-429-missing',
    title: 'Operation without 429 response',
    severity: 'medium',
    owasp: 'API4:2023',
    cwe: 'CWE-770',
    category: 'security',
    tags: ['responses', 'rate-limiting'],
    spectral: ['owasp:api4:2023-rate-limit-responses-429'],
    detects: 'An operation that documents neither `429` nor `4XX`.',
    rationale: 'A 429 response is the visible part of rate limiting; without it there is no sign the operation is throttled, and clients are not told how to back off, so they retry harder.',
    remediation: 'Rate-limit the operation (at the gateway or in the service) and document a `429` response with `Retry-After`.',
    *check(model) {
      for (const op of model.operations) if (!hasStatus(op, '429')) yield { pointer: responsesPointer(op), message: `${opLabel(op)} documents no 429 response` };
    },
  },
  {
    id: 'spec-response-429-no-retry-after',
    title: '429 response without Retry-After',
    severity: 'low',
    owasp: 'API4:2023',
    cwe: 'CWE-770',
    category: 'security',
    tags: ['responses', 'rate-limiting', 'headers'],
    spectral: ['owasp:api4:2023-rate-limit-retry-after'],
    detects: 'A `429` response that does not declare a `Retry-After` header.',
    rationale: 'Without `Retry-After`, throttled clients guess when to retry; well-behaved ones poll and make the overload worse.',
    remediation: 'Declare and send `Retry-After` (seconds or an HTTP date) on every 429 response.',
    *check(model) {
      const facts = factsOf(model);
      for (const { response } of distinctResponses(model)) {
        if (response.status === '429' && !hasHeader(response, 'retry-after')) yield { pointer: facts.field(response.pointer, 'headers'), message: '429 response does not declare a Retry-After header' };
      }
    },
  },
  {
    id: 'spec-response-rate-limit-headers-missing',
    title: 'Response without rate-limit headers',
    severity: 'low',
    owasp: 'API4:2023',
    cwe: 'CWE-770',
    category: 'security',
    tags: ['responses', 'rate-limiting', 'headers'],
    spectral: ['owasp:api4:2023-rate-limit'],
    detects: 'A `2XX` or `4XX` response that declares none of the rate-limit headers `RateLimit`, `RateLimit-Policy`, `RateLimit-Limit`, `X-RateLimit-Limit`, `X-Rate-Limit-Limit` (any case).',
    rationale: 'Rate-limit headers are how a rate-limited API tells clients their budget; when none are documented there is no sign the API is limited, and clients cannot pace themselves.',
    remediation: 'Send and document rate-limit headers (the IETF `RateLimit`/`RateLimit-Policy` fields, or `X-RateLimit-Limit`/`-Remaining`/`-Reset`) on success and client-error responses, e.g. through shared header components.',
    *check(model) {
      const facts = factsOf(model);
      for (const { response } of distinctResponses(model)) {
        const c = statusClass(response.status);
        if (c !== '2' && c !== '4') continue;
        if (!RATE_LIMIT_HEADERS.some((h) => hasHeader(response, h))) yield { pointer: facts.field(response.pointer, 'headers'), message: `${response.status} response declares no rate-limit headers` };
      }
    },
  },
  {
    id: 'spec-response-500-missing',
    title: 'Operation without server error response',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-755',
    category: 'data-validation',
    tags: ['responses', 'errors'],
    spectral: ['owasp:api8:2023-define-error-responses-500'],
    detects: 'An operation that documents none of `500`, `5XX` or `default`.',
    rationale: 'Without a documented server-error response, failures return whatever the framework produces, often with stack traces, queries or internal host names, and contract tests cannot check that they do not.',
    remediation: 'Document a `500` (or `5XX`/`default`) response with a generic error schema and make the service return only that.',
    *check(model) {
      for (const op of model.operations) {
        if (!op.responses.some((r) => r.status === '500' || r.status.toUpperCase() === '5XX' || r.status === 'default')) yield { pointer: responsesPointer(op), message: `${opLabel(op)} documents no 500, 5XX or default response` };
      }
    },
  },
  {
    id: 'spec-response-5xx-default-only',
    title: 'Server errors documented only by the default response',
    severity: 'info',
    owasp: 'API8:2023',
    cwe: 'CWE-755',
    category: 'data-validation',
    tags: ['responses', 'errors'],
    spectral: ['owasp:api8:2023-define-error-responses-500'],
    detects: 'An operation whose only server-error documentation is `default`: no `500` and no `5XX` response.',
    rationale:
      '`default` stands for every status the operation does not list, client errors included. A server failure is then indistinguishable, in the contract, from any other undocumented answer: contract tests cannot check that a 500 carries only the generic error body, and gateways cannot map it. It is much better than nothing (`spec-response-500-missing` does not flag it), hence informational.',
    remediation: 'Add an explicit `500` (or `5XX`) response that references the same generic error schema as `default`.',
    *check(model) {
      for (const op of model.operations) {
        if (op.responses.some((r) => r.status === '500' || r.status.toUpperCase() === '5XX')) continue;
        if (op.responses.some((r) => r.status === 'default')) yield { pointer: responsesPointer(op), message: `${opLabel(op)} documents server errors only through its default response` };
      }
    },
  },
  {
    id: 'spec-response-error-no-schema',
    title: 'Error response without a body schema',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-209',
    category: 'data-validation',
    tags: ['responses', 'errors'],
    spectral: ['owasp:api8:2023-define-error-responses-401', 'owasp:api8:2023-define-error-responses-500', 'owasp:api4:2023-rate-limit-responses-429'],
    detects: 'A `4XX`/`5XX` (or `default`) response, of an operation other than `head`, without content or whose content has no schema (or `{}`).',
    rationale: 'An error response without a schema is an error response whose body nobody checks: it is where stack traces, SQL errors and internal identifiers leak out.',
    remediation: 'Give every error response a schema (e.g. RFC 9457 `application/problem+json`) with only the fields a client needs, shared through `components/responses`.',
    *check(model) {
      for (const { response, ops } of distinctResponses(model)) {
        const c = statusClass(response.status);
        if (c !== '4' && c !== '5' && response.status !== 'default') continue;
        if (ops.every((op) => op.method === 'head')) continue;
        if (!hasSchema(response)) yield { pointer: response.pointer, message: `${response.status} response has no body schema` };
      }
    },
  },
  {
    id: 'spec-response-success-no-schema',
    title: 'Success response without a body schema',
    severity: 'low',
    owasp: 'API3:2023',
    cwe: 'CWE-213',
    category: 'data-validation',
    tags: ['responses', 'data-exposure'],
    detects: 'A `200`, `203` or `206` response, of an operation other than `head`, without content or whose schemas are all missing or `{}`.',
    rationale: 'When the response body is not described, anything the backend returns is "as designed": whole database records with internal and sensitive fields go out unnoticed, and nothing can check them.',
    remediation: 'Describe the response body with a schema listing exactly the properties clients need.',
    *check(model) {
      for (const { response, ops } of distinctResponses(model)) {
        if (!['200', '203', '206'].includes(response.status) || ops.every((op) => op.method === 'head')) continue;
        if (!hasSchema(response)) yield { pointer: response.pointer, message: `${response.status} response has no body schema` };
      }
    },
  },
  {
    id: 'spec-response-no-success',
    title: 'Operation without a success response',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-1059',
    category: 'data-validation',
    tags: ['responses', 'documentation'],
    detects: 'An operation with no `1XX`, `2XX` or `3XX` response (only errors, or only `default`).',
    rationale: 'The successful outcome is undefined: clients, tests and monitors cannot tell a correct answer from an error, and whatever the operation returns goes unchecked.',
    remediation: 'Document the success response (`200`, `201`, `204`…) with its schema.',
    *check(model) {
      for (const op of model.operations) {
        if (!op.responses.some((r) => ['1', '2', '3'].includes(statusClass(r.status)))) yield { pointer: responsesPointer(op), message: `${opLabel(op)} documents no success response` };
      }
    },
  },
  {
    id: 'spec-content-wildcard-media-type',
    title: 'Wildcard media type',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-436',
    category: 'data-validation',
    tags: ['content-type', 'validation'],
    detects: 'A request body or response media type `*/*` or `type/*` (e.g. `application/*`).',
    rationale: 'A request that accepts any content type is parsed by whatever parser the framework picks (XML, form, YAML…), widening the attack surface and bypassing validation written for JSON; a response of any type invites content sniffing by clients.',
    remediation: 'List the exact media types the operation accepts and returns (`application/json`) and reject others with 415.',
    *check(model) {
      for (const op of model.operations) {
        for (const m of op.requestBody?.content ?? []) if (isWildcardMediaType(m.contentType)) yield { pointer: m.pointer, message: `request body accepts any media type (${m.contentType})` };
      }
      for (const { response } of distinctResponses(model)) {
        for (const m of response.content) if (isWildcardMediaType(m.contentType)) yield { pointer: m.pointer, message: `${response.status} response declares the media type ${m.contentType}` };
      }
    },
  },
  {
    id: 'spec-response-collection-unpaginated',
    title: 'Collection returned without pagination',
    severity: 'medium',
    owasp: 'API4:2023',
    cwe: 'CWE-770',
    category: 'security',
    tags: ['pagination', 'resource-consumption'],
    detects: 'A `get` operation whose success body is an array (or an object wrapping one in `data`, `items`, `results`, `records`…) and that takes none of the usual pagination query parameters (`limit`, `per_page`, `page_size`, `page`, `offset`, `cursor`, `after`, `since`, `page_token`…).',
    rationale: 'A list without pagination returns every record at once: as data grows, each call costs more memory, database time and bandwidth, and one client can exhaust the service or scrape everything in a single request.',
    remediation: 'Paginate the collection (`limit` with a `maximum`, and a cursor or page), and cap the page size on the server.',
    *check(model) {
      for (const op of model.operations) {
        if (op.method !== 'get' || !returnsCollection(op)) continue;
        if (op.parameters.some((p) => p.in === 'query' && PAGINATION_PARAMS.has(compact(p.name)))) continue;
        yield { pointer: op.pointer, message: `${opLabel(op)} returns a collection without pagination parameters` };
      }
    },
  },
  {
    id: 'spec-cors-origin-undefined',
    title: 'Response headers without Access-Control-Allow-Origin',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-1059',
    category: 'security',
    tags: ['cors', 'headers'],
    spectral: ['owasp:api8:2023-define-cors-origin'],
    detects: 'A response that declares `headers` but not `Access-Control-Allow-Origin` (any case). The finding points at its `headers`.',
    rationale: 'The CORS policy decides which web origins may call the API from a browser and read the answers; left undocumented it is left to framework defaults, which range from "nobody" to "everybody, with credentials".',
    remediation: 'Decide the CORS policy and document `Access-Control-Allow-Origin` on responses: an explicit origin list for browser clients (or none for server-to-server APIs).',
    *check(model) {
      const facts = factsOf(model);
      for (const { response } of distinctResponses(model)) {
        if (response.headers.length > 0 && !hasHeader(response, 'access-control-allow-origin')) yield { pointer: facts.field(response.pointer, 'headers'), message: `${response.status} response headers do not define Access-Control-Allow-Origin` };
      }
    },
  },
  {
    id: 'spec-cors-wildcard-origin',
    title: 'CORS allows any origin',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-942',
    category: 'security',
    tags: ['cors', 'headers'],
    detects: 'An `Access-Control-Allow-Origin` response header whose schema (`enum`, `const`, `default`, `example`) or example is `*` or `null`.',
    rationale: 'Any web page can call the API from a visitor\'s browser and read the answers. For public data that is fine; for anything tied to the visitor (network position, IP allow-lists, cookies) it is a leak. `null` is worse: sandboxed iframes of any site send it.',
    remediation: 'Allow only the origins of your own web clients; never allow `null`. Keep `*` only for public, unauthenticated data.',
    falsePositives: 'Public, unauthenticated APIs meant to be called from any web page.',
    *check(model) {
      for (const { response } of distinctResponses(model)) {
        const h = headerOf(response, 'access-control-allow-origin');
        const reason = h ? anyOriginReason(model, h, false) : null;
        if (h && reason) yield { pointer: h.pointer, message: `Access-Control-Allow-Origin of the ${response.status} response allows ${reason}` };
      }
    },
  },
  {
    id: 'spec-cors-credentials-any-origin',
    title: 'CORS allows credentials from any origin',
    severity: 'high',
    owasp: 'API8:2023',
    cwe: 'CWE-942',
    category: 'security',
    tags: ['cors', 'headers', 'credentials'],
    detects: 'A response that declares `Access-Control-Allow-Credentials` together with an `Access-Control-Allow-Origin` that is `*`, `null`, or a string with no `enum`, `const` or `pattern` (which in practice means the request origin is reflected).',
    rationale: 'With credentials allowed, any page the user visits can make authenticated calls with the user\'s cookies and read the answers: account data, tokens, anything the API returns.',
    remediation: 'Allow credentials only for an explicit list of trusted origins, documented as the `enum` of `Access-Control-Allow-Origin`; never reflect the `Origin` header.',
    *check(model) {
      for (const { response } of distinctResponses(model)) {
        const creds = headerOf(response, 'access-control-allow-credentials');
        const origin = headerOf(response, 'access-control-allow-origin');
        if (!creds || !origin) continue;
        if (documentedValues(model, creds).some((v) => String(v) === 'false')) continue;
        const reason = anyOriginReason(model, origin, true);
        if (reason) yield { pointer: creds.pointer, message: `${response.status} response allows credentials with ${reason}` };
      }
    },
  },
];
