import { MAX_PAGE_SIZE } from '../contracts/limits.js';
import type { Spec } from '../contracts/spec-registry.js';
import { loadSpecText } from '../spec/load.js';
import type { SpecModel } from '../spec/model.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import type { ActiveSpec } from './stage.js';

/**
 * The latest version of every registered spec that names a host, loaded as a model, for the conformance
 * stage. Models are kept per (spec, version, text hash): a refresh that finds nothing new costs one list
 * query. A version that cannot be read alone (a spec imported from a file that referenced other files) is
 * skipped with one warning, and not retried until a new version arrives.
 *
 * Specs come in name order (then id): when two specs document the same route on a host, the first wins.
 *
 * @example
 *   const specs = createActiveSpecs({ store, logger });
 *   stage.setSpecs(await specs.load());
 */
export interface ActiveSpecs {
  load(): Promise<ActiveSpec[]>;
}

export function createActiveSpecs(deps: { store: Pick<Store, 'listSpecs' | 'getSpecVersion'>; logger: Pick<Logger, 'warn'> }): ActiveSpecs {
  const models = new Map<string, SpecModel | null>();

  async function all(): Promise<Spec[]> {
    const out: Spec[] = [];
    for (let offset = 0; ; offset += MAX_PAGE_SIZE) {
      const page = await deps.store.listSpecs({ limit: MAX_PAGE_SIZE, offset, sort: 'name', order: 'asc' });
      out.push(...page.items);
      if (page.items.length < MAX_PAGE_SIZE) return out;
    }
  }

  async function modelOf(spec: Spec): Promise<SpecModel | null> {
    const key = `${spec.id}@${spec.latestVersion}#${spec.latest.sha256}`;
    if (models.has(key)) return models.get(key)!;
    let model: SpecModel | null = null;
    const v = await deps.store.getSpecVersion(spec.id, spec.latestVersion);
    if (v) {
      try {
        model = await loadSpecText(v.text, v.source);
      } catch (err) {
        deps.logger.warn({ spec: spec.id, version: spec.latestVersion, err: err instanceof Error ? err.message.slice(0, 200) : String(err) }, 'spec version cannot be loaded for conformance; traffic is not checked against it');
      }
    }
    // Older versions of the same spec are not needed again.
    for (const k of models.keys()) if (k.startsWith(`${spec.id}@`)) models.delete(k);
    models.set(key, model);
    return model;
  }

  return {
    async load() {
      const out: ActiveSpec[] = [];
      const live = new Set<string>();
      for (const spec of await all()) {
        live.add(spec.id);
        if (spec.hosts.length === 0) continue;
        const model = await modelOf(spec);
        if (model) out.push({ specId: spec.id, name: spec.name, version: spec.latestVersion, hosts: spec.hosts, model });
      }
      for (const k of models.keys()) if (!live.has(k.slice(0, k.indexOf('@')))) models.delete(k);
      return out;
    },
  };
}
