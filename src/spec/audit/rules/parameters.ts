import type { SchemaNode, SpecModel, SpecOperation, SpecParameter } from '../../model.js';
import { factsOf } from '../facts.js';
import { RULE_PATTERNS } from './patterns.js';
import { isEnumerated, isType, num, opLabel, type AuditRule } from './kit.js';
import { isCredentialName, isFieldSelectionName, isFilePathName, isIdName, isJsonpName, isPageSizeName, isPersonalDataName, isRedirectName, isSortName, isUrlName } from './names.js';

/**
 * Parameters: what travels in the URL, identifiers that can be guessed, and inputs whose name says they
 * reach a file system, an HTTP client, a redirect or a query.
 */

const params = (model: SpecModel) => factsOf(model).parameters;
const inUrl = (p: SpecParameter) => p.in === 'query' || p.in === 'path';
const nameField = (p: SpecParameter) => `${p.pointer}/name`;

/** Restricted: an enum/const, a pattern or a format; for an array, its items. */
function isRestricted(s: SchemaNode | null): boolean {
  if (!s) return false;
  if (isEnumerated(s) || s.raw.pattern !== undefined || (s.format !== null && s.format !== 'uri')) return true;
  const items = s.children.find((c) => c.via === 'items')?.schema;
  return items ? isRestricted(items) : false;
}

/** Digits only: `^\d+$`, `^[0-9]+$`, `^[0-9]{1,10}$`. */
function isDigitsPattern(p: unknown): boolean {
  if (typeof p !== 'string') return false;
  const body = p.startsWith('^') ? p.slice(1) : p;
  return ['\\d+$', '[0-9]+$', '\\d*$', '[0-9]*$'].includes(body) || RULE_PATTERNS.countedDigits.test(body);
}

/** A boolean or number parameter cannot carry a secret (`hide_secret=true`). */
const canCarryText = (p: SpecParameter) => !p.schema || p.schema.types.length === 0 || p.schema.types.some((t) => t === 'string' || t === 'array' || t === 'object');

const isGetQuery = (p: SpecParameter, ops: SpecOperation[]) => p.in === 'query' && ops.some((op) => op.method === 'get');
const isJsonp = (p: SpecParameter, ops: SpecOperation[]) => isJsonpName(p.name) && isGetQuery(p, ops) && p.schema?.format !== 'uri';

/** Template variables of a path: `/files/{dir}/{name}.{ext}` -> dir, name, ext. */
function templateVariables(path: string): string[] {
  const out: string[] = [];
  let i = path.indexOf('{');
  while (i >= 0) {
    const close = path.indexOf('}', i);
    if (close < 0) break;
    out.push(path.slice(i + 1, close));
    i = path.indexOf('{', close);
  }
  return out;
}

