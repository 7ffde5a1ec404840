import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the labelled evaluation traffic lives (`../shared/data/` beside the project, see its README):
 * `BULWARK_EVAL_DATA` when set, else `../shared/data` from the project root, else `/work/shared/data`
 * (a clone elsewhere on the same machine, as CI makes). Tests and benchmarks that need it fail with this
 * message when it is missing: they never skip.
 */
export function evalDataDir(): string {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const candidates = [process.env.BULWARK_EVAL_DATA, path.resolve(root, '..', 'shared', 'data'), '/work/shared/data'];
  for (const c of candidates) if (c && existsSync(path.join(c, 'README.md'))) return c;
  throw new Error(
    `the labelled evaluation data (CSIC 2010, ATRDF) was not found in ${candidates.filter(Boolean).join(', ')}; set BULWARK_EVAL_DATA to its directory`,
  );
}
