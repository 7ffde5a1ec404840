import type { DataClassInfo } from '../contracts/data-class.js';
import type { CustomClass } from './custom-classes.js';
import { DATA_CLASS_INFOS } from './registry.js';

/**
 * Title, category and sensitivity by class id, built-in or custom. An id nobody registered (a hit stored
 * before a custom class was removed from config) resolves to a medium-sensitivity PII placeholder rather
 * than failing the caller.
 *
 * @example
 * const info = classInfoResolver(config.dataClasses);
 * info('payment-card') // { id: 'payment-card', title: 'Payment card number', category: 'financial', sensitivity: 'critical' }
 */
export function classInfoResolver(customClasses: readonly Pick<CustomClass, 'id' | 'title' | 'category' | 'sensitivity'>[] = []): (id: string) => DataClassInfo {
  const byId = new Map<string, DataClassInfo>(DATA_CLASS_INFOS.map((i) => [i.id, i]));
  for (const c of customClasses) byId.set(c.id, { id: c.id, title: c.title, category: c.category, sensitivity: c.sensitivity });
  return (id) => byId.get(id) ?? { id, title: id, category: 'pii', sensitivity: 'medium' };
}
