import type { Severity } from '../contracts/finding.js';

/**
 * The shapes shared by every threat detector (issue 5): payload signatures, the learned positive model
 * and behavioural detectors. A detector is a declarative record plus a pure function; state reaches it
 * through an explicit context, never through module-level variables.
 */

/** Where in a request a value sat. `name` is the parameter, header or cookie name, or a JSON pointer. */
export type ValueLocation = 'path' | 'query' | 'header' | 'cookie' | 'body' | 'body-raw';

/** Attack families, used for per-class accuracy figures and the console's emerging-threats panel. */
export const ATTACK_CATEGORIES = [
  'sqli',
  'nosqli',
  'xss',
  'command-injection',
  'path-traversal',
  'ssrf',
  'xxe',
  'ssti',
  'log4shell',
  'crlf-injection',
  'log-forging',
  'cookie-injection',
  'scanner',
  'anomaly',
  'bola',
  'enumeration',
  'credential-stuffing',
  'rate-anomaly',
  'scraping',
  'data-exposure',
  'bfla',
  'token-misuse',
] as const;
export type AttackCategory = (typeof ATTACK_CATEGORIES)[number];

/** The record every detector declares (rules as data; docs and tests are checked against it). */
export interface DetectorInfo {
  /** Stable kebab-case id with a family prefix: `sqli-tokens`, `xss-markup`, `bola-distinct-ids`. */
  readonly id: string;
  readonly title: string;
  readonly category: AttackCategory;
  readonly severity: Severity;
  /** OWASP API Security Top 10 2023, e.g. `API8:2023`. */
  readonly owasp: string;
  /** e.g. `CWE-89`. */
  readonly cwe: string;
  /** MITRE ATT&CK technique, e.g. `T1190`. */
  readonly mitre: string;
  readonly rationale: string;
  readonly remediation: string;
}

/** One value of a request, after URL/form/JSON decoding (the detector sees decoded text). */
export interface InspectedValue {
  readonly location: ValueLocation;
  readonly name: string;
  /** Fully decoded value (repeated percent-encoding, `+`, HTML entities and unicode escapes undone, bounded). */
  readonly value: string;
}

/** A detection, as the pipeline, the `scan` CLI and the cases module receive it. */
export interface Detection {
  readonly detector: string;
  readonly category: AttackCategory;
  readonly severity: Severity;
  /** 0..1: how sure the detector is. */
  readonly confidence: number;
  readonly owasp: string;
  readonly mitre: string;
  readonly location: { readonly where: ValueLocation | 'request' | 'response' | 'actor'; readonly name: string };
  /**
   * What matched, for an analyst: the matched fragment of the payload with any sensitive data replaced by
   * redaction placeholders (attack strings are kept: they are the evidence), bounded to 200 characters.
   */
  readonly evidence: string;
}
