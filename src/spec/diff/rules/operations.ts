import { opLabel } from '../context.js';
import type { DiffRule } from '../rule.js';
import { fieldOf, isAnonymousRequirement } from './kit.js';

/** Operations that appear, disappear or are deprecated between the two versions. */
export const OPERATION_RULES: readonly DiffRule[] = [
  {
    id: 'diff-operation-removed',
    title: 'Operation removed',
    kind: 'breaking',
    severity: 'high',
    owasp: null,
    cwe: null,
    tags: ['operation'],
    detects: 'An operation (method and path template, parameter names ignored) of the old spec that the new spec does not have. The change points at the operation in the old spec.',
    rationale: 'Every client that calls the operation gets a 404 or 405 after the release. Deprecating it first does not change that; it only gives clients time to move.',
    remediation: 'Keep the operation (deprecate it with a sunset date first), or release the change as a new major version of the API.',
    *check(ctx) {
      for (const op of ctx.removed) yield { side: 'old', pointer: op.pointer, operation: opLabel(op), message: op.deprecated ? 'operation removed (it was deprecated)' : 'operation removed' };
    },
  },
  {
    id: 'diff-operation-added',
    title: 'Operation added',
    kind: 'non-breaking',
    severity: 'info',
    owasp: null,
    cwe: null,
    tags: ['operation', 'inventory'],
    detects: 'An operation of the new spec that the old spec does not have.',
    rationale: 'New operations are new attack surface and new inventory: they should be reviewed, documented and tested before release.',
    remediation: 'Nothing to fix; check that the new operation has authentication, authorization and input bounds (`bulwark spec audit`).',
    *check(ctx) {
      for (const op of ctx.added) yield { side: 'new', pointer: op.pointer, operation: opLabel(op), message: 'operation added' };
    },
  },
  {
    id: 'diff-operation-added-unauthenticated',
    title: 'New operation without authentication',
    kind: 'security',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 'CWE-306',
    tags: ['operation', 'authentication'],
    detects: 'An operation added in the new spec whose effective security (its own `security`, else the document\'s) is empty, or has an empty alternative `{}`, so it can be called without any credential. Only in a spec that describes authentication somewhere (a security scheme, or a `security` requirement): a spec that describes none is a matter for `bulwark spec audit`, not one change per operation.',
    rationale: 'An unauthenticated operation added in a routine release is a classic way for data and functions to leak: nobody decided it should be public, it just had no `security`.',
    remediation: 'Give the operation a `security` requirement. If it is meant to be public (health checks, sign-up), say so with `security: []` and have that reviewed: the change is reported either way, so that someone decides.',
    *check(ctx) {
      const describesAuth = ctx.next.securitySchemes.length > 0 || ctx.next.operations.some((op) => op.security.some((r) => !isAnonymousRequirement(r)));
      if (!describesAuth) return;
      for (const op of ctx.added) {
        if (op.security.length === 0) yield { side: 'new', pointer: op.securitySource === 'operation' ? fieldOf(ctx.next, op.pointer, 'security') : op.pointer, operation: opLabel(op), message: 'new operation requires no authentication' };
        else if (op.security.some(isAnonymousRequirement)) {
          const i = op.security.findIndex(isAnonymousRequirement);
          const pointer = op.securitySource === 'operation' ? fieldOf(ctx.next, op.pointer, 'security', String(i)) : op.pointer;
          yield { side: 'new', pointer, operation: opLabel(op), message: 'new operation accepts calls without credentials ({} among its security alternatives)' };
        }
      }
    },
  },
  {
    id: 'diff-deprecation-added',
    title: 'Operation or parameter deprecated',
    kind: 'non-breaking',
    severity: 'info',
    owasp: null,
    cwe: null,
    tags: ['deprecation', 'lifecycle'],
    detects: 'An operation, or a parameter of an operation in both versions, that is `deprecated: true` in the new spec and was not in the old one.',
    rationale: 'A deprecation announces a future breaking change: clients need to hear about it, and the inventory should record when it will be removed.',
    remediation: 'Announce the deprecation with a replacement and a sunset date (`Sunset` / `Deprecation` headers, changelog).',
    *check(ctx) {
      for (const pair of ctx.pairs) {
        if (pair.next.deprecated && !pair.old.deprecated) yield { side: 'new', pointer: fieldOf(ctx.next, pair.next.pointer, 'deprecated'), operation: pair.label, message: 'operation deprecated' };
        for (const p of ctx.params(pair)) {
          if (p.old && p.next?.deprecated && !p.old.deprecated) yield { side: 'new', pointer: fieldOf(ctx.next, p.next.pointer, 'deprecated'), operation: pair.label, message: `${p.next.in} parameter "${p.next.name}" deprecated` };
        }
      }
    },
  },
];
