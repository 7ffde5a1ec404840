import { mediaTypeKey } from '../context.js';
import type { DiffRule } from '../rule.js';
import { coveredBy, deltaHits, fieldOf } from './kit.js';

/**
 * What a client sends: parameters, request bodies and their schemas. A change is breaking when a request
 * the old spec allowed is refused by the new one.
 */

const NO_MAPPING = { owasp: null, cwe: null } as const;
const VERSION_IT = 'Make the change backward compatible (optional instead of required, widen instead of narrow), or release it as a new major version of the API.';

export const REQUEST_RULES: readonly DiffRule[] = [
  {
    id: 'diff-param-added-required',
    title: 'Required parameter added',
    kind: 'breaking',
    severity: 'medium',
    ...NO_MAPPING,
    tags: ['parameter', 'request'],
    detects: 'A path, query, header or cookie parameter with `required: true` in the new spec that the operation did not have in the old one (parameters are matched by location and name; path parameters by their position in the template).',
    rationale: 'Existing clients do not send the new parameter, so every one of their calls is refused.',
    remediation: 'Make the new parameter optional with a server-side default, or release the change as a new major version.',
    *check(ctx) {
      for (const pair of ctx.pairs) {
        for (const p of ctx.params(pair)) {
          if (!p.old && p.next?.required) yield { side: 'new', pointer: p.next.pointer, operation: pair.label, message: `new required ${p.next.in} parameter "${p.next.name}"` };
        }
      }
    },
  },
  {
    id: 'diff-param-removed',
    title: 'Parameter removed',
    kind: 'breaking',
    severity: 'medium',
    ...NO_MAPPING,
    tags: ['parameter', 'request'],
    detects: 'A parameter of the old spec that the same operation no longer has in the new spec. The change points at the parameter in the old spec.',
    rationale: 'Clients still send it: the server may refuse the request as malformed, or silently ignore a filter or option the client relies on (a query that returned ten rows now returns all of them).',
    remediation: 'Keep accepting the parameter (deprecate it first), or release the change as a new major version.',
    *check(ctx) {
      for (const pair of ctx.pairs) {
        for (const p of ctx.params(pair)) {
          if (p.old && !p.next) yield { side: 'old', pointer: p.old.pointer, operation: pair.label, message: `${p.old.in} parameter "${p.old.name}" removed` };
        }
      }
    },
  },
  {
    id: 'diff-param-made-required',
    title: 'Parameter became required',
    kind: 'breaking',
    severity: 'medium',
    ...NO_MAPPING,
    tags: ['parameter', 'request'],
    detects: 'A parameter that was optional in the old spec and is `required: true` in the new one.',
    rationale: 'Clients that leave the parameter out, as the old spec allowed, are refused.',
    remediation: 'Keep the parameter optional with a server-side default, or release the change as a new major version.',
    *check(ctx) {
      for (const pair of ctx.pairs) {
        for (const p of ctx.params(pair)) {
          if (p.old && p.next && p.next.required && !p.old.required) yield { side: 'new', pointer: fieldOf(ctx.next, p.next.pointer, 'required'), operation: pair.label, message: `${p.next.in} parameter "${p.next.name}" is now required` };
        }
      }
    },
  },
  {
    id: 'diff-request-type-changed',
    title: 'Request type narrowed',
    kind: 'breaking',
    severity: 'medium',
    ...NO_MAPPING,
    tags: ['request', 'schema'],
    detects: 'A parameter or request-body schema (at any depth) whose `type` no longer accepts a type the old one did: `string` -> `integer`, `number` -> `integer`, `nullable` dropped. Widening (`integer` -> `number`) is not a change for requests.',
    rationale: 'Values that were valid are now refused: clients sending them get 400 errors.',
    remediation: VERSION_IT,
    *check(ctx) {
      yield* deltaHits(ctx, 'request', 'type', (place, detail) => `${place}: type changed (${detail})`);
    },
  },
  {
    id: 'diff-request-enum-value-removed',
    title: 'Request enum value removed',
    kind: 'breaking',
    severity: 'medium',
    ...NO_MAPPING,
    tags: ['request', 'schema'],
    detects: 'A value of an `enum` (or `const`) in a parameter or request-body schema of the old spec that the new spec\'s enum no longer lists.',
    rationale: 'Clients that send the removed value are refused.',
    remediation: 'Keep accepting the value (map it to its replacement on the server), or release the change as a new major version.',
    *check(ctx) {
      yield* deltaHits(ctx, 'request', 'enum-removed', (place, detail) => `${place}: enum ${detail} removed`);
    },
  },
  {
    id: 'diff-request-constraint-tightened',
    title: 'Request constraint tightened',
    kind: 'breaking',
    severity: 'medium',
    ...NO_MAPPING,
    tags: ['request', 'schema', 'validation'],
    detects: 'A parameter or request-body schema that refuses values the old one accepted: `maxLength`, `maxItems`, `maxProperties` or `maximum` lowered or added; `minLength`, `minItems`, `minProperties` or `minimum` raised or added; a `pattern` added or changed; `multipleOf`, `uniqueItems`, a string `format` or an `enum` added; a narrower number `format`; `additionalProperties: false` added.',
    rationale: 'Requests that were valid are refused. Tightening input bounds is good security practice, but it is a breaking change for clients that already send such values.',
    remediation: 'Check that no client sends values outside the new bounds (traffic data shows it), announce the change, or release it as a new major version.',
    *check(ctx) {
      yield* deltaHits(ctx, 'request', 'constraint', (place, detail) => `${place}: ${detail}`);
    },
  },
  {
    id: 'diff-request-body-required',
    title: 'Request body became required',
    kind: 'breaking',
    severity: 'medium',
    ...NO_MAPPING,
    tags: ['request', 'request-body'],
    detects: 'An operation whose request body is `required: true` in the new spec, where the old spec had no request body or an optional one.',
    rationale: 'Clients that send no body, as the old spec allowed, are refused.',
    remediation: 'Keep the body optional with server-side defaults, or release the change as a new major version.',
    *check(ctx) {
      for (const pair of ctx.pairs) {
        const rb = pair.next.requestBody;
        if (rb?.required && !pair.old.requestBody?.required) {
          yield { side: 'new', pointer: fieldOf(ctx.next, rb.pointer, 'required'), operation: pair.label, message: pair.old.requestBody ? 'request body is now required' : 'new required request body' };
        }
      }
    },
  },
  {
    id: 'diff-request-property-required',
    title: 'Required request property added',
    kind: 'breaking',
    severity: 'medium',
    ...NO_MAPPING,
    tags: ['request', 'request-body', 'schema'],
    detects: 'A property named in a `required` list of a request-body (or parameter) schema in the new spec that was not required in the old one: a new required property, or an optional one made required. `readOnly` properties are ignored.',
    rationale: 'Clients do not send the property, so their requests fail validation.',
    remediation: 'Make the property optional with a server-side default, or release the change as a new major version.',
    *check(ctx) {
      yield* deltaHits(ctx, 'request', 'required-added', (place, detail) => `${place}: ${detail}`);
    },
  },
  {
    id: 'diff-request-content-type-removed',
    title: 'Request media type removed',
    kind: 'breaking',
    severity: 'medium',
    ...NO_MAPPING,
    tags: ['request', 'request-body', 'content-type'],
    detects: 'A media type of the old request body (`application/xml`, `multipart/form-data`…) that the new request body no longer lists (and no wildcard such as `application/*` covers). Parameters such as `; charset=utf-8` are ignored.',
    rationale: 'Clients that send that media type are refused with 415 Unsupported Media Type.',
    remediation: 'Keep accepting the media type, or release the change as a new major version.',
    *check(ctx) {
      for (const pair of ctx.pairs) {
        const next = pair.next.requestBody;
        const old = pair.old.requestBody;
        if (!next || !old || next.content.length === 0) continue;
        const keys = next.content.map((m) => mediaTypeKey(m.contentType));
        for (const m of old.content) {
          if (!coveredBy(mediaTypeKey(m.contentType), keys)) yield { side: 'old', pointer: m.pointer, operation: pair.label, message: `request body no longer accepts ${m.contentType}` };
        }
      }
    },
  },
];
