import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { invalidInput } from '../errors/domain-errors.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export interface SpecTemplates {
  host: string;
  templates: Array<{ method: string; path: string }>;
}

/**
 * Reads the path templates of an OpenAPI 3.x or Swagger 2.0 file, per host of its servers, so that
 * discovery uses the documented templates where they exist. (Full spec management is its own module.)
 */
export function loadSpecTemplates(file: string): SpecTemplates[] {
  let doc: any;
  try {
    const text = readFileSync(file, 'utf8');
    doc = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw invalidInput(`spec ${file} cannot be read: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!doc || typeof doc !== 'object' || typeof doc.paths !== 'object') throw invalidInput(`spec ${file} has no paths object: not an OpenAPI or Swagger document`);
  const bases: Array<{ host: string; base: string }> = [];
  if (typeof doc.swagger === 'string') {
    if (typeof doc.host === 'string') bases.push({ host: doc.host.toLowerCase().replace(/:\d+$/, ''), base: typeof doc.basePath === 'string' ? doc.basePath : '' });
  } else if (Array.isArray(doc.servers)) {
    for (const s of doc.servers) {
      if (typeof s?.url !== 'string') continue;
      try {
        const u = new URL(s.url.replace(/\{[^}]*\}/g, 'x'));
        bases.push({ host: u.hostname.toLowerCase(), base: u.pathname });
      } catch {
        // A relative server URL names no host.
      }
    }
  }
  if (!bases.length) throw invalidInput(`spec ${file} names no absolute server URL (servers[].url or host), so its host is unknown`);
  const out: SpecTemplates[] = [];
  for (const { host, base } of bases) {
    const prefix = base.replace(/\/+$/, '');
    const templates: SpecTemplates['templates'] = [];
    for (const [p, item] of Object.entries(doc.paths as Record<string, any>)) {
      for (const m of METHODS) if (item && typeof item === 'object' && item[m]) templates.push({ method: m.toUpperCase(), path: prefix + p });
    }
    out.push({ host, templates });
  }
  return out;
}
