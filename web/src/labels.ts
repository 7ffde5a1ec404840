import type { Criticality, Role } from '../../src/contracts/identity.js';
import type { SlaState, TaskStatus } from '../../src/contracts/remediation.js';
import type { AuthKind, RiskLevel } from '../../src/contracts/endpoint.js';
import type { Severity } from '../../src/contracts/finding.js';
import type { HttpMethod } from '../../src/contracts/api-event.js';
import type { ActorKind, CaseResolution, CaseStatus } from '../../src/contracts/cases.js';
import type { AttackCategory } from '../../src/detect/types.js';
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

// ---- cases and issues ----------------------------------------------------------------------------

const CASE_STATUS_LABELS: Record<CaseStatus, string> = { new: 'New', investigating: 'Investigating', resolved: 'Resolved' };
/** In lifecycle order. */
export const CASE_STATUSES = Object.keys(CASE_STATUS_LABELS) as CaseStatus[];
export const caseStatusLabel = (s: CaseStatus): string => CASE_STATUS_LABELS[s];

const RESOLUTION_LABELS: Record<CaseResolution, string> = {
  'true-positive': 'True positive',
  'false-positive': 'False positive',
  benign: 'Benign activity',
};
export const CASE_RESOLUTIONS = Object.keys(RESOLUTION_LABELS) as CaseResolution[];
export const resolutionLabel = (r: CaseResolution): string => RESOLUTION_LABELS[r];

const ACTOR_KIND_LABELS: Record<ActorKind, string> = { principal: 'Principal (token subject)', 'api-key': 'API key', session: 'Session', address: 'Client address' };
export const actorKindLabel = (k: ActorKind): string => ACTOR_KIND_LABELS[k];

/** Threat categories, short enough for a chart legend; typed as complete so a new category fails the build here. */
const THREAT_CATEGORY_LABELS: Record<AttackCategory, string> = {
  sqli: 'SQL injection',
  nosqli: 'NoSQL injection',
  xss: 'Cross-site scripting',
  'command-injection': 'Command injection',
  'path-traversal': 'Path traversal',
  ssrf: 'SSRF',
  xxe: 'XXE',
  ssti: 'Template injection',
  log4shell: 'Log4Shell',
  'crlf-injection': 'CRLF injection',
  'log-forging': 'Log forging',
  'cookie-injection': 'Cookie injection',
  scanner: 'Scanner',
  anomaly: 'Anomaly',
  bola: 'BOLA',
  enumeration: 'Enumeration',
  'credential-stuffing': 'Credential stuffing',
  'rate-anomaly': 'Rate anomaly',
  scraping: 'Scraping',
  'data-exposure': 'Data exposure',
  bfla: 'BFLA',
  'token-misuse': 'Token misuse',
};
/** A category's label; one the console does not know yet is shown as its id, spaced. */
export function threatCategoryLabel(category: string): string {
  if (Object.hasOwn(THREAT_CATEGORY_LABELS, category)) return THREAT_CATEGORY_LABELS[category as AttackCategory];
  const spaced = category.replace(/[-_]+/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

// ---- remediation tasks ---------------------------------------------------------------------------

const TASK_STATUS_LABELS: Record<TaskStatus, string> = {
  open: 'Open',
  'in-progress': 'In progress',
  fixed: 'Fixed, awaiting verification',
  verified: 'Verified',
  'risk-accepted': 'Risk accepted',
  reopened: 'Reopened',
};
/** In lifecycle order. */
export const TASK_STATUSES = Object.keys(TASK_STATUS_LABELS) as TaskStatus[];
export const taskStatusLabel = (s: TaskStatus): string => TASK_STATUS_LABELS[s];

const SLA_LABELS: Record<SlaState, string> = { 'on-track': 'On track', approaching: 'Approaching', overdue: 'Overdue', met: 'Met', missed: 'Missed' };
export const SLA_STATES = Object.keys(SLA_LABELS) as SlaState[];
export const slaLabel = (s: SlaState): string => SLA_LABELS[s];

const CRITICALITY_LABELS: Record<Criticality, string> = { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };
/** Least critical first, as in the contracts. */
export const CRITICALITY_OPTIONS = Object.keys(CRITICALITY_LABELS) as Criticality[];
export const criticalityLabel = (c: Criticality): string => CRITICALITY_LABELS[c];
