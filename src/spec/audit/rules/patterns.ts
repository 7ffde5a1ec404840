/**
 * Every regular expression the spec rules run on text from the document (names, URLs, descriptions,
 * examples), in one place so `patterns.test.ts` can check each with `redos-detector`. Names are matched
 * by word lists (see `kit.ts`), not by patterns; these are the few places where a pattern is clearer.
 */
export const RULE_PATTERNS = {
  /** `2026-06-30` anywhere in a description: a retirement date. */
  isoDate: /\b20\d\d-[01]\d-[0-3]\d\b/,
  /** Runs of characters other than lower-case letters and digits (for `compact`). */
  notAlnum: /[^a-z0-9]+/g,
  /** The body of a `{n}`, `{n,}` or `{n,m}` quantifier. */
  quantifierBody: /^\d*(,\d*)?$/,
  /** One IPv4 octet. */
  octet: /^\d{1,3}$/,
  /** A digits-only pattern body with a counted repetition: `\d{1,10}$`, `[0-9]{6}$`. */
  countedDigits: /^(?:\\d|\[0-9\])\{\d+(?:,\d*)?\}\$$/,
  /** A JSON-pointer array index. */
  arrayIndex: /^(?:0|[1-9]\d*)$/,
} as const;

/** Whole-token recognisers of live-looking secrets, run on tokens of example strings (see `names.ts`). */
export const SECRET_PATTERNS: ReadonlyArray<{ kind: string; re: RegExp }> = [
  { kind: 'an AWS access key id', re: /^(?:AKIA|ASIA)[0-9A-Z]{16}$/ },
  { kind: 'a GitHub token', re: /^gh[pousr]_[A-Za-z0-9]{36,255}$/ },
  { kind: 'a GitHub fine-grained token', re: /^github_pat_[A-Za-z0-9_]{22,255}$/ },
  { kind: 'a Slack token', re: /^xox[abposr]-[A-Za-z0-9-]{10,255}$/ },
  { kind: 'a Stripe live key', re: /^(?:sk|rk)_live_[A-Za-z0-9]{16,255}$/ },
  { kind: 'a Google API key', re: /^AIza[0-9A-Za-z_-]{35}$/ },
  { kind: 'a JSON Web Token', re: /^eyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{16,4096}$/ },
];
