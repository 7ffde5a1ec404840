import type { DataCategory, Sensitivity } from '../contracts/data-class.js';
import type { BUILTIN_DATA_CLASSES } from '../contracts/data-class.js';

export type BuiltinDataClassId = (typeof BUILTIN_DATA_CLASSES)[number];

/**
 * Evidence from a key name (JSON field, header, query or cookie name). Names are normalised: lower-case,
 * letters and digits only, so `X-Api-Key`, `api_key` and `apiKey` are all `apikey`.
 */
export interface KeyRule {
  /** Exact normalised names. */
  readonly names?: readonly string[];
  /** Normalised name endings: `password` also covers `newPassword`, `user_password`. */
  readonly suffixes?: readonly string[];
  /** Normalised names that a suffix would catch but are not this class (`iphone`, `nextToken`). */
  readonly except?: readonly string[];
  /**
   * When set, `names` only count inside an object whose key is one of these (plural `s` ignored):
   * `name` under `customer`, `line1` under `address`.
   */
  readonly parents?: readonly string[];
  /** The value must still look right for the class; a key name alone never decides. */
  readonly accepts: (value: string) => boolean;
}

/** A data class: a declarative record plus pure detectors. */
export interface DataClassDefinition {
  readonly id: BuiltinDataClassId;
  readonly title: string;
  readonly category: DataCategory;
  readonly sensitivity: Sensitivity;
  /** One line for `docs/data-classes.md`: how it is detected and validated. */
  readonly detection: string;
  /**
   * Cheap test on the character profile of the value; `detect` runs only when it passes. Keeps the hot
   * path at one pass over each string instead of one per class.
   */
  readonly quick?: (p: ValueProfile) => boolean;
  /** Detection from the value alone. Absent for classes that only a key name can reveal (passwords, names). */
  readonly detect?: (value: string) => boolean;
  readonly keyNames?: readonly KeyRule[];
  /**
   * Skip `detect` under keys that name an identifier or a version (`orderId`, `appVersion`): a Luhn-valid
   * order number or a four-part version string is not a card or an IP address.
   */
  readonly skipValueUnderIdKeys?: boolean;
}

/** One class found in one value. `evidence` says whether the key name, the value, or both gave it away. */
export interface DataClassMatch {
  readonly dataClass: string;
  readonly evidence: 'key' | 'value' | 'key+value';
}

/** A sensitive span in free text, `text.slice(start, end)`. Spans are sorted and never overlap. */
export interface TextSpan {
  readonly dataClass: string;
  readonly start: number;
  readonly end: number;
}

export interface ClassifyContext {
  /** Key of the enclosing object (or of the array holding it), for `name` under `customer`, `line1` under `address`. */
  readonly parentKey?: string;
}

/** Character counts of a value, computed once per value by `fillProfile`. */
export interface ValueProfile {
  readonly length: number;
  /** First character code, or -1 for an empty string. */
  readonly first: number;
  readonly digits: number;
  readonly upper: number;
  readonly lower: number;
  readonly at: number;
  readonly dash: number;
  readonly dot: number;
  readonly colon: number;
  readonly space: number;
  /** Everything else, non-ASCII included. */
  readonly other: number;
}
