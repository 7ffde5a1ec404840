import { words } from '../../audit/rules/kit.js';
import { isCredentialName, isPersonalDataName, isSecretFieldName } from '../../audit/rules/names.js';
import type { SpecOperation } from '../../model.js';
import type { DiffContext, ResponseField } from '../context.js';
import { isSuccessStatus, matchResponse, mediaTypeKey, opLabel } from '../context.js';
import type { DiffHit, DiffRule } from '../rule.js';
import { coveredBy, deltaHits } from './kit.js';

/**
 * What a client reads: success responses, their media types and body schemas. A change is breaking when
 * a client written against the old spec can receive something it does not expect, or stops receiving
 * something it relies on. Error responses are not compared: clients rarely depend on their shape.
 */

const NO_MAPPING = { owasp: null, cwe: null } as const;

/**
 * Fields the new version of an operation returns that the old one did not (by compact name, anywhere in
 * its success responses: a field moved into an `allOf` or renamed from `first_name` to `firstName` is not
 * new), and that `isSensitive` picks. For an added operation, every field is new.
 */
function* newResponseFields(ctx: DiffContext, isSensitive: (f: ResponseField) => boolean, what: string): Generator<DiffHit> {
  const check = function* (next: SpecOperation, old: SpecOperation | null, label: string): Generator<DiffHit> {
    const before = old ? ctx.responseFields(old) : null;
    for (const [key, f] of ctx.responseFields(next)) {
      if (before?.has(key) || !isSensitive(f)) continue;
      yield { side: 'new', pointer: f.pointer, operation: label, key: f.name, message: fieldMessage(f, what, old !== null) };
    }
  };
  for (const pair of ctx.pairs) yield* check(pair.next, pair.old, pair.label);
  for (const op of ctx.added) yield* check(op, null, opLabel(op));
}

/** A value, not a description of one: a string (or untyped) schema that is not an enumeration. */
const holdsAValue = (f: ResponseField) => (f.schema.types.length === 0 || f.schema.types.includes('string')) && !Array.isArray(f.schema.raw.enum) && f.schema.raw.const === undefined;

/** The credential vocabulary of the audit, narrowed to names whose last word is the credential itself (`access_token`, not `credential_sid` or `organization_secrets`). */
const CREDENTIAL_NOUNS = new Set(['token', 'key', 'secret', 'password', 'passwd', 'passphrase', 'credential', 'apikey', 'accesskey', 'privatekey', 'sessionid']);
const isSecretField = (f: ResponseField) => {
  if (!holdsAValue(f)) return false;
  if (isSecretFieldName(f.name)) return true;
  const last = words(f.name).at(-1) ?? '';
  return isCredentialName(f.name) && CREDENTIAL_NOUNS.has(last);
};
const isPersonalField = (f: ResponseField) => holdsAValue(f) && isPersonalDataName(f.name) && !isSecretField(f);

const fieldMessage = (f: ResponseField, what: string, existed: boolean) =>
  existed ? `response now returns ${what} "${f.name}", which the old version did not` : `new operation returns ${what} "${f.name}"`;

