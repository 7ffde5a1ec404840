import type { SchemaNode, SpecModel, SpecOperation } from '../../model.js';
import { factsOf } from '../facts.js';
import { isType, opLabel, statusClass, type AuditRule } from './kit.js';
import { isPasswordName, isPersonalDataName, isPrivilegedFieldName, isSecretFieldName, secretIn } from './names.js';

/** Sensitive data in bodies and examples: secrets returned, personal data served anonymously, privileged fields writable. */

const anonymous = (op: SpecOperation) => op.security.length === 0 || op.security.some((r) => Object.keys(r).length === 0);

/**
 * The first personal-data property reachable from `root` in a response (not through `writeOnly`), or null.
 * Memoised across roots: each node is expanded once per audit, so the rule stays linear in the schema graph.
 */
function personalDataFinder() {
  const memo = new Map<SchemaNode, string | null>();
  return function find(root: SchemaNode): string | null {
    if (memo.has(root)) return memo.get(root)!;
    // Iterative post-order walk; a node on the current path counts as "nothing found" (cycles).
    const stack: Array<{ node: SchemaNode; next: number }> = [{ node: root, next: 0 }];
    memo.set(root, null);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const { node } = top;
      if (top.next >= node.children.length) {
        stack.pop();
        continue;
      }
      const { via, schema } = node.children[top.next++]!;
      if (via === 'not' || via.startsWith('not/') || schema.raw.writeOnly === true) continue;
      const name = via.startsWith('properties/') ? via.slice('properties/'.length) : null;
      let found: string | null = name !== null && isPersonalDataName(name) ? name : null;
      if (found === null) {
        if (!memo.has(schema)) {
          memo.set(schema, null);
          stack.push({ node: schema, next: 0 });
          continue;
        }
        found = memo.get(schema)!;
      }
      if (found !== null) {
        // Everything on the current path reaches it.
        for (const f of stack) memo.set(f.node, found);
        return found;
      }
    }
    return memo.get(root)!;
  };
}

