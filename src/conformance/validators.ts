import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { SchemaNode, SpecDialect, SpecModel } from '../spec/model.js';
import { compileLinearRegex } from '../util/linear-regex.js';
import { REDACTION_FORMAT, createSchemaEmitter, isRedactionPlaceholder, type SchemaEmitter } from './json-schema.js';

/**
 * Compiled JSON Schema validators for the schemas of one spec version, compiled lazily on first use and
 * kept in a bounded LRU (per schema node, so an operation's parameters and bodies each compile once).
 *
 * - OpenAPI 3.1 -> ajv's 2020-12 engine; 3.0 and Swagger 2.0 (which the model reads as 3.0) -> draft-07
 *   after `nullable` / boolean exclusive bounds are rewritten (see `json-schema.ts`).
 * - Named schemas are registered once per spec and referenced by `$ref`, so cyclic schemas compile and a
 *   schema shared by many operations is compiled once.
 * - ajv: `allErrors: false` (the first violation per value: events are many, aggregation sees the rest),
 *   `strict: false` (real specs carry unknown keywords), no `$data`, no remote `$ref` loading, formats
 *   from ajv-formats plus OpenAPI's (`int32`, `int64`, `float`, `double`, `byte`, `binary`, `password`).
 * - ReDoS: every spec `pattern` / `patternProperties` key runs on `src/util/linear-regex.ts` (a linear-time
 *   engine) through ajv's `code.regExp` option. A pattern that engine does not support (look-arounds,
 *   back-references) or longer than 256 characters is not checked (it accepts everything): a missed
 *   pattern violation, never super-linear time on traffic.
 * - A schema ajv cannot compile makes that one check `unchecked` (counted), never an exception.
 *
 * @example
 *   const v = createSpecValidators(model);
 *   const check = v.get(op.requestBody!.content[0]!.schema!);
 *   if (check.kind === 'ready' && !check.validate(JSON.parse(text), { redacted: false })) report(check.error());
 */

// ajv-formats is CommonJS with a default export.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

export interface SchemaError {
  /** JSON pointer into the value (`/items/0/id`); for `required`, the missing property's pointer. */
  pointer: string;
  /** The JSON Schema keyword that failed (`type`, `required`, `format`...). */
  keyword: string;
  /** ajv's message: it names the keyword's argument (a type, a format, a limit), never the value. */
  message: string;
}

export type CompiledCheck =
  | {
      kind: 'ready';
      /** `redacted`: the value may hold redaction placeholders (use the tolerant variant). */
      validate(value: unknown, opts: { redacted: boolean }): SchemaError | null;
    }
  | { kind: 'unchecked'; reason: string };

export interface SpecValidators {
  get(node: SchemaNode): CompiledCheck;
  /** Compiled checks held, compile failures so far. */
  stats(): { cached: number; unchecked: number };
}

export interface ValidatorOptions {
  /** Most schema nodes with compiled validators kept (LRU). Default 4096. */
  maxCached?: number;
}

interface LinearRegExpEngine {
  (pattern: string, u: string): { test(s: string): boolean; toString(): string };
  code: string;
}

const ACCEPT_ALL = { test: () => true };

/** Values up to this length have their pattern results remembered... */
const MEMO_MAX_LENGTH = 64;
/** ...this many per pattern (the memo starts over when full). */
const MEMO_SIZE = 512;

/**
 * ajv `code.regExp`: the linear engine, or accept-all for patterns it refuses. The engine costs about a
 * microsecond per character, and traffic repeats its short values (currencies, statuses, SKUs): results for
 * short values are remembered per pattern, in a bounded map, so a repeated value costs one lookup.
 */
