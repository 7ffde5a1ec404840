import type { ApiEvent } from '../contracts/api-event.js';

/** A minimal valid event; `over` replaces request / response fields. */
export function eventOf(
  method: ApiEvent['request']['method'],
  url: string,
  over: { request?: Partial<ApiEvent['request']>; response?: Partial<NonNullable<ApiEvent['response']>> | null } = {},
): ApiEvent {
  const u = new URL(url);
  const query: Record<string, string[]> = {};
  for (const [k, v] of u.searchParams) (query[k] ??= []).push(v);
  return {
    timestamp: '2026-11-23T10:00:00.000Z',
    source: { kind: 'ndjson' },
    request: { method, scheme: 'https', host: u.hostname, path: decodeURIComponent(u.pathname), query, headers: {}, cookies: {}, ...over.request },
    ...(over.response === null ? {} : { response: { status: 200, headers: {}, ...over.response } }),
  };
}

export const json = (value: unknown, truncated = false) => {
  const text = JSON.stringify(value);
  return { contentType: 'application/json', text, encoding: 'utf8' as const, size: text.length, truncated };
};
