import type { Finding } from '../contracts/finding.js';
import { earlierOf, laterOf } from './timestamps.js';

/**
 * The upsert rule for a finding seen again (same id): the window of observation widens, counts add up,
 * and everything else, including status, comes from the newer report, so a resolved finding seen again
 * reopens. `firstSeen` takes the earlier of the two, which is the stored one unless traffic is replayed
 * out of order (an older HAR imported later).
 */
export function mergeFinding(stored: Finding, incoming: Finding): Finding {
  return {
    ...incoming,
    firstSeen: earlierOf(stored.firstSeen, incoming.firstSeen),
    lastSeen: laterOf(stored.lastSeen, incoming.lastSeen),
    count: stored.count + incoming.count,
  };
}