const linearRegExp: LinearRegExpEngine = Object.assign(
  (pattern: string) => {
    try {
      const re = compileLinearRegex(pattern);
      const memo = new Map<string, boolean>();
      const test = (s: string): boolean => {
        if (s.length > MEMO_MAX_LENGTH) return re.test(s);
        let r = memo.get(s);
        if (r === undefined) {
          r = re.test(s);
          if (memo.size >= MEMO_SIZE) memo.clear();
          memo.set(s, r);
        }
        return r;
      };
      return { test, toString: () => `linear:${pattern}` };
    } catch {
      return { ...ACCEPT_ALL, toString: () => `unchecked:${pattern}` };
    }
  },
  { code: 'bulwarkLinearRegExp' },
);

function newAjv(dialect: SpecDialect): Ajv {
  const opts: Options = {
    strict: false,
    allErrors: false,
    validateSchema: false,
    validateFormats: true,
    logger: false,
    $data: false,
    code: { regExp: linearRegExp },
  };
  const ajv = dialect === 'openapi-3.1' ? (new Ajv2020(opts) as unknown as Ajv) : new Ajv(opts);
  addFormats(ajv);
  const INT32 = 2 ** 31;
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -INT32 && n < INT32 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('byte', { type: 'string', validate: (s: string) => s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s) });
  ajv.addFormat('binary', true);
  ajv.addFormat('password', true);
  ajv.addFormat(REDACTION_FORMAT, { type: 'string', validate: isRedactionPlaceholder });
  return ajv;
}

function firstError(errors: ErrorObject[] | null | undefined): SchemaError {
  const e = errors?.[0];
  if (!e) return { pointer: '', keyword: 'unknown', message: 'does not match the schema' };
  let pointer = e.instancePath;
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'required' && typeof params.missingProperty === 'string') pointer += `/${escape(params.missingProperty)}`;
  if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') pointer += `/${escape(params.additionalProperty)}`;
  const message = e.keyword === 'additionalProperties' ? 'is not an allowed property' : e.keyword === 'required' ? 'is required' : (e.message ?? 'does not match the schema');
  return { pointer, keyword: e.keyword, message };
}

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export function createSpecValidators(model: Pick<SpecModel, 'dialect'>, opts: ValidatorOptions = {}): SpecValidators {
  const maxCached = opts.maxCached ?? 4096;
  const ajv = newAjv(model.dialect);
  const register = (id: string, schema: Record<string, unknown>) => ajv.addSchema(schema, id);
  const emitters: Record<'strict' | 'tolerant', SchemaEmitter> = {
    strict: createSchemaEmitter(model.dialect, false, register),
    tolerant: createSchemaEmitter(model.dialect, true, register),
  };
  const cache = new Map<SchemaNode, CompiledCheck>();
  let unchecked = 0;

  const compile = (node: SchemaNode, variant: 'strict' | 'tolerant'): ValidateFunction => ajv.compile(emitters[variant].emit(node));

  const build = (node: SchemaNode): CompiledCheck => {
    let strict: ValidateFunction;
    try {
      strict = compile(node, 'strict');
    } catch (err) {
      unchecked++;
      return { kind: 'unchecked', reason: err instanceof Error ? err.message.slice(0, 200) : 'schema does not compile' };
    }
    let tolerant: ValidateFunction | null | undefined;
    return {
      kind: 'ready',
      validate(value, { redacted }) {
        if (strict(value)) return null;
        if (redacted) {
          // Compiled on first need: most events carry no placeholder where a schema checks.
          if (tolerant === undefined) {
            try {
              tolerant = compile(node, 'tolerant');
            } catch {
              tolerant = null;
            }
          }
          if (tolerant === null || tolerant(value)) return null;
          return firstError(tolerant.errors);
        }
        return firstError(strict.errors);
      },
    };
  };

  return {
    get(node) {
      const hit = cache.get(node);
      if (hit) {
        cache.delete(node);
        cache.set(node, hit);
        return hit;
      }
      const check = build(node);
      if (cache.size >= maxCached) {
        const oldest = cache.keys().next();
        if (!oldest.done) cache.delete(oldest.value);
      }
      cache.set(node, check);
      return check;
    },
    stats: () => ({ cached: cache.size, unchecked }),
  };
}
