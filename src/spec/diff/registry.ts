import type { DiffRule } from './rule.js';
import { LIMIT_RULES } from './rules/limits.js';
import { OPERATION_RULES } from './rules/operations.js';
import { REQUEST_RULES } from './rules/requests.js';
import { RESPONSE_RULES } from './rules/responses.js';
import { SECURITY_RULES } from './rules/security.js';
import { SERVER_RULES } from './rules/servers.js';

/**
 * Every spec-diff rule, by family, in a fixed order. An explicit list, not a directory scan: adding a
 * rule is a visible change here, and `registry.test.ts` checks each entry (id, kind, OWASP/CWE mapping for
 * security changes, table tests, the table in `docs/spec-diff.md`).
 */
export const DIFF_RULES: readonly DiffRule[] = Object.freeze([
  ...OPERATION_RULES,
  ...REQUEST_RULES,
  ...RESPONSE_RULES,
  ...SECURITY_RULES,
  ...SERVER_RULES,
  ...LIMIT_RULES,
]);

/** Families, for the docs: source file and what it covers. */
export const DIFF_RULE_FAMILIES: ReadonlyArray<{ title: string; source: string; rules: readonly DiffRule[] }> = [
  { title: 'Operations', source: 'src/spec/diff/rules/operations.ts', rules: OPERATION_RULES },
  { title: 'Requests: parameters and bodies', source: 'src/spec/diff/rules/requests.ts', rules: REQUEST_RULES },
  { title: 'Responses', source: 'src/spec/diff/rules/responses.ts', rules: RESPONSE_RULES },
  { title: 'Authentication', source: 'src/spec/diff/rules/security.ts', rules: SECURITY_RULES },
  { title: 'Servers', source: 'src/spec/diff/rules/servers.ts', rules: SERVER_RULES },
  { title: 'Limits', source: 'src/spec/diff/rules/limits.ts', rules: LIMIT_RULES },
];
