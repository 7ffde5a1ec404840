import { readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { DomainError, invalidInput, notFound } from '../errors/domain-errors.js';

/**
 * Files people edit and keep in a repository (spec review files, ownership rules files): YAML (JSON is YAML
 * too), validated by a contract schema, with errors that name the file, line, column and field.
 *
 * @example
 * const text = readBoundedFile('owners.yaml', 'rules file owners.yaml', 8 * 1024 * 1024);
 * const file = parseYamlWith(OwnershipFile, text, 'rules file owners.yaml');
 * // invalid_input: "rules file owners.yaml:7:9: rules.0.match: give one of host, specTitle, specTag or specOwner"
 */

/** The file's text. Missing: `not_found`; too large or unreadable: `invalid_input`; `what` names it. */
export function readBoundedFile(file: string, what: string, maxBytes: number): string {
  try {
    if (statSync(file).size > maxBytes) throw invalidInput(`${what} is larger than ${maxBytes / 1024 / 1024} MiB`);
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof DomainError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(`${what} not found`);
    throw invalidInput(`${what} cannot be read`);
  }
}

/** Parses and validates; the first problem becomes `invalid_input` at the nearest written node's line and column. */
export function parseYamlWith<S extends z.ZodType>(schema: S, text: string, what: string): z.output<S> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = lineCounter.linePos(e.pos[0]);
    throw invalidInput(`${what}:${pos.line}:${pos.col}: not valid YAML: ${e.message.split('\n')[0]}`);
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw invalidInput(`${what}: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data as z.output<S>;
  const issue = parsed.error.issues[0];
  const path = (issue?.path ?? []) as Array<string | number>;
  // The nearest written node of the path, for a line number.
  let where = '';
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) {
      const pos = lineCounter.linePos(node.range[0]);
      where = `:${pos.line}:${pos.col}`;
      break;
    }
  }
  throw invalidInput(`${what}${where}: ${path.length ? path.join('.') : '(top level)'}: ${issue?.message ?? 'invalid'}`);
}
