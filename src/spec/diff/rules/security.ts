import type { DiffRule } from '../rule.js';
import { describeScheme, fieldOf, isAnonymousRequirement, requiresAuth, schemeStrength, securityWhere, weakestAlternative } from './kit.js';

/**
 * Authentication between versions: an operation that needed credentials and no longer does, or accepts
 * weaker ones; a security scheme redefined as a weaker one; scopes dropped from a requirement.
 */

export const SECURITY_RULES: readonly DiffRule[] = [
  {
    id: 'diff-security-removed',
    title: 'Authentication removed from an operation',
    kind: 'security',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 'CWE-306',
    tags: ['authentication', 'operation'],
    detects: 'An operation that required a credential in the old spec (a non-empty `security` with no `{}` alternative, its own or the document\'s) and whose effective `security` is empty in the new spec. A change of the document\'s default is reported once, at `/security`, with the operations it affects.',
    rationale: 'The operation becomes callable by anyone. Whether by intent or by a refactoring that dropped a `security` block, it needs a review before release.',
    remediation: 'Restore the `security` requirement; if the operation is meant to become public, have that reviewed and make it explicit (`security: []`).',
    *check(ctx) {
      for (const pair of ctx.pairs) {
        if (!requiresAuth(pair.old) || pair.next.security.length > 0) continue;
        yield { ...securityWhere(ctx, pair), operation: pair.label, key: 'removed', message: 'authentication is no longer required' };
      }
    },
  },
  {
    id: 'diff-security-optional',
    title: 'Authentication made optional',
    kind: 'security',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 'CWE-306',
    tags: ['authentication', 'operation'],
    detects: 'An operation that required a credential in the old spec and whose new `security` has an empty alternative `{}`: a call without credentials is accepted.',
    rationale: 'Optional authentication means anonymous callers get through, and the code behind the operation must now handle both cases correctly: a frequent source of authorization bugs.',
    remediation: 'Remove the `{}` alternative, or split the anonymous behaviour into its own operation and review it.',
    *check(ctx) {
      for (const pair of ctx.pairs) {
        if (!requiresAuth(pair.old)) continue;
        const i = pair.next.security.findIndex(isAnonymousRequirement);
        if (i < 0) continue;
        const where = securityWhere(ctx, pair);
        const pointer = where.side === 'new' && where.pointer.endsWith('/security') ? fieldOf(ctx.next, where.pointer, String(i)) : where.pointer;
        yield { side: where.side, pointer, operation: pair.label, key: 'optional', message: 'authentication is now optional ({} added to its security alternatives)' };
      }
    },
  },
  {
    id: 'diff-security-scheme-weakened',
    title: 'Security scheme weakened',
    kind: 'security',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 'CWE-1390',
    tags: ['authentication', 'security-scheme'],
    detects: 'A security scheme with the same name in both specs whose new definition is weaker. Strength, strongest first: mutual TLS; OAuth 2.0 and OpenID Connect; bearer tokens (and other registered token or signature `http` schemes); an API key in a header or cookie, and HTTP Digest; an API key in the query string, HTTP Basic, NTLM, Negotiate and OAuth 1.0. So `oauth2` -> `apiKey`, `bearer` -> `basic` and an API key moved from a header to the query are all reported.',
    rationale: 'Every operation that uses the scheme now accepts a weaker credential: one easier to steal (query strings are logged by every proxy), replay or guess.',
    remediation: 'Keep the stronger scheme; if a weaker one must be added for some clients, declare it as a separate scheme, offer it only where needed and review it.',
    *check(ctx) {
      for (const s of ctx.next.securitySchemes) {
        const o = ctx.old.securitySchemes.find((x) => x.name === s.name);
        const before = schemeStrength(o);
        const after = schemeStrength(s);
        if (before === null || after === null || after >= before) continue;
        const field = o!.type !== s.type ? 'type' : s.type === 'apiKey' ? 'in' : 'scheme';
        yield { side: 'new', pointer: fieldOf(ctx.next, s.pointer, field), message: `security scheme "${s.name}" weakened from ${describeScheme(o)} to ${describeScheme(s)}` };
      }
    },
  },
  {
    id: 'diff-security-requirement-weakened',
    title: 'Operation accepts a weaker credential',
    kind: 'security',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 'CWE-1390',
    tags: ['authentication', 'operation'],
    detects: 'An operation that required a credential in both specs, whose security requirements name different schemes, and whose weakest alternative is weaker than before (same strength order as `diff-security-scheme-weakened`): for example `security: [{oauth: [...]}]` -> `[{apiKey: []}]`, or an API-key-in-query alternative added next to OAuth.',
    rationale: 'An attacker takes the weakest way in: adding a weaker alternative weakens the operation as much as replacing the strong one.',
    remediation: 'Require the stronger scheme again, or limit the weaker alternative to the operations and clients that need it.',
    *check(ctx) {
      for (const pair of ctx.pairs) {
        const before = weakestAlternative(ctx.old, pair.old);
        const after = weakestAlternative(ctx.next, pair.next);
        if (!before || !after || after.strength >= before.strength) continue;
        const names = (op: typeof pair.old) => [...new Set(op.security.flatMap((r) => Object.keys(r)))].sort().join('\n');
        // The same scheme names: a redefined scheme, which `diff-security-scheme-weakened` reports once.
        if (names(pair.old) === names(pair.next)) continue;
        yield { ...securityWhere(ctx, pair), operation: pair.label, key: `${before.text}\n${after.text}`, message: `accepts ${after.text}, weaker than ${before.text} before` };
      }
    },
  },
  {
    id: 'diff-security-scopes-removed',
    title: 'Scopes removed from a security requirement',
    kind: 'security',
    severity: 'medium',
    owasp: 'API5:2023',
    cwe: 'CWE-285',
    tags: ['authorization', 'scopes', 'operation'],
    detects: 'An operation whose security requirement for a scheme (OAuth 2.0, OpenID Connect, or any scheme with scopes or roles) lists fewer scopes than the old requirement with the same schemes: `{oauth: [orders:write]}` -> `{oauth: [orders:read]}` or `{oauth: []}`.',
    rationale: 'Tokens granted for less (a read-only scope, or any scope at all) can now call the operation: a function-level authorization check has been loosened.',
    remediation: 'Restore the scope, or check that the operation enforces the intended permission some other way, and have the change reviewed.',
    *check(ctx) {
      for (const pair of ctx.pairs) {
        const reported = new Set<string>();
        for (const [i, req] of pair.next.security.entries()) {
          const schemes = Object.keys(req).sort().join('\n');
          if (!schemes) continue;
          // The old alternatives with the same schemes: what this one replaced.
          const old = pair.old.security.filter((o) => Object.keys(o).sort().join('\n') === schemes);
          const dropped = (o: Record<string, string[]>) => Object.entries(o).flatMap(([scheme, scopes]) => scopes.filter((s) => !(req[scheme] ?? []).includes(s)).map((s) => `${scheme}: ${s}`));
          // Only when every one of them asked for more: if one already asked for no more, nothing was loosened.
          if (!old.length || old.some((o) => dropped(o).length === 0)) continue;
          const lost = [...new Set(old.flatMap(dropped))];
          const key = `${schemes}\n${lost.join('\n')}`;
          if (reported.has(key)) continue;
          reported.add(key);
          const where = securityWhere(ctx, pair);
          const pointer = where.side === 'new' && where.pointer.endsWith('/security') ? fieldOf(ctx.next, where.pointer, String(i)) : where.pointer;
          yield { side: where.side, pointer, operation: pair.label, key, message: `security requirement no longer asks for scope${lost.length === 1 ? '' : 's'} ${lost.map((s) => `"${s}"`).join(', ')}` };
        }
      }
    },
  },
];
