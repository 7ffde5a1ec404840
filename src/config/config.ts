import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { BehaviourConfig } from '../detect/behaviour/config.js';
import { ExportsConfig } from '../cases/export/config.js';
import { RemediationConfig } from '../remediation/config.js';
import { invalidInput } from '../errors/domain-errors.js';
import { CustomClass } from '../classify/custom-classes.js';
import { MAX_SPEC_HOSTS, SpecHost } from '../contracts/spec-registry.js';
import { RiskConfigSchema } from '../risk/config.js';

/**
 * A watched spec path: a file, or a directory whose `*.yaml`, `*.yml` and `*.json` files (not those of
 * its subdirectories) are each a spec. A bare string is `{ path }`. `specId` and `name` are for a file only.
 */
const SpecWatchEntry = z.union([
  z
    .string()
    .trim()
    .min(1)
    .transform((p): { path: string; specId?: string; name?: string; hosts?: string[]; application?: string } => ({ path: p })),
  z
    .object({
      path: z.string().trim().min(1),
      /** Feed this existing spec (default: the spec the file created on its first import). */
      specId: z.string().trim().min(1).max(64).optional(),
      /** The spec's name (default: `info.title`, else the file name). */
      name: z.string().trim().min(1).max(200).optional(),
      /** Hosts set by hand (default: those of the spec's `servers`). */
      hosts: z.array(SpecHost).min(1).max(MAX_SPEC_HOSTS).optional(),
      /** The owning application's id, set by hand (default: matched by host). */
      application: z.string().trim().min(1).max(64).optional(),
    })
    .strict(),
]);
export type SpecWatchEntry = z.output<typeof SpecWatchEntry>;

const SpecsConfig = z
  .object({
    /** Imported at start and whenever they change, each file as a new version of its own spec. */
    watch: z.array(SpecWatchEntry).max(100).default([]),
    /** How often the watched paths are checked (a `stat` per file; a file is read only when it changed). */
    watchIntervalMs: z.number().int().min(100).max(3_600_000).default(2000),
    /** A changed file is imported once it has stayed the same this long (editors save in several writes). */
    watchSettleMs: z.number().int().min(0).max(60_000).default(1000),
    /** At most this many files over all watched paths. */
    watchMaxFiles: z.number().int().min(1).max(10_000).default(200),
  })
  .superRefine((specs, ctx) => {
    const seen = new Set<string>();
    specs.watch.forEach((entry, i) => {
      if (entry.specId === undefined) return;
      if (seen.has(entry.specId)) ctx.addIssue({ code: 'custom', path: ['watch', i, 'specId'], message: `two watched files cannot feed one spec (${entry.specId})` });
      seen.add(entry.specId);
    });
  });

/**
 * The one configuration object: defaults, then a config file (JSON or YAML), then environment variables.
 * Read once at start and frozen. Every default is the safe one (loopback bind, embedded store).
 *
 * @example
 * const config = loadConfig({ env: process.env });           // ./.bulwark/, 127.0.0.1:8787
 * const config = loadConfig({ file: 'bulwark.yaml', env: {} });
 */
