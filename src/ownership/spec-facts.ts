import { parse } from 'yaml';

/**
 * What the spec ownership rules read of a spec version: who owns it (`x-owner`, `info.contact`) and the
 * tags of its operations. Read from the parsed document as written (path items behind a `$ref` are not
 * followed), so that the registry (on the document it just loaded) and the schema step (on stored texts)
 * read the same facts.
 *
 * @example
 * specOwnershipFacts({ info: { contact: { email: 'pay@example.com' } }, 'x-owner': 'payments', paths: { '/cards': { get: { tags: ['cards'] } } } })
 * // { owners: ['payments', 'pay@example.com'], operations: [{ method: 'GET', path: '/cards', tags: ['cards'] }] }
 */
export interface SpecOwnershipFacts {
  /** `x-owner` (top level, then `info`), `info.contact.email`, `info.contact.name`: trimmed, without repeats. */
  owners: string[];
  /** Operations that carry tags; `method` upper-case, `path` as written under `paths`. */
  operations: Array<{ method: string; path: string; tags: string[] }>;
}

export const NO_SPEC_FACTS: Readonly<SpecOwnershipFacts> = Object.freeze({ owners: [], operations: [] });

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
// Bounds: the facts are cached per store connection, so a hostile spec must not make them large.
const MAX_OWNERS = 10;
const MAX_OWNER_LENGTH = 254;
const MAX_TAGGED_OPERATIONS = 20_000;
const MAX_TAGS_PER_OPERATION = 20;
const MAX_TAG_LENGTH = 200;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function ownerStrings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(ownerStrings);
  // `x-owner: { name: payments, email: pay@example.com }`
  if (isObject(v)) return [v.name, v.email, v.team].flatMap((x) => (typeof x === 'string' ? [x] : []));
  return [];
}

export function specOwnershipFacts(doc: unknown): SpecOwnershipFacts {
  if (!isObject(doc)) return { owners: [], operations: [] };
  const info = isObject(doc.info) ? doc.info : {};
  const contact = isObject(info.contact) ? info.contact : {};
  const candidates = [...ownerStrings(doc['x-owner']), ...ownerStrings(info['x-owner']), ...ownerStrings(contact.email), ...ownerStrings(contact.name)];
  const owners: string[] = [];
  for (const c of candidates) {
    const o = c.trim();
    if (o === '' || o.length > MAX_OWNER_LENGTH || owners.some((x) => x.toLowerCase() === o.toLowerCase())) continue;
    owners.push(o);
    if (owners.length >= MAX_OWNERS) break;
  }
  const operations: SpecOwnershipFacts['operations'] = [];
  const paths = isObject(doc.paths) ? doc.paths : {};
  outer: for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op) || !Array.isArray(op.tags)) continue;
      const tags = [...new Set(op.tags.filter((t): t is string => typeof t === 'string' && t.trim() !== '' && t.length <= MAX_TAG_LENGTH).map((t) => t.trim()))];
      if (tags.length === 0) continue;
      operations.push({ method: method.toUpperCase(), path, tags: tags.slice(0, MAX_TAGS_PER_OPERATION) });
      if (operations.length >= MAX_TAGGED_OPERATIONS) break outer;
    }
  }
  return { owners, operations };
}

/** The facts of a spec text (YAML or JSON); a text that does not parse has none. */
export function specOwnershipFactsFromText(text: string): SpecOwnershipFacts {
  try {
    return specOwnershipFacts(parse(text, { maxAliasCount: 100 }));
  } catch {
    return { owners: [], operations: [] };
  }
}
