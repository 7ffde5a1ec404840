import { z } from 'zod';
import { DataCategory, Sensitivity } from '../contracts/data-class.js';
import type { DataClassInfo } from '../contracts/data-class.js';
import { invalidInput } from '../errors/domain-errors.js';
import { CUSTOM_CLASS_ID } from './patterns.js';

/**
 * Longest value (and key name) a custom pattern is run against. Custom patterns are written by operators,
 * not reviewed by our ReDoS test, and run on attacker-controlled input; the cap bounds what a careless
 * pattern can cost. It does not make an exponential pattern safe: check custom patterns with a ReDoS
 * checker before deploying them.
 */
export const CUSTOM_PATTERN_MAX_INPUT = 256;

function compiles(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

/**
 * A data class from config.
 *
 * @example
 * { id: 'custom-employee-id', title: 'Employee id', category: 'pii', sensitivity: 'medium',
 *   keyPattern: '^(employee|staff)_?id$', valuePattern: '^E\\d{6}$' }
 */
export const CustomClass = z
  .object({
    id: z.string().regex(CUSTOM_CLASS_ID, 'custom class ids are kebab-case and start with "custom-"'),
    title: z.string().min(1).max(120),
    category: DataCategory,
    sensitivity: Sensitivity,
    /** Tested case-insensitively against the raw key name (header, query, cookie or JSON field name). */
    keyPattern: z.string().max(512).refine(compiles, 'keyPattern is not a valid regular expression').optional(),
    /** Tested case-sensitively against the whole value; values over 256 characters are never tested. */
    valuePattern: z.string().max(512).refine(compiles, 'valuePattern is not a valid regular expression').optional(),
  })
  .refine((c) => c.keyPattern !== undefined || c.valuePattern !== undefined, 'set keyPattern, valuePattern or both');
export type CustomClass = z.infer<typeof CustomClass>;

export interface CompiledCustomClass {
  readonly info: DataClassInfo;
  readonly key: RegExp | null;
  readonly value: RegExp | null;
}

/** Compiles once at start; a pattern that does not compile has already been rejected by `CustomClass`. */
export function compileCustomClasses(classes: readonly CustomClass[]): readonly CompiledCustomClass[] {
  return classes.map((c) => {
    const result = CustomClass.safeParse(c);
    if (!result.success) {
      throw invalidInput(`invalid custom data class ${String((c as { id?: unknown }).id)}: ${result.error.issues[0]?.message ?? 'invalid'}`);
    }
    const parsed = result.data;
    return {
      info: { id: parsed.id, title: parsed.title, category: parsed.category, sensitivity: parsed.sensitivity },
      key: parsed.keyPattern === undefined ? null : new RegExp(parsed.keyPattern, 'i'),
      value: parsed.valuePattern === undefined ? null : new RegExp(parsed.valuePattern),
    };
  });
}

/**
 * Both patterns must match when both are set; a key-only class needs a non-empty value; a value-only
 * class ignores the key.
 */
export function matchCustomClass(
  c: CompiledCustomClass,
  value: string,
  keyName: string | undefined,
): 'key' | 'value' | 'key+value' | null {
  if (value.length === 0) return null;
  let keyHit = false;
  if (c.key) {
    if (keyName === undefined || keyName.length > CUSTOM_PATTERN_MAX_INPUT || !c.key.test(keyName)) return null;
    keyHit = true;
  }
  if (c.value) {
    if (value.length > CUSTOM_PATTERN_MAX_INPUT || !c.value.test(value)) return null;
    return keyHit ? 'key+value' : 'value';
  }
  return value.trim().length > 0 ? 'key' : null;
}
