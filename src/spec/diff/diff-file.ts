import { loadSpec } from '../load.js';
import { diffSpecs } from './diff.js';
import { DIFF_RULES } from './registry.js';
import type { SpecDiffResult } from './report/result.js';

/**
 * Two spec files through the whole diff: load and model each (the old one first, so an error names the
 * first bad file), diff them. The CLI formats the result; bad input is a domain error from the loader
 * (`not_found`, `too_large`, `invalid_input` with file:line:column).
 *
 * @example
 *   const result = await diffSpecFiles('v1/openapi.yaml', 'v2/openapi.yaml');
 *   result.changes.filter((c) => c.kind === 'breaking').length;
 */
export async function diffSpecFiles(oldFile: string, newFile: string): Promise<SpecDiffResult> {
  const old = await loadSpec(oldFile);
  const next = await loadSpec(newFile);
  return { old, next, changes: diffSpecs(old, next, DIFF_RULES), rules: DIFF_RULES };
}
