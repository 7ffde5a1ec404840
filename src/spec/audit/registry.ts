import type { SpecRule } from './rule.js';
import type { AuditRule } from './rules/kit.js';
import { INVENTORY_RULES } from './rules/inventory.js';
import { OPERATION_SECURITY_RULES } from './rules/operations-security.js';
import { PARAMETER_RULES } from './rules/parameters.js';
import { RESPONSE_RULES } from './rules/responses.js';
import { SCHEMA_RULES } from './rules/schemas.js';
import { SECURITY_SCHEME_RULES } from './rules/security-schemes.js';
import { SENSITIVE_DATA_RULES } from './rules/sensitive-data.js';
import { SERVER_RULES } from './rules/servers.js';

/**
 * Every built-in spec-audit rule, by family, in a fixed order. An explicit list, not a directory scan:
 * adding a rule is a visible change here, and `registry.test.ts` checks each entry (id, OWASP and CWE
 * mapping, tests, docs) and that together they cover the Spectral OWASP ruleset.
 *
 * The records carry their docs text too (`AuditRule`); callers see them as plain `SpecRule`s.
 */
export const BUILT_IN_RULES: readonly AuditRule[] = Object.freeze([
  ...SECURITY_SCHEME_RULES,
  ...OPERATION_SECURITY_RULES,
  ...SERVER_RULES,
  ...RESPONSE_RULES,
  ...SCHEMA_RULES,
  ...PARAMETER_RULES,
  ...SENSITIVE_DATA_RULES,
  ...INVENTORY_RULES,
]);

export const SPEC_RULES: readonly SpecRule[] = BUILT_IN_RULES;

/** Families, for docs and reports: the id prefix after `spec-` and what it covers. */
export const RULE_FAMILIES: ReadonlyArray<{ prefix: string; title: string }> = [
  { prefix: 'spec-scheme-', title: 'Security schemes and their strength' },
  { prefix: 'spec-security-', title: 'Operation security' },
  { prefix: 'spec-server-', title: 'Transport and servers' },
  { prefix: 'spec-response-', title: 'Responses and rate limiting' },
  { prefix: 'spec-content-', title: 'Responses and rate limiting' },
  { prefix: 'spec-cors-', title: 'CORS' },
  { prefix: 'spec-schema-', title: 'Schema bounds and data validation' },
  { prefix: 'spec-request-', title: 'Schema bounds and data validation' },
  { prefix: 'spec-param-', title: 'Parameters' },
  { prefix: 'spec-data-', title: 'Sensitive data' },
  { prefix: 'spec-inventory-', title: 'Inventory hygiene' },
];
