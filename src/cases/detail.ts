import type { CaseEndpointContext, ThreatIssue } from '../contracts/cases.js';
import type { Endpoint } from '../contracts/endpoint.js';
import type { Application } from '../contracts/identity.js';
import { endpointDataClasses } from '../store/endpoint-summary.js';
import type { CaseIssueStats, Store } from '../store/store.js';

/** Endpoints an investigation view describes: the case's busiest first. */
export const MAX_CONTEXT_ENDPOINTS = 20;

/**
 * The investigation view's endpoint context: risk, exposure, authentication, data classes and owners from
 * the inventory, for the case's endpoints with the most issues. An endpoint that is no longer in the
 * inventory, or outside the caller's applications, is described by its issues only (nulls).
 */
export async function endpointContexts(
  store: Store,
  visible: (applicationId: string | null) => boolean,
  stats: CaseIssueStats,
  issues: readonly ThreatIssue[],
  caseId: string,
): Promise<CaseEndpointContext[]> {
  const apps = new Map<string, Promise<Application | null>>();
  const owners = new Map<string, Promise<string>>();
  const appOf = (id: string) => {
    let p = apps.get(id);
    if (!p) apps.set(id, (p = store.getApplication(id)));
    return p;
  };
  const ownerLabel = (id: string) => {
    let p = owners.get(id);
    if (!p) owners.set(id, (p = store.getUser(id).then((u) => (u ? `${u.displayName} <${u.email}>` : id))));
    return p;
  };
  const seen = new Map(issues.filter((i) => i.endpointId !== null).map((i) => [i.endpointId!, i] as const));

  const ids = stats.byEndpoint.flatMap((e) => (e.endpointId === null ? [] : [e.endpointId])).slice(0, MAX_CONTEXT_ENDPOINTS);
  return Promise.all(
    ids.map(async (endpointId): Promise<CaseEndpointContext> => {
      const stored = await store.getEndpoint(endpointId);
      const endpoint = stored && visible(stored.applicationId) ? stored : null;
      if (endpoint) {
        const app = endpoint.applicationId === null ? null : await appOf(endpoint.applicationId);
        return {
          endpointId,
          host: endpoint.host,
          method: endpoint.method,
          pathTemplate: endpoint.pathTemplate,
          riskScore: endpoint.risk.score,
          riskLevel: endpoint.risk.level,
          exposure: endpoint.exposure.internetExposed ? 'internet' : 'internal',
          authenticated: authenticationOf(endpoint),
          dataClasses: endpointDataClasses(endpoint),
          applicationId: endpoint.applicationId,
          applicationName: app?.name ?? null,
          owners: app ? await Promise.all(app.owners.map(ownerLabel)) : [],
        };
      }
      const issue = seen.get(endpointId) ?? (await store.listIssues({ caseId, endpointId, limit: 1 })).items[0];
      return {
        endpointId,
        host: issue?.host ?? '',
        method: issue?.method ?? '',
        pathTemplate: issue?.pathTemplate ?? '',
        riskScore: null,
        riskLevel: null,
        exposure: null,
        authenticated: null,
        dataClasses: [],
        applicationId: null,
        applicationName: null,
        owners: [],
      };
    }),
  );
}

/** `authenticated` (every call had credentials), `unauthenticated` (none had), `mixed`; null without calls. */
export function authenticationOf(endpoint: Pick<Endpoint, 'auth'>): string | null {
  const kinds = Object.entries(endpoint.auth.kinds);
  const total = kinds.reduce((n, [, calls]) => n + calls, 0);
  if (total === 0) return null;
  const anonymous = endpoint.auth.kinds['none'] ?? 0;
  return anonymous === 0 ? 'authenticated' : anonymous === total ? 'unauthenticated' : 'mixed';
}
