/**
 * Turns an OpenAPI / Swagger document into realistic concrete request paths, for benchmarks that must not
 * see the spec they are scored against. Values follow each path parameter's schema (integers, UUIDs,
 * dates, enums) and, for free strings, its name (user names, repository-like slugs, file names, branch
 * names, opaque ids), drawn Zipf-like from large generated vocabularies so that most values are rare and a
 * few repeat, as in real traffic. Everything is a pure function of the seed.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { Rng, WeightedSampler } from '../../src/demo/prng.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

export interface ParamSchema {
  type?: string;
  format?: string;
  enum?: unknown[];
}

export interface SpecOperation {
  method: string;
  /** Path as written in the spec, e.g. `/repos/{owner}/{repo}`. */
  path: string;
  params: Record<string, ParamSchema>;
}

export interface GeneratedRequest {
  method: string;
  path: string;
  /** Index into the operations list. */
  op: number;
  /** The spec path with enum parameters replaced by the value used and others by `{}`. */
  expansion: string;
}

export interface TrafficOptions {
  perOperation: number;
  seed: number;
  /** Zipf exponent of free-string value popularity. */
  zipf: number;
  /** Size of each generated vocabulary. */
  vocabulary: number;
  /** Whether file paths and branch names may contain `/` (multi-segment values), as real ones do. */
  slashValues: boolean;
}

export const DEFAULT_TRAFFIC_OPTIONS: TrafficOptions = { perOperation: 30, seed: 1, zipf: 1, vocabulary: 5000, slashValues: true };

export function loadSpecDocument(file: string): any {
  const text = readFileSync(file, 'utf8');
  return file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 1000 });
}

function deref(doc: any, node: any, depth = 0): any {
  let n = node;
  while (n && typeof n === 'object' && typeof n.$ref === 'string' && depth < 20) {
    const ref: string = n.$ref;
    if (!ref.startsWith('#/')) return {};
    n = ref
      .slice(2)
      .split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((acc: any, key) => (acc && typeof acc === 'object' ? acc[key] : undefined), doc);
    depth++;
  }
  return n ?? {};
}

function schemaOf(doc: any, param: any): ParamSchema {
  const s = deref(doc, param.schema ?? param);
  const first = Array.isArray(s.oneOf) ? deref(doc, s.oneOf[0]) : Array.isArray(s.anyOf) ? deref(doc, s.anyOf[0]) : s;
  const out: ParamSchema = {};
  if (typeof first.type === 'string') out.type = first.type;
  if (typeof first.format === 'string') out.format = first.format;
  if (Array.isArray(first.enum) && first.enum.length > 0) out.enum = first.enum;
  return out;
}

/** Every (method, path) operation with the schemas of its path parameters. */
export function specOperations(doc: any): SpecOperation[] {
  const ops: SpecOperation[] = [];
  for (const [path, rawItem] of Object.entries<any>(doc.paths ?? {})) {
    const item = deref(doc, rawItem);
    const common: any[] = Array.isArray(item.parameters) ? item.parameters : [];
    for (const m of METHODS) {
      const op = item[m];
      if (!op || typeof op !== 'object') continue;
      const params: Record<string, ParamSchema> = {};
      for (const raw of [...common, ...(Array.isArray(op.parameters) ? op.parameters : [])]) {
        const p = deref(doc, raw);
        if (p.in === 'path' && typeof p.name === 'string') params[p.name] = schemaOf(doc, p);
      }
      ops.push({ method: m.toUpperCase(), path, params });
    }
  }
  return ops;
}

// ---- vocabularies -----------------------------------------------------------------------------------

const FIRST = ['alex', 'maria', 'john', 'wei', 'fatima', 'lars', 'yuki', 'omar', 'sofia', 'raj', 'emma', 'noah', 'liam', 'olivia', 'lucas', 'mia', 'arjun', 'chen', 'ivan', 'ana', 'kofi', 'amara', 'diego', 'elena', 'hiro', 'nina', 'paul', 'sara', 'tom', 'zoe', 'ben', 'kim', 'leo', 'eva', 'max', 'ida', 'sam', 'joy', 'dan', 'ali'];
const LAST = ['smith', 'garcia', 'chen', 'nguyen', 'patel', 'mueller', 'rossi', 'tanaka', 'kowalski', 'silva', 'johnson', 'brown', 'lee', 'wang', 'kim', 'martin', 'dubois', 'novak', 'haddad', 'okafor', 'jensen', 'ivanova', 'sato', 'lopez', 'costa'];
const ORGISH = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'wonka', 'cyberdyne', 'tyrell', 'octo', 'pied', 'vandelay', 'soylent', 'aperture', 'massive', 'nimbus', 'vertex', 'quantum', 'blue'];
const ORGSUFFIX = ['corp', 'labs', 'inc', 'io', 'dev', 'hq', 'team', 'cloud', 'systems', 'works'];
const ADJ = ['awesome', 'simple', 'fast', 'tiny', 'legacy', 'new', 'open', 'smart', 'super', 'modern', 'secure', 'cloud', 'data', 'web', 'mobile', 'internal', 'shared', 'core', 'next', 'old', 'hello', 'my', 'react', 'go', 'rust', 'py', 'node', 'vue', 'infra', 'ml'];
const NOUN = ['project', 'app', 'service', 'api', 'tools', 'utils', 'site', 'docs', 'cli', 'sdk', 'lib', 'engine', 'platform', 'dashboard', 'bot', 'parser', 'server', 'client', 'pipeline', 'world', 'demo', 'starter', 'config', 'scripts', 'terraform', 'plugin', 'theme', 'manager', 'tracker', 'store'];
const FILE_BASE = ['readme', 'index', 'main', 'config', 'setup', 'utils', 'app', 'server', 'license', 'changelog', 'package', 'dockerfile', 'makefile', 'test', 'styles', 'schema', 'routes', 'handler', 'model', 'notes'];
const EXT = ['md', 'ts', 'js', 'py', 'go', 'json', 'yaml', 'txt', 'rs', 'css', 'html', 'java'];
const DIRS = ['src', 'docs', 'lib', 'test', '.github', 'scripts', 'config', 'pkg', 'cmd', 'assets'];
const BRANCH_PREFIX = ['feature', 'fix', 'release', 'chore', 'hotfix', 'dependabot'];