export const ConfigSchema = z.object({
  dataDir: z.string().default('.bulwark'),
  store: z.object({ kind: z.literal('sqlite').default('sqlite'), path: z.string().optional() }).prefault({}),
  server: z
    .object({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8787),
      maxBodyBytes: z.number().int().positive().default(16 * 1024 * 1024),
      /** Request line plus headers; larger requests get 431 before any route runs. */
      maxHeaderBytes: z.number().int().min(1024).max(1024 * 1024).default(16 * 1024),
      /** A request (headers and body) must arrive within this time; stops slow-drip clients holding sockets. */
      requestTimeoutMs: z.number().int().min(1000).max(3_600_000).default(60_000),
      maxDecompressedBytes: z.number().int().positive().default(64 * 1024 * 1024),
      maxEventsPerBatch: z.number().int().positive().default(10_000),
      /** Requests per minute per credential (token or session user; per client address before sign-in). */
      rateLimitPerMinute: z.number().int().min(1).max(1_000_000).default(1200),
      /** Serve HTTPS with this certificate and key (PEM files); session cookies are then `Secure`. */
      tls: z.object({ certFile: z.string().min(1), keyFile: z.string().min(1) }).strict().optional(),
    })
    .prefault({}),
  ingest: z
    .object({
      maxBodyBytes: z.number().int().positive().default(64 * 1024),
      maxHeaders: z.number().int().positive().default(200),
      maxJsonDepth: z.number().int().positive().default(64),
    })
    .prefault({}),
  discovery: z
    .object({
      /** Full analysis (bodies, parameters, data classes) of the first N events of each endpoint... */
      analyseFirst: z.number().int().min(0).default(100),
      /** ...and then of one event in `analyseEvery`. Counters, status, latency, auth and exposure see every event. */
      analyseEvery: z.number().int().min(1).default(50),
      samplesPerEndpoint: z.number().int().min(0).max(100).default(10),
      /** Client addresses (CIDR) of your own proxies; behind them the client is taken from X-Forwarded-For. */
      trustedProxies: z.array(z.string()).default([]),
      /** Known OpenAPI files whose path templates win over learned ones. */
      specs: z.array(z.string()).default([]),
    })
    .prefault({}),
  risk: RiskConfigSchema.prefault({}),
  dataClasses: z.array(CustomClass).default([]),
  /** The spec registry: watched spec files (see docs/specs.md). */
  specs: SpecsConfig.prefault({}),
  /** Conformance of traffic to the registered specs (see docs/conformance.md). */
  conformance: z
    .object({
      /**
       * A documented operation with no call in this many days before the newest event seen on its spec's
       * hosts is orphan (traffic time, not the wall clock: replayed logs are judged by their own time).
       */
      orphanAfterDays: z.number().positive().max(3650).default(30),
      /** Distinct drift items kept per operation (memory bound); later ones are counted as dropped. */
      maxDriftPerOperation: z.number().int().min(1).max(1000).default(50),
      /** Redacted samples kept per drift item, zombie operation and shadow endpoint. */
      samplesPerItem: z.number().int().min(0).max(20).default(3),
      /**
       * Validation (the costly part: schemas, parameters, bodies) runs on analysed calls only: an
       * endpoint's first `validateFirst` analysed calls, then one analysed call in `validateEvery`. Calls to
       * operations and shadow endpoints are counted on every call regardless.
       */
      validateFirst: z.number().int().min(0).max(100_000).default(20),
      validateEvery: z.number().int().min(1).max(1000).default(4),
    })
    .prefault({}),
  /** Threat detection on live traffic (see docs/detection.md). */
  detection: z
    .object({
      enabled: z.boolean().default(true),
      /** Detections below this confidence are dropped. */
      minConfidence: z.number().min(0).max(1).default(0.5),
      /** A learned parameter model (`bulwark learn --out`), for the positive-model detectors; none by default. */
      profileFile: z.string().min(1).optional(),
      behaviour: BehaviourConfig.prefault({}),
    })
    .prefault({}),
  /** How issues group into cases (see docs/cases.md). */
  cases: z
    .object({
      /** Issues of one actor against one target this close to a case's last issue join it. */
      groupWindowMinutes: z.number().positive().max(7 * 24 * 60).default(60),
      /** A case stops taking issues this long after its first issue... */
      maxCaseDays: z.number().positive().max(365).default(30),
      /** ...or this long after its last one... */
      idleDays: z.number().positive().max(365).default(14),
      /** ...or at this many issues. */
      maxIssuesPerCase: z.number().int().min(1).max(100_000).default(1000),
      /** A case resolved less than this long ago reopens when a matching issue arrives. */
      reopenWithinDays: z.number().min(0).max(365).default(7),
      /** Identical detections (detector, actor, endpoint, location) this close together fold into one issue. */
      foldWithinSeconds: z.number().min(0).max(3600).default(60),
    })
    .prefault({}),
  /** Issue exports to other tools (see docs/exports.md). */
  exports: ExportsConfig.prefault({}),
  /** Remediation tasks, due dates, verification, digests and delivery channels (see docs/remediation.md). */
  remediation: RemediationConfig.prefault({}),
  /** Console accounts and sessions. Every default is the safer choice; `identityOptionsFromConfig` maps these. */
  identity: z
    .object({
      /** A session ends after this long without a request... */
      sessionIdleMinutes: z.number().positive().max(24 * 60).default(30),
      /** ...and this long after login, whatever its activity. */
      sessionMaxHours: z.number().positive().max(30 * 24).default(12),
      maxSessionsPerUser: z.number().int().min(1).max(100).default(10),
      /** Consecutive failed logins that lock an account... */
      lockoutThreshold: z.number().int().min(1).max(100).default(5),
      /** ...for this long. */
      lockoutMinutes: z.number().positive().max(24 * 60).default(15),
      /** Login attempts per client address (IPv6: per /64) and minute. */
      loginAttemptsPerMinute: z.number().int().min(1).max(10_000).default(10),
      /** Addresses the login limiter remembers at once (memory bound). */
      loginTrackedAddresses: z.number().int().min(100).max(1_000_000).default(10_000),
      invitationHours: z.number().positive().max(30 * 24).default(72),
      passwordResetHours: z.number().positive().max(7 * 24).default(24),
    })
    .prefault({}),
  log: z.object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info') }).prefault({}),
});