export const PARAMETER_RULES: readonly AuditRule[] = [
  {
    id: 'spec-param-credentials-in-url',
    title: 'Credential in a URL parameter',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 'CWE-598',
    category: 'security',
    tags: ['credentials', 'parameter'],
    spectral: ['owasp:api2:2023-no-credentials-in-url'],
    detects: 'A `query` or `path` parameter whose name contains `secret`, `token`, `password`, `passwd`, `apikey`/`api_key`/`api-key`, `access_key`, `private_key`, `session_id` or `credential` (any case or separator). Names of pagination cursors (`page_token`, `next_token`), token counters (`max_tokens`), names that identify rather than carry a secret (`secret_name`, `token_id`, `password_policy`) and boolean or numeric parameters (`hide_secret=true`) are not flagged. The finding points at the `name`.',
    rationale: 'URLs are recorded in server, proxy and CDN logs, browser history and `Referer` headers: a credential in the URL leaks to everyone who can read any of them, and stays valid until rotated.',
    remediation: 'Move the credential to a header (`Authorization`) or the request body of a POST; reject it in the URL; rotate credentials that were sent this way.',
    *check(model) {
      for (const { param } of params(model)) if (inUrl(param) && canCarryText(param) && isCredentialName(param.name)) yield { pointer: nameField(param), message: `${param.in} parameter "${param.name}" carries a credential in the URL` };
    },
  },
  {
    id: 'spec-param-personal-data-in-url',
    title: 'Personal data in a URL parameter',
    severity: 'medium',
    owasp: 'API3:2023',
    cwe: 'CWE-598',
    category: 'security',
    tags: ['privacy', 'parameter'],
    detects: 'A `query` or `path` parameter named like personal data: `email`, `phone`, `mobile`, `ssn`, `dob`/`date_of_birth`, `passport`, `iban`, `card_number`, `cvv`, `tax_id`, `national_id`, `first_name`/`last_name`/`full_name`, a street or billing address.',
    rationale: 'Values in URLs are logged by every server, proxy and analytics tool on the way and kept in browser history; personal data there ends up in systems that were never meant to store it, against data-protection rules.',
    remediation: 'Send personal data in the body of a POST (e.g. `POST /users/search`) or refer to the person by an opaque identifier.',
    *check(model) {
      for (const { param } of params(model)) if (inUrl(param) && canCarryText(param) && isPersonalDataName(param.name)) yield { pointer: nameField(param), message: `${param.in} parameter "${param.name}" puts personal data in the URL` };
    },
  },
  {
    id: 'spec-param-numeric-id',
    title: 'Guessable numeric identifier',
    severity: 'medium',
    owasp: 'API1:2023',
    cwe: 'CWE-639',
    category: 'security',
    tags: ['bola', 'identifiers', 'parameter'],
    spectral: ['owasp:api1:2023-no-numeric-ids'],
    detects: 'A `path` or `query` parameter named `id` or ending in `_id`, `-id`, `Id` or `ID` whose schema is an `integer` or `number`, or a string whose `pattern` allows digits only. The finding points at the parameter\'s schema.',
    rationale: 'Sequential numbers are trivially enumerated: an attacker changes `/orders/1001` to `/orders/1002` and reads someone else\'s order wherever an authorization check is missing (BOLA, the first risk of the OWASP API Top 10).',
    remediation: 'Check object-level authorization on every access; additionally expose random, non-enumerable identifiers (UUIDv4, ULIDs, opaque strings) instead of database sequence numbers.',
    *check(model) {
      for (const { param } of params(model)) {
        const s = param.schema;
        if (!inUrl(param) || !s || !isIdName(param.name)) continue;
        const numeric = isType(s, 'integer') || isType(s, 'number') || (isType(s, 'string') && isDigitsPattern(s.raw.pattern));
        if (numeric) yield { pointer: s.pointer, message: `${param.in} parameter "${param.name}" is a numeric, guessable identifier` };
      }
    },
  },
  {
    id: 'spec-param-file-path',
    title: 'File path parameter without restriction',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-22',
    category: 'security',
    tags: ['path-traversal', 'parameter'],
    detects: 'A parameter or request-body property named `file`, `filename`, `filepath`, `path`, `dir`, `directory`, `folder`, `template` or `include` that is a string without `enum`, `const`, `pattern` or format (other than `uri`).',
    rationale: 'Values that name files are the way into path traversal (`../../etc/passwd`) and file inclusion when they reach the file system unchecked.',
    remediation: 'Accept identifiers rather than paths; otherwise restrict the value with an anchored `pattern` that excludes `/`, `\\` and `..`, and resolve it against a fixed base directory in code.',
    *check(model) {
      const facts = factsOf(model);
      for (const { param } of facts.parameters) {
        if (param.in !== 'header' && param.in !== 'cookie' && isFilePathName(param.name) && param.schema && isType(param.schema, 'string') && !isRestricted(param.schema)) yield { pointer: nameField(param), message: `${param.in} parameter "${param.name}" names a file path without restriction` };
      }
      for (const p of facts.properties) {
        if (p.request && isFilePathName(p.name) && isType(p.schema, 'string') && !isRestricted(p.schema)) yield { pointer: p.schema.pointer, message: `property "${p.name}" names a file path without restriction` };
      }
    },
  },
  {
    id: 'spec-param-url-ssrf',
    title: 'URL input the server may fetch',
    severity: 'info',
    owasp: 'API7:2023',
    cwe: 'CWE-918',
    category: 'security',
    tags: ['ssrf', 'parameter'],
    spectral: ['owasp:api7:2023-concerning-url-parameter'],
    detects: 'A parameter, or a request-body property, named like a URL (`…url`, `…uri`, `webhook`, `callback…`, `href`, `feed`), or a request-body string with `format: uri`. Redirect targets are left to `spec-param-open-redirect`, JSONP callbacks to `spec-param-jsonp-callback`.',
    rationale: 'Webhooks, imports from URL, previews and custom identity providers make the server fetch a URL the caller chooses: without an allow-list that reaches cloud metadata endpoints (`169.254.169.254`), internal services and local files (SSRF).',
    remediation: 'Validate URLs against an allow-list of schemes and hosts, resolve and block private, loopback and link-local addresses (re-checking after redirects), and fetch through an egress proxy.',
    *check(model) {
      const facts = factsOf(model);
      for (const { param, ops } of facts.parameters) {
        if (isRedirectName(param.name) || isJsonp(param, ops)) continue;
        if (isUrlName(param.name)) yield { pointer: nameField(param), message: `${param.in} parameter "${param.name}" takes a URL the server may fetch` };
      }
      for (const p of facts.properties) {
        if (!p.request || isRedirectName(p.name)) continue;
        if (isUrlName(p.name) || (isType(p.schema, 'string') && (p.schema.format === 'uri' || p.schema.format === 'url' || p.schema.format === 'iri'))) yield { pointer: p.schema.pointer, message: `property "${p.name}" takes a URL the server may fetch` };
      }
    },
  },
  {
    id: 'spec-param-open-redirect',
    title: 'Redirect target parameter',
    severity: 'medium',
    owasp: 'API8:2023',
    cwe: 'CWE-601',
    category: 'security',
    tags: ['redirect', 'parameter'],
    detects: 'A `query` parameter named like a redirect target (`redirect`, `redirect_uri`, `return_to`, `returnUrl`, `next`, `continue`, `goto`, `dest`, `destination`, `success_url`…) without `enum`, `const` or `pattern`.',
    rationale: 'An API that redirects to a URL taken from the request can send users from a trusted domain to a phishing page, and in OAuth-style flows leak codes and tokens to an attacker\'s site.',
    remediation: 'Redirect only to allow-listed destinations (or to ids mapped to URLs server-side); document the allowed values with an `enum` or an anchored `pattern`.',
    falsePositives: 'OAuth `redirect_uri` validated against the client\'s registered URIs: say so in the parameter description and switch the rule off for it.',
    *check(model) {
      for (const { param } of params(model)) {
        if (param.in === 'query' && isRedirectName(param.name) && !(param.schema && (isEnumerated(param.schema) || param.schema.raw.pattern !== undefined))) yield { pointer: nameField(param), message: `query parameter "${param.name}" sets a redirect target` };
      }
    },
  },
  {
    id: 'spec-param-jsonp-callback',
    title: 'JSONP callback parameter',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-346',
    category: 'security',
    tags: ['jsonp', 'cors', 'parameter'],
    detects: 'A `query` parameter of a `get` operation named `callback`, `jsonp`, `jsonpCallback` or `cb`, without `format: uri`.',
    rationale: 'JSONP wraps the response in a script any web page can load: it bypasses the same-origin policy and CORS entirely, so anything the response contains for a logged-in user is readable by every site; the callback name itself is a script-injection vector.',
    remediation: 'Drop JSONP and serve JSON with a CORS policy listing the allowed origins.',
    *check(model) {
      for (const { param, ops } of params(model)) if (isJsonp(param, ops)) yield { pointer: nameField(param), message: `query parameter "${param.name}" looks like a JSONP callback` };
    },
  },
  {
    id: 'spec-param-sort-unrestricted',
    title: 'Sort parameter without allowed values',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-89',
    category: 'security',
    tags: ['injection', 'parameter'],
    detects: 'A `query` parameter named `sort`, `sort_by`, `order_by`, `order`, `sort_field`, `ordering`… that is not restricted by `enum`, `const`, `pattern` or format (for an array, on its items).',
    rationale: 'Sort columns are the classic place where values are concatenated into SQL (`ORDER BY` cannot take bind parameters): a free-form sort parameter is an injection point and lets callers sort by hidden columns to infer their values.',
    remediation: 'List the sortable fields in an `enum` and map them to columns server-side.',
    *check(model) {
      for (const { param } of params(model)) if (param.in === 'query' && isSortName(param.name) && !isRestricted(param.schema)) yield { pointer: nameField(param), message: `query parameter "${param.name}" accepts any sort expression` };
    },
  },
  {
    id: 'spec-param-field-selection',
    title: 'Field selection without allowed values',
    severity: 'low',
    owasp: 'API3:2023',
    cwe: 'CWE-213',
    category: 'security',
    tags: ['data-exposure', 'parameter'],
    detects: 'A `query` parameter named `fields`, `select`, `expand`, `include`, `embed`, `projection`, `attributes` or `columns` that is not restricted by `enum`, `const`, `pattern` or format (for an array, on its items).',
    rationale: 'Free-form field selection and expansion let callers ask for properties and related objects the response schema does not list (internal flags, other users\' records), bypassing property-level authorization.',
    remediation: 'List the selectable fields and expansions in an `enum` and enforce property-level authorization on what they return.',
    *check(model) {
      for (const { param } of params(model)) if (param.in === 'query' && isFieldSelectionName(param.name) && !isRestricted(param.schema)) yield { pointer: nameField(param), message: `query parameter "${param.name}" selects any field` };
    },
  },
  {
    id: 'spec-param-page-size-unbounded',
    title: 'Page size without maximum',
    severity: 'medium',
    owasp: 'API4:2023',
    cwe: 'CWE-770',
    category: 'security',
    tags: ['pagination', 'resource-consumption', 'parameter'],
    detects: 'A numeric `query` parameter named like a page size (`limit`, `per_page`, `page_size`, `size`, `count`, `max_results`, `top`, `take`, `first`, `batch_size`…) without `maximum` (or `exclusiveMaximum`, or `enum`).',
    rationale: 'The page size is the one number a client chooses that directly sets how much work a request does: `limit=10000000` turns one call into a full table scan and a huge response.',
    remediation: 'Set a `maximum` (e.g. 100) and clamp or reject larger values in code.',
    *check(model) {
      for (const { param } of params(model)) {
        const s = param.schema;
        if (param.in !== 'query' || !isPageSizeName(param.name) || !s || !(isType(s, 'integer') || isType(s, 'number'))) continue;
        if (isEnumerated(s) || num(s.raw.maximum) !== null || num(s.raw.exclusiveMaximum) !== null) continue;
        yield { pointer: param.pointer, message: `page size "${param.name}" has no maximum` };
      }
    },
  },
  {
    id: 'spec-param-path-mismatch',
    title: 'Path template and path parameters disagree',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-20',
    category: 'data-validation',
    tags: ['parameter', 'validation'],
    detects: 'A path template variable (`{id}`) with no `in: path` parameter of that name, or an `in: path` parameter whose name is not in the template.',
    rationale: 'A variable without a parameter is not validated by anything; a parameter without a variable is documentation of validation that never happens. Gateways that validate from the spec then reject good requests or pass bad ones.',
    remediation: 'Declare exactly one required `in: path` parameter, with a schema, for each template variable.',
    *check(model) {
      for (const op of model.operations) {
        const vars = new Set(templateVariables(op.path));
        const declared = new Set(op.parameters.filter((p) => p.in === 'path').map((p) => p.name));
        for (const v of vars) if (!declared.has(v)) yield { pointer: op.pointer, message: `path variable {${v}} of ${opLabel(op)} has no path parameter` };
        for (const p of op.parameters) if (p.in === 'path' && !vars.has(p.name)) yield { pointer: p.pointer, message: `path parameter "${p.name}" is not in the path ${op.path}` };
      }
    },
  },
  {
    id: 'spec-param-no-schema',
    title: 'Parameter without schema',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-20',
    category: 'data-validation',
    tags: ['parameter', 'validation'],
    detects: 'A parameter with neither `schema` nor `content` (nor, in Swagger 2.0, `type`).',
    rationale: 'Nothing says what the parameter may contain, so nothing validates it: any string of any length reaches the implementation.',
    remediation: 'Give the parameter a `schema` with a type and bounds.',
    *check(model) {
      const facts = factsOf(model);
      for (const { param } of facts.parameters) {
        if (param.schema) continue;
        const raw = facts.at(param.pointer);
        if (raw && typeof raw === 'object' && !('content' in raw) && !('type' in raw) && !('schema' in raw)) yield { pointer: param.pointer, message: `${param.in} parameter "${param.name}" has no schema` };
      }
    },
  },
];
