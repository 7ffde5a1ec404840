/*
 * The lower-cased text that list searches match with a plain substring test. Lower-cased here, in JS,
 * because SQL `lower()` folds ASCII only; every adapter stores these so that searches agree. Parts are
 * joined by a newline so that a search cannot match across the boundary of two fields.
 */

/**
 * "host\npath" of an endpoint.
 *
 * @example
 * endpointSearchText('API.Shop.example', '/Orders/{id}') // 'api.shop.example\n/orders/{id}'
 */
export function endpointSearchText(host: string, pathTemplate: string): string {
  return `${host.toLowerCase()}\n${pathTemplate.toLowerCase()}`;
}

/** "title\nhost\npath" of a finding (an empty path for host-level findings). */
export function findingSearchText(f: { title: string; host: string; pathTemplate: string | null }): string {
  return `${f.title.toLowerCase()}\n${f.host.toLowerCase()}\n${(f.pathTemplate ?? '').toLowerCase()}`;
}

/** "name\ntitle" of a spec (the title of its latest version; empty when it has none). */
export function specSearchText(name: string, title: string | null): string {
  return `${name.toLowerCase()}\n${(title ?? '').toLowerCase()}`;
}