export type Config = z.infer<typeof ConfigSchema>;
export type RiskConfig = Config['risk'];

const ENV: Array<[string, (c: Record<string, any>, v: string) => void]> = [
  ['BULWARK_DATA_DIR', (c, v) => (c.dataDir = v)],
  ['BULWARK_HOST', (c, v) => ((c.server ??= {}).host = v)],
  ['BULWARK_PORT', (c, v) => ((c.server ??= {}).port = Number(v))],
  ['BULWARK_LOG_LEVEL', (c, v) => ((c.log ??= {}).level = v)],
  ['BULWARK_STORE_PATH', (c, v) => ((c.store ??= {}).path = v)],
  ['BULWARK_CONFORMANCE_ORPHAN_AFTER_DAYS', (c, v) => ((c.conformance ??= {}).orphanAfterDays = Number(v))],
  // A list like PATH (`:`-separated; `;` on Windows); it replaces the config file's list.
  ['BULWARK_SPECS_WATCH', (c, v) => ((c.specs ??= {}).watch = v.split(path.delimiter).filter((p) => p.trim() !== ''))],
];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Overrides win key by key; arrays and scalars replace, objects merge. */
function deepMerge(base: Record<string, any>, over: Record<string, unknown>): Record<string, any> {
  const out: Record<string, any> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k], v) : v;
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export function loadConfig(opts: { file?: string; env?: Record<string, string | undefined>; overrides?: Record<string, unknown> } = {}): Readonly<Config> {
  const env = opts.env ?? {};
  const file = opts.file ?? env.BULWARK_CONFIG ?? (existsSync('bulwark.config.yaml') ? 'bulwark.config.yaml' : undefined);
  let raw: Record<string, any> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw invalidInput(`config file ${file} cannot be read`);
    }
    try {
      raw = (file.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) ?? {};
    } catch (err) {
      throw invalidInput(`config file ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  for (const [name, apply] of ENV) {
    const v = env[name];
    if (v !== undefined && v !== '') apply(raw, v);
  }
  raw = deepMerge(raw, opts.overrides ?? {});
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw invalidInput(`invalid configuration at ${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}`);
  }
  const config = parsed.data;
  config.store.path ??= path.join(config.dataDir, 'bulwark.db');
  return deepFreeze(config);
}
