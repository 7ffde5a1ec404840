import type { Endpoint } from '../../contracts/endpoint.js';
import { MAX_GENERATE_ENDPOINTS, type SpecGenerateFilters } from '../../contracts/spec-generate.js';
import { tooLarge } from '../../errors/domain-errors.js';
import type { ApplicationScope, Store } from '../../store/store.js';
import type { ResponseEvidence } from './document.js';

/**
 * Reading what a generated document is built from: the selected endpoints, and from each one's stored
 * redacted samples the top-level fields of its JSON responses by status class (field names only; the
 * samples' values are never read).
 */

const PAGE = 500;
/** Samples read per endpoint: the store keeps the newest few (`discovery.samplesPerEndpoint`, default 10). */
const SAMPLES_PER_ENDPOINT = 20;

/** The ids of the selected endpoints, sorted by host, template, method; bounded by `MAX_GENERATE_ENDPOINTS`. */
export async function selectEndpointIds(store: Store, filters: SpecGenerateFilters, scope: ApplicationScope): Promise<string[]> {
  const hosts = filters.hosts?.length ? [...new Set(filters.hosts.map((h) => h.trim().toLowerCase()))] : [undefined];
  const ids: string[] = [];
  for (const host of hosts) {
    for (let offset = 0; ; offset += PAGE) {
      const page = await store.listEndpoints({ limit: PAGE, offset, scope, host, application: filters.application, sort: 'path', order: 'asc' });
      if (offset === 0 && ids.length + page.total > MAX_GENERATE_ENDPOINTS) {
        throw tooLarge(
          `the selection has more than ${MAX_GENERATE_ENDPOINTS} endpoints (${ids.length + page.total}): generate one document per host or application`,
        );
      }
      for (const e of page.items) ids.push(e.id);
      if (page.items.length < PAGE) break;
    }
  }
  return ids;
}

export async function loadEndpoints(store: Store, ids: readonly string[]): Promise<Endpoint[]> {
  const out: Endpoint[] = [];
  for (const id of ids) {
    const e = await store.getEndpoint(id);
    if (e) out.push(e);
  }
  return out;
}

const JSON_TYPE = /^application\/(?:[a-z0-9.+-]*\+)?json\b/i;

/** Top-level keys of a redacted JSON body text, or null when it is not a JSON object (arrays: `*`). */
function topLevelKeys(text: unknown): string[] | null {
  if (typeof text !== 'string' || text.length === 0) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (Array.isArray(value)) return ['*'];
  return value && typeof value === 'object' ? Object.keys(value) : null;
}

/** Which top-level response fields the stored samples show for success (2xx) and other statuses. */
export async function responseEvidence(store: Store, endpoints: readonly Endpoint[]): Promise<Map<string, ResponseEvidence>> {
  const out = new Map<string, ResponseEvidence>();
  for (const e of endpoints) {
    const ev: ResponseEvidence = { success: new Set(), error: new Set() };
    for (const s of await store.listSamples(e.id, SAMPLES_PER_ENDPOINT)) {
      const response = (s.event as { response?: { status?: unknown; headers?: Record<string, unknown>; body?: { text?: unknown; contentType?: unknown; encoding?: unknown } } } | null)?.response;
      if (!response || typeof response.status !== 'number' || response.body?.encoding === 'base64') continue;
      const ct = response.body?.contentType ?? response.headers?.['content-type'];
      if (typeof ct !== 'string' || !JSON_TYPE.test(ct)) continue;
      const keys = topLevelKeys(response.body?.text);
      if (!keys) continue;
      const into = response.status >= 200 && response.status < 300 ? ev.success : ev.error;
      for (const k of keys) into.add(k);
    }
    if (ev.success.size || ev.error.size) out.set(e.id, ev);
  }
  return out;
}
