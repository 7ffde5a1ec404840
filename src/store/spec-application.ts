import type { Application } from '../contracts/identity.js';
import { applicationOf } from '../identity/applications.js';

/**
 * The application a spec belongs to when none is set by hand: the first application, in the order given
 * (the store's creation order), with a matcher whose host matches one of the spec's hosts. Path prefixes
 * are not consulted: a spec names hosts, not the paths an application claims on them, so two applications
 * sharing a host by path go to the earlier one, and a spec that belongs to the other is pinned by hand.
 *
 * @example
 * specApplicationOf(['api.shop.example'], [{ id: 'shop', matchers: [{ host: '*.shop.example', pathPrefix: '/v2' }] }]) // 'shop'
 */
export function specApplicationOf(hosts: readonly string[], applications: readonly Pick<Application, 'id' | 'matchers'>[]): string | null {
  if (hosts.length === 0) return null;
  for (const app of applications) {
    const byHost = [{ id: app.id, matchers: app.matchers.map((m) => ({ host: m.host })) }];
    if (hosts.some((h) => applicationOf(h, '/', byHost) !== null)) return app.id;
  }
  return null;
}