export const SENSITIVE_DATA_RULES: readonly AuditRule[] = [
  {
    id: 'spec-data-secret-in-response',
    title: 'Secret returned in a response',
    severity: 'high',
    owasp: 'API3:2023',
    cwe: 'CWE-213',
    category: 'security',
    tags: ['data-exposure', 'credentials', 'response'],
    detects: 'A string property reachable from a response (and not `writeOnly`) whose name ends in `password`, `passwd`, `secret`, `private_key`, `secret_key`, `client_secret`, `passphrase`, `password_hash`, or is `cvv`, `cvc` or `pin`. Access and refresh tokens are not flagged: token endpoints return them by design.',
    rationale: 'Responses are cached, logged, shown in browser tools and passed to third-party front ends; a password (even hashed), private key or card security code in a response leaks to all of them and, hashed, can be cracked offline.',
    remediation: 'Remove the property from response schemas (mark it `writeOnly: true` if the same schema is used for input), and make sure the serializer never emits it.',
    *check(model) {
      for (const p of factsOf(model).properties) {
        if (p.response && isType(p.schema, 'string') && isSecretFieldName(p.name)) yield { pointer: p.schema.pointer, message: `response property "${p.name}" returns a secret` };
      }
    },
  },
  {
    id: 'spec-data-personal-data-unauthenticated',
    title: 'Personal data returned without authentication',
    severity: 'high',
    owasp: 'API3:2023',
    cwe: 'CWE-359',
    category: 'security',
    tags: ['privacy', 'data-exposure', 'authentication'],
    detects: 'An operation that requires no credential (no security, or `{}` among its alternatives) whose success response body reaches a property named like personal data (`email`, `phone`, `date_of_birth`, `ssn`, `passport`, `iban`, `card_number`, `first_name`/`last_name`, street or billing address…).',
    rationale: 'Personal data served to anonymous callers can be harvested at scale by anyone who finds the endpoint: a data breach by design, reportable under GDPR and similar laws.',
    remediation: 'Require authentication and check that the caller may see each person\'s data, or remove the personal fields from the public response.',
    *check(model) {
      const find = personalDataFinder();
      for (const op of model.operations) {
        if (!anonymous(op)) continue;
        for (const r of op.responses) {
          if (statusClass(r.status) !== '2') continue;
          const field = r.content.map((m) => (m.schema ? find(m.schema) : null)).find((f) => f !== null);
          if (field) {
            yield { pointer: op.pointer, message: `${opLabel(op)} returns personal data ("${field}") without authentication` };
            break;
          }
        }
      }
    },
  },
  {
    id: 'spec-data-password-not-masked',
    title: 'Password field without password format',
    severity: 'low',
    owasp: 'API2:2023',
    cwe: 'CWE-549',
    category: 'data-validation',
    tags: ['credentials', 'schema'],
    detects: 'A string property whose name ends in `password`, `passwd` or `passphrase`, without `format: password`.',
    rationale: '`format: password` is how tools know to mask the value: documentation consoles, generated forms, request loggers and example renderers otherwise show and store passwords in clear text.',
    remediation: 'Add `format: password` (and `writeOnly: true`) to password properties.',
    *check(model) {
      for (const p of factsOf(model).properties) {
        if (isType(p.schema, 'string') && isPasswordName(p.name) && p.schema.format !== 'password') yield { pointer: p.schema.pointer, message: `property "${p.name}" is not marked format: password` };
      }
    },
  },
  {
    id: 'spec-data-privileged-field-writable',
    title: 'Privileged field writable by clients',
    severity: 'medium',
    owasp: 'API3:2023',
    cwe: 'CWE-915',
    category: 'security',
    tags: ['mass-assignment', 'authorization', 'request'],
    detects: 'A property reachable from a request body (and not `readOnly`) named `role`, `roles`, `is_admin`, `admin`, `superuser`, `is_staff`, `permissions`, `privileges`, `access_level`, `verified`/`email_verified`, `balance`, `credits`, `owner_id`, `approved`…',
    rationale: 'Fields that grant privileges or money must be set by the server, not the caller: accepting them in a request body lets a user make themselves administrator, verified, richer or owner of someone else\'s object (mass assignment, broken property-level authorization).',
    remediation: 'Remove the field from request schemas (or mark it `readOnly: true`), bind only allow-listed fields in code, and change privileges only through dedicated, authorised administrative operations.',
    falsePositives: 'Administrative operations whose purpose is to set roles or permissions: keep them, protect them with an admin scope, and switch the rule off for those schemas.',
    *check(model) {
      for (const p of factsOf(model).properties) if (p.request && isPrivilegedFieldName(p.name)) yield { pointer: p.schema.pointer, message: `request property "${p.name}" lets clients set a privileged field` };
    },
  },
  {
    id: 'spec-data-secret-in-example',
    title: 'Live-looking secret in an example',
    severity: 'medium',
    owasp: 'API8:2023',
    cwe: 'CWE-798',
    category: 'security',
    tags: ['credentials', 'examples'],
    detects: 'A string under `example`, `examples`, `default` or `x-example(s)` that contains what looks like a real secret: an AWS access key id, a GitHub, Slack or Stripe live token, a Google API key, a JSON Web Token, or a PEM private key. The finding names the kind of secret, never its value.',
    rationale: 'Descriptions are published to portals, committed to repositories and bundled into SDKs; a real key in an example is a leaked key, and even a revoked one teaches users to paste secrets into documentation.',
    remediation: 'Replace the value with an obviously fake placeholder (`ghp_EXAMPLE…`, `<your-api-key>`), and revoke the key if it was ever real.',
    falsePositives: 'Syntactically valid but fake tokens written to look real; prefer placeholders that do not match token formats.',
    *check(model) {
      for (const { pointer, value } of factsOf(model).exampleStrings()) {
        const kind = secretIn(value);
        if (kind) yield { pointer, message: `example value contains ${kind}` };
      }
    },
  },
];