type Family = 'user' | 'slug' | 'file' | 'branch';

function makeVocabulary(family: Family, size: number, slashes: boolean, rng: Rng): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  let guard = 0;
  while (out.length < size && guard++ < size * 50) {
    let v: string;
    switch (family) {
      case 'user': {
        const style = rng.int(6);
        const f = rng.pick(FIRST);
        const l = rng.pick(LAST);
        if (style === 0) v = `${f}${l}`;
        else if (style === 1) v = `${f}-${l}`;
        else if (style === 2) v = `${f[0]}${l}${rng.int(100)}`;
        else if (style === 3) v = `${rng.pick(ORGISH)}-${rng.pick(ORGSUFFIX)}`;
        else if (style === 4) v = `${f}_${l}${rng.int(10)}`;
        else v = `${rng.pick(ORGISH)}${rng.pick(ORGSUFFIX)}${rng.chance(0.5) ? rng.int(1000) : ''}`;
        break;
      }
      case 'slug': {
        const style = rng.int(5);
        const a = rng.pick(ADJ);
        const n = rng.pick(NOUN);
        if (style === 0) v = `${a}-${n}`;
        else if (style === 1) v = `${a}-${n}-${rng.pick(NOUN)}`;
        else if (style === 2) v = `${a}_${n}`;
        else if (style === 3) v = `${rng.pick(ORGISH)}-${n}${rng.chance(0.3) ? `-v${rng.int(5)}` : ''}`;
        else v = `${a}${n}${rng.int(100)}`;
        break;
      }
      case 'file': {
        const name = `${rng.pick(FILE_BASE)}${rng.chance(0.4) ? `-${rng.pick(NOUN)}` : ''}${rng.chance(0.2) ? rng.int(10) : ''}.${rng.pick(EXT)}`;
        // Some values carry slashes: paths span segments in real traffic.
        v = rng.chance(0.3) ? `${rng.pick(DIRS)}/${name}` : name;
        break;
      }
      case 'branch': {
        const style = rng.int(4);
        if (style === 0) v = rng.chance(0.5) ? 'main' : 'develop';
        else if (style === 1) v = `${rng.pick(BRANCH_PREFIX)}/${rng.pick(ADJ)}-${rng.pick(NOUN)}`;
        else if (style === 2) v = `v${rng.int(5)}.${rng.int(20)}.${rng.int(10)}`;
        else v = `${rng.pick(ADJ)}-${rng.pick(NOUN)}-${rng.int(1000)}`;
        break;
      }
    }
    if (!slashes) v = v.replace(/\//g, '-');
    if (!seen.has(v)) {
      seen.add(v);
      out.push(v);
    }
  }
  return out;
}

class ZipfPool {
  private readonly sampler: WeightedSampler;
  constructor(
    readonly values: string[],
    s: number,
  ) {
    this.sampler = new WeightedSampler(values.map((_, r) => 1 / Math.pow(r + 1, s)));
  }
  draw(rng: Rng): string {
    return this.values[this.sampler.sample(rng)] ?? 'x';
  }
}