export const RESPONSE_RULES: readonly DiffRule[] = [
  {
    id: 'diff-response-success-removed',
    title: 'Success response removed',
    kind: 'breaking',
    severity: 'high',
    ...NO_MAPPING,
    tags: ['response', 'status'],
    detects: 'A success status (`200`, `201`, `2XX`…) of an operation in the old spec that the new spec no longer documents, directly or through its range (`200` is kept by `2XX`). The change points at the old response.',
    rationale: 'Clients check the status code: one that expects `201 Created` and gets `200` or `202` treats the call as failed, or reads a body of the wrong shape.',
    remediation: 'Keep answering with the documented status, or release the change as a new major version.',
    *check(ctx) {
      for (const pair of ctx.pairs) {
        for (const r of pair.old.responses) {
          if (isSuccessStatus(r.status) && !matchResponse(pair.next.responses, r.status)) yield { side: 'old', pointer: r.pointer, operation: pair.label, message: `success response ${r.status} removed` };
        }
      }
    },
  },
  {
    id: 'diff-response-content-type-removed',
    title: 'Response media type removed',
    kind: 'breaking',
    severity: 'medium',
    ...NO_MAPPING,
    tags: ['response', 'content-type'],
    detects: 'A media type of a success response in the old spec that the new spec\'s response with the same status no longer lists (and no wildcard covers). The change points at the old media type.',
    rationale: 'Clients that ask for that media type (`Accept: application/xml`) get 406 Not Acceptable, or a body they cannot parse.',
    remediation: 'Keep producing the media type, or release the change as a new major version.',
    *check(ctx) {
      for (const pair of ctx.pairs) {
        for (const r of pair.old.responses) {
          if (!isSuccessStatus(r.status)) continue;
          const n = matchResponse(pair.next.responses, r.status);
          if (!n) continue;
          const keys = n.content.map((m) => mediaTypeKey(m.contentType));
          for (const m of r.content) {
            if (!coveredBy(mediaTypeKey(m.contentType), keys)) yield { side: 'old', pointer: m.pointer, operation: pair.label, message: `response ${r.status} no longer returns ${m.contentType}` };
          }
        }
      }
    },
  },
  {
    id: 'diff-response-property-removed',
    title: 'Response property removed',
    kind: 'breaking',
    severity: 'medium',
    ...NO_MAPPING,
    tags: ['response', 'schema'],
    detects: 'A property of a success-response schema (at any depth, `allOf` members merged) in the old spec that the new schema no longer has. `writeOnly` properties are ignored. The change points at the property in the old spec.',
    rationale: 'Clients that read the property get `undefined`, and fail or, worse, carry on with a wrong default.',
    remediation: 'Keep returning the property (deprecate it first), or release the change as a new major version.',
    *check(ctx) {
      yield* deltaHits(ctx, 'response', 'property-removed', (place) => `${place} removed`);
    },
  },
  {
    id: 'diff-response-type-changed',
    title: 'Response type widened',
    kind: 'breaking',
    severity: 'medium',
    ...NO_MAPPING,
    tags: ['response', 'schema'],
    detects: 'A success-response schema (at any depth) whose `type` allows a type the old one did not: `integer` -> `string`, `integer` -> `number`, `nullable: true` added. Narrowing (`number` -> `integer`) is not a change for responses.',
    rationale: 'Clients parse the value as the old type: a string where a number was promised, or a null, breaks typed clients and generated SDKs.',
    remediation: 'Return the old type (add a new property for the new one), or release the change as a new major version.',
    *check(ctx) {
      yield* deltaHits(ctx, 'response', 'type', (place, detail) => `${place}: type changed (${detail})`);
    },
  },
  {
    id: 'diff-response-enum-value-added',
    title: 'Response enum value added',
    kind: 'breaking',
    severity: 'low',
    ...NO_MAPPING,
    tags: ['response', 'schema'],
    detects: 'A value in the `enum` of a success-response schema that the old enum did not list, or an `enum` removed from a response schema that had one.',
    rationale: 'Clients with an exhaustive `switch` over the values, or a generated enum type, fail on a value they have never seen.',
    remediation: 'Tell clients in advance that the enumeration is open (and that they must handle unknown values), or release the change as a new major version.',
    *check(ctx) {
      yield* deltaHits(ctx, 'response', 'enum-added', (place, detail) => `${place}: enum now returns ${detail}`);
    },
  },
  {
    id: 'diff-response-property-optional',
    title: 'Response property no longer required',
    kind: 'breaking',
    severity: 'low',
    ...NO_MAPPING,
    tags: ['response', 'schema'],
    detects: 'A property of a success-response schema that was in its `required` list in the old spec and is not in the new one: the server may now leave it out.',
    rationale: 'Clients (and generated SDKs, whose field is not optional) read it unconditionally and fail when it is missing.',
    remediation: 'Keep returning the property every time, or release the change as a new major version.',
    *check(ctx) {
      yield* deltaHits(ctx, 'response', 'required-removed', (place, detail) => `${place} ${detail}`);
    },
  },
  {
    id: 'diff-response-secret-added',
    title: 'Response returns a new secret',
    kind: 'security',
    severity: 'high',
    owasp: 'API3:2023',
    cwe: 'CWE-213',
    tags: ['response', 'data-exposure', 'credentials'],
    detects: 'A property the new version of an operation returns in a success response, that the old version did not return anywhere in its success responses (by name, case and separators ignored), that holds a string value (not an enumeration) and is named like a secret or credential: the spec-audit vocabulary (`password`, `client_secret`, `private_key`, `cvv`…), and credential names whose last word is the credential (`api_key`, `access_token`, not `token_count` or `credential_id`). For an added operation, every such property counts.',
    rationale: 'A secret added to a response leaks to every client, log, cache and browser tool that sees the response; it usually means an internal model was exposed as is.',
    remediation: 'Remove the property from the response (mark it `writeOnly: true` if the schema is shared with requests), and make sure the serializer never emits it.',
    *check(ctx) {
      yield* newResponseFields(ctx, isSecretField, 'the secret');
    },
  },
  {
    id: 'diff-response-personal-data-added',
    title: 'Response returns new personal data',
    kind: 'security',
    severity: 'medium',
    owasp: 'API3:2023',
    cwe: 'CWE-359',
    tags: ['response', 'data-exposure', 'privacy'],
    detects: 'A property the new version of an operation returns in a success response, that the old version did not return (by name), that holds a string value (not an enumeration) and is named like personal data (`email`, `phone`, `date_of_birth`, `ssn`, `iban`, `card_number`, `first_name`, street address…). For an added operation, every such property counts.',
    rationale: 'New personal data in a response widens who can see it: it needs a privacy review, an authorization check per record, and often a record of processing.',
    remediation: 'Return the field only to callers allowed to see it (and only when needed), or leave it out of the response.',
    *check(ctx) {
      yield* newResponseFields(ctx, isPersonalField, 'personal data');
    },
  },
];
