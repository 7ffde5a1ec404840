import type { Role } from '../../src/contracts/identity.js';
import type { AuthKind, RiskLevel } from '../../src/contracts/endpoint.js';
import type { Severity } from '../../src/contracts/finding.js';
import type { HttpMethod } from '../../src/contracts/api-event.js';
import type { TokenScope } from './api.js';
import { OWASP_API_2023 } from '../../src/contracts/owasp.js';

/** Display names; typed as complete records so a new role or level in the contracts fails the build here. */
export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Admin',
  'security-practitioner': 'Security practitioner',
  'soc-analyst': 'SOC analyst',
  'workload-owner': 'Workload owner',
  auditor: 'Auditor',
};
export const ROLE_OPTIONS = Object.keys(ROLE_LABELS) as Role[];

const RISK_LEVEL_LABELS: Record<RiskLevel, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low' };
/** Most severe first. */
export const RISK_LEVELS = Object.keys(RISK_LEVEL_LABELS) as RiskLevel[];
export const riskLevelLabel = (level: RiskLevel): string => RISK_LEVEL_LABELS[level];

const SEVERITY_LABELS: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };
/** Most severe first. */
export const SEVERITIES = Object.keys(SEVERITY_LABELS) as Severity[];
export const severityLabel = (s: Severity): string => SEVERITY_LABELS[s];

const METHOD_ORDER: Record<HttpMethod, number> = { GET: 0, POST: 1, PUT: 2, PATCH: 3, DELETE: 4, HEAD: 5, OPTIONS: 6, TRACE: 7, CONNECT: 8 };
export const HTTP_METHOD_OPTIONS = Object.keys(METHOD_ORDER) as HttpMethod[];

const SCOPE_LABELS: Record<TokenScope, string> = {
  ingest: 'ingest: send traffic',
  read: 'read: inventory, findings, evidence',
  admin: 'admin: everything',
};
export const TOKEN_SCOPES = Object.keys(SCOPE_LABELS) as TokenScope[];
export const scopeLabel = (s: TokenScope): string => SCOPE_LABELS[s];

/** OWASP API Security Top 10 (2023), for the category filter (ids and titles from the contracts; no zod in there). */
export const OWASP_2023: ReadonlyArray<{ id: string; title: string }> = Object.entries(OWASP_API_2023).map(([id, title]) => ({ id, title }));

const AUTH_KIND_LABELS: Record<AuthKind, string> = {
  none: 'None',
  basic: 'HTTP Basic',
  digest: 'HTTP Digest',
  'bearer-jwt': 'Bearer JWT',
  'bearer-opaque': 'Bearer (opaque)',
  'api-key-header': 'API key (header)',
  'api-key-query': 'API key (query)',
  'session-cookie': 'Session cookie',
};
export const AUTH_KIND_OPTIONS = Object.keys(AUTH_KIND_LABELS) as AuthKind[];
export const authKindLabel = (kind: string): string => (Object.hasOwn(AUTH_KIND_LABELS, kind) ? AUTH_KIND_LABELS[kind as AuthKind] : kind);