function hashName(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function uuid(rng: Rng): string {
  return `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-${'89ab'[rng.int(4)]}${rng.hex(3)}-${rng.hex(12)}`;
}

function date(rng: Rng): string {
  const d = new Date(Date.UTC(2020, 0, 1) + rng.int(5 * 365) * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** Integer ids spread over orders of magnitude, as auto-increment ids of old and new rows are. */
function intId(rng: Rng): string {
  return String(Math.floor(Math.exp(rng.float() * Math.log(1e7))) + 1);
}

export function createValueGenerator(opts: TrafficOptions) {
  const rng = new Rng(opts.seed * 7919 + 17);
  const pools = new Map<Family, ZipfPool>();
  const pool = (f: Family): ZipfPool => {
    let p = pools.get(f);
    if (!p) {
      const vocab = rng.shuffle(makeVocabulary(f, opts.vocabulary, opts.slashValues, new Rng(opts.seed * 31 + f.length * 1009 + f.charCodeAt(0))));
      p = new ZipfPool(vocab, opts.zipf);
      pools.set(f, p);
    }
    return p;
  };

  /** A value for a free (non-enum) path parameter, by schema first, then by name. */
  function value(name: string, schema: ParamSchema): string {
    const n = name.toLowerCase();
    const t = schema.type;
    const f = schema.format ?? '';
    if (t === 'integer' || t === 'number') return intId(rng);
    if (t === 'boolean') return rng.chance(0.5) ? 'true' : 'false';
    if (f === 'uuid' || /uuid|guid/.test(n)) return uuid(rng);
    if (f === 'date') return date(rng);
    if (f === 'date-time') return `${date(rng)}T${String(rng.int(24)).padStart(2, '0')}:${String(rng.int(60)).padStart(2, '0')}:00Z`;
    if (f === 'email' || n.includes('email')) return `${pool('user').draw(rng)}@example.com`;
    if (/(^|_)ip($|_|v4|v6)/.test(n)) return rng.chance(0.9) ? `${10 + rng.int(200)}.${rng.int(256)}.${rng.int(256)}.${1 + rng.int(254)}` : `2001:db8::${rng.hex(4)}`;
    if (/digest/.test(n)) return `sha256:${rng.hex(64)}`;
    if (/(^|_)(sha|hash|commit|etag|checksum|fingerprint)/.test(n)) return rng.hex(40);
    if (/(^|_|[a-z])(id|uid|token)$/.test(n) || /Id$/.test(name)) {
      // Opaque string ids: the style is a property of the API, so it is fixed per parameter name.
      switch (hashName(name) % 4) {
        case 0:
          return intId(rng);
        case 1:
          return uuid(rng);
        case 2:
          return `${n.slice(0, 3)}_${rng.chars(16, ALNUM)}`;
        default:
          return rng.chars(12 + rng.int(12), ALNUM);
      }
    }
    if (/(^|_)(date|day)$/.test(n)) return date(rng);
    if (/path|file/.test(n)) return pool('file').draw(rng);
    if (/(^|_)(ref|branch|tag|basehead)/.test(n)) return pool('branch').draw(rng);
    if (/user|owner|org|login|member|author|assignee|account|enterprise|collaborator|customer|person/.test(n)) return pool('user').draw(rng);
    return pool('slug').draw(rng);
  }

  return { value, rng };
}

function splitTemplate(path: string): string[] {
  return path.split('?')[0]!.split('/').filter(Boolean);
}

function paramNames(seg: string): string[] {
  const out: string[] = [];
  let i = seg.indexOf('{');
  while (i >= 0) {
    const j = seg.indexOf('}', i);
    if (j < 0) break;
    out.push(seg.slice(i + 1, j));
    i = seg.indexOf('{', j);
  }
  return out;
}

/**
 * `perOperation` requests for each operation, shuffled. Enum parameters cycle through their combinations
 * (in a shuffled order) so that an operation's expansions are all requested when there are few of them.
 */
export function generateTraffic(ops: SpecOperation[], options: Partial<TrafficOptions> = {}): GeneratedRequest[] {
  const opts = { ...DEFAULT_TRAFFIC_OPTIONS, ...options };
  const gen = createValueGenerator(opts);
  const rng = gen.rng;
  const out: GeneratedRequest[] = [];
  ops.forEach((op, index) => {
    const segs = splitTemplate(op.path);
    const enumNames = Object.keys(op.params).filter((k) => op.params[k]?.enum);
    let combos: Array<Record<string, string>> = [{}];
    for (const name of enumNames) {
      const values = (op.params[name]?.enum ?? []).map(String);
      const next: Array<Record<string, string>> = [];
      for (const c of combos) for (const v of values) if (next.length < 1000) next.push({ ...c, [name]: v });
      combos = next;
    }
    rng.shuffle(combos);
    for (let i = 0; i < opts.perOperation; i++) {
      const combo = combos[i % combos.length] ?? {};
      const parts: string[] = [];
      const exp: string[] = [];
      for (const seg of segs) {
        const names = paramNames(seg);
        if (names.length === 0) {
          parts.push(seg);
          exp.push(seg);
          continue;
        }
        let concrete = seg;
        let expanded = seg;
        for (const name of names) {
          const fixed = combo[name];
          const v = fixed ?? gen.value(name, op.params[name] ?? {});
          concrete = concrete.replace(`{${name}}`, encodeURI(v).replace(/%2F/gi, '/'));
          expanded = expanded.replace(`{${name}}`, fixed !== undefined ? v : '{}');
        }
        parts.push(concrete);
        exp.push(expanded.includes('{') ? '{}' : expanded);
      }
      out.push({ method: op.method, path: '/' + parts.join('/'), op: index, expansion: '/' + exp.join('/') });
    }
  });
  return rng.shuffle(out);
}

/** A template with every parameter written `{}`, query and empty segments dropped: the unit of scoring. */
export function normaliseTemplate(path: string): string {
  return '/' + splitTemplate(path).map((s) => (s.includes('{') ? '{}' : s)).join('/');
}
