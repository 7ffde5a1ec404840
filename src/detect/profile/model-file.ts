import { readFileSync, statSync } from 'node:fs';
import { DomainError, invalidInput, notFound } from '../../errors/domain-errors.js';
import { MAX_MODEL_BYTES, parseProfileModel, type ProfileModel } from './model.js';

/**
 * Reads and validates a model written by `bulwark learn` (`scan --model`, and `detection.profileFile` at start).
 * `label` names the setting in error messages.
 */
export function loadModelFile(file: string, label = '--model'): ProfileModel {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw invalidInput(`${label} ${file}: not a regular file`);
    size = st.size;
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw notFound(`${label} ${file}: no such file`);
  }
  if (size > MAX_MODEL_BYTES) throw invalidInput(`${label} ${file}: larger than ${MAX_MODEL_BYTES / 1024 / 1024} MiB`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw invalidInput(`${label} ${file}: not a JSON file (write one with "bulwark learn")`);
  }
  try {
    return parseProfileModel(raw);
  } catch (err) {
    throw invalidInput(`${label} ${file}: ${(err as Error).message}`);
  }
}
