/**
 * Watched spec paths (`specs.watch`): each watched file is imported into the spec registry at start and
 * whenever its content changes, as a new version of its own spec.
 *
 * - **Polling, bounded.** Every `intervalMs` each watched file is `stat`ed; it is read and hashed only when
 *   its size, modification time or inode changed. Polling works the same on every file system (bind
 *   mounts, network and overlay file systems, where inotify events are missing or late) and costs one
 *   `stat` per file; `maxFiles` bounds the files and the registry's spec size limit bounds each one.
 * - **Settled.** Editors save in several writes (truncate, write, rename): a changed file is imported only
 *   once it has looked the same for `settleMs`, and a file that changes while it is read is read again
 *   later. A file modified within the last two seconds is hashed again on the next scan even when its
 *   `stat` looks the same, since file times are coarse (the "racily clean" case git knows).
 * - **One spec per file.** A file feeds the spec set in its entry (`specId`), else the spec it created on
 *   its first import, remembered in the store's metadata under its absolute path. A version is added only
 *   when the text differs from the spec's latest version (SHA-256, as the registry compares), so a restart
 *   adds nothing and writes no audit entry.
 * - **Never fatal.** A bad spec is one logged error with file, line and column (the loader's message) and
 *   no version, logged once per content; a file that disappears keeps its spec and versions; nothing here
 *   throws out of `scan`, and one file's failure does not stop the others.
 *
 * Imports go through the registry as `SPEC_WATCHER` (audit log: `system` / `spec-watch`), from the file's
 * path, so that `$ref`s to files in its directory (and below) resolve as for `bulwark spec import`.
 *
 * @example
 *   const watcher = createSpecWatcher({ registry, meta: store, logger, entries: [{ path: 'api/openapi.yaml' }] });
 *   const events = await watcher.start(); // [{ kind: 'imported', file: 'api/openapi.yaml', version: 1, ... }]
 *   // ... on shutdown:
 *   await watcher.close();
 */
import { createHash } from 'node:crypto';
import { open, readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { MAX_SPEC_BYTES, type Spec } from '../contracts/spec-registry.js';
import { DomainError } from '../errors/domain-errors.js';
import type { Store } from '../store/store.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { SPEC_WATCHER, type SpecImportInput, type SpecRegistry } from './registry.js';

/** One watched path: a file, or a directory (its `*.yaml`, `*.yml`, `*.json`, not those of subdirectories). */
export interface SpecWatchEntry {
  path: string;
  /** Feed this existing spec instead of the one the file creates. Files only. */
  specId?: string;
  /** The spec's name. Files only. */
  name?: string;
  /** Hosts set by hand. */
  hosts?: readonly string[];
  /** The owning application, set by hand. */
  application?: string;
}

/** What a scan did, one record per file that needed anything (a file that did not change gives none). */
export type SpecWatchEvent =
  | { kind: 'imported'; file: string; specId: string; version: number; created: true }
  /** The text equals the spec's latest version (at start, after a restart); links from the config applied. */
  | { kind: 'unchanged'; file: string; specId: string; version: number }
  /** Changed, and waiting to stay unchanged for `settleMs`. */
  | { kind: 'settling'; file: string }
  /** Not imported: a bad spec, a missing `specId`, too large, unreadable. The message names file:line:column where there is one. */
  | { kind: 'failed'; file: string; error: string }
  /** In a watched directory but not an OpenAPI or Swagger document (a file that others reference), or over `maxFiles`. */
  | { kind: 'skipped'; file: string; reason: string }
  /** A watched path that does not exist (yet), or a file that went away. Its spec keeps its versions. */
  | { kind: 'missing'; file: string };

export interface SpecWatcher {
  /** Imports what changed since the last import of each file (at start: since the latest versions), then checks every `intervalMs`. */
  start(): Promise<SpecWatchEvent[]>;
  /** One check of every watched file now (tests, or on demand); runs after a check in progress. Never throws. */
  scan(): Promise<SpecWatchEvent[]>;
  /** Stops checking; waits for a check in progress. */
  close(): Promise<void>;
}

export interface SpecWatcherDeps {
  registry: Pick<SpecRegistry, 'importSpecFile' | 'getSpec'>;
  /** Where a file's spec is remembered across restarts. */
  meta: Pick<Store, 'getMeta' | 'setMeta'>;
  logger: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  entries: readonly SpecWatchEntry[];
  /** Default 2,000 ms. */
  intervalMs?: number;
  /** Default 1,000 ms; 0 imports a change at the first scan that sees it. */
  settleMs?: number;
  /** Files over all entries; default 200. */
  maxFiles?: number;
  /** Largest file read; default the registry's `MAX_SPEC_BYTES`. */
  maxBytes?: number;
  /** Measures `settleMs`. Default the system clock. */
  clock?: Clock;
}

/** File extensions of a watched directory that are specs. */
const SPEC_FILE = /\.(?:ya?ml|json)$/i;
/** A top-level `openapi:` / `swagger:` key (YAML), or an `"openapi":` / `"swagger":` member (JSON). Linear. */
const SPEC_ROOT = /^["']?(?:openapi|swagger)["']?[ \t]*:|"(?:openapi|swagger)"\s*:/m;
/** A file modified this recently may change again within the same file time: hash it again. */
const RACY_MS = 2000;
const META_PREFIX = 'spec-watch:';

/** What the store remembers of a watched file. */
interface WatchLink {
  path: string;
  specId: string;
}

interface FileState {
  shown: string;
  /** Signature (inode, size, times) seen at the last scan, and since when (clock ms). */
  sig: string | null;
  sigSince: number;
  /** Signature and content (SHA-256 of the bytes) last dealt with: imported, unchanged, or failed for good. */
  doneSig: string | null;
  doneKey: string | null;
  /** Modified so recently when read that the same signature may hide new content. */
  racy: boolean;
  missing: boolean;
  /** The last transient error logged, not to repeat it every scan. */
  lastError: string | null;
}

interface WatchedFile {
  abs: string;
  /** As the operator wrote it (the entry's path, joined with the file name for a directory): for logs and errors. */
  shown: string;
  entry: SpecWatchEntry;
  inDirectory: boolean;
}

export function createSpecWatcher(deps: SpecWatcherDeps): SpecWatcher {
  const { registry, meta, logger } = deps;
  const intervalMs = deps.intervalMs ?? 2000;
  const settleMs = deps.settleMs ?? 1000;
  const maxFiles = deps.maxFiles ?? 200;
  const maxBytes = deps.maxBytes ?? MAX_SPEC_BYTES;
  const clock = deps.clock ?? systemClock;
  // Relative paths are the working directory's, as everywhere in the configuration and in the registry.
  const entries = deps.entries.map((entry) => ({ entry, abs: resolve(entry.path) }));

  const files = new Map<string, FileState>();
  /** Paths whose problem (missing, a directory with `specId`, over `maxFiles`) was logged, until it changes. */
  const reported = new Map<string, string>();
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let started = false;
  let settling = false;

  /** Logs a path's condition once, until the condition changes; `null` clears it. */
  function note(key: string, condition: string | null, log: () => void): boolean {
    if (condition === null) {
      reported.delete(key);
      return false;
    }
    if (reported.get(key) === condition) return false;
    reported.set(key, condition);
    log();
    return true;
  }

  /** Every file the entries name now, each once (the first entry naming it wins), at most `maxFiles`. */
  async function listFiles(events: SpecWatchEvent[]): Promise<WatchedFile[]> {
    const out: WatchedFile[] = [];
    const seen = new Set<string>();
    let over = 0;
    for (const { entry, abs } of entries) {
      let info: Stats;
      try {
        info = await stat(abs);
      } catch (err) {
        const code = errnoOf(err);
        if (code === 'ENOENT' || code === 'ENOTDIR') {
          // A file that existed is reported missing by `check`; a path never seen, here.
          if (!files.has(abs) && note(abs, 'missing', () => logger.warn({ path: entry.path }, `spec watch: ${entry.path} does not exist (yet); checking for it`))) {
            events.push({ kind: 'missing', file: entry.path });
          }
          if (files.has(abs)) out.push({ abs, shown: entry.path, entry, inDirectory: false });
        } else if (note(abs, `error ${code}`, () => logger.error({ path: entry.path, code }, `spec watch: cannot read ${entry.path} (${code ?? 'error'})`))) {
          events.push({ kind: 'failed', file: entry.path, error: `cannot read ${entry.path} (${code ?? 'error'})` });
        }
        continue;
      }
      if (info.isDirectory()) {
        if (entry.specId !== undefined || entry.name !== undefined) {
          const error = `${entry.path} is a directory: specId and name apply to one file (watch the file instead)`;
          if (note(abs, 'directory with specId', () => logger.error({ path: entry.path }, `spec watch: ${error}`))) events.push({ kind: 'failed', file: entry.path, error });
          continue;
        }
        note(abs, null, () => {});
        let names: string[];
        try {
          names = (await readdir(abs, { withFileTypes: true }))
            // Hidden files are editors' locks and backups; subdirectories are not watched.
            .filter((d) => !d.name.startsWith('.') && SPEC_FILE.test(d.name) && (d.isFile() || d.isSymbolicLink()))
            .map((d) => d.name)
            .sort();
        } catch (err) {
          const code = errnoOf(err);
          if (note(abs, `error ${code}`, () => logger.error({ path: entry.path, code }, `spec watch: cannot list ${entry.path} (${code ?? 'error'})`))) {
            events.push({ kind: 'failed', file: entry.path, error: `cannot list ${entry.path} (${code ?? 'error'})` });
          }
          continue;
        }
        for (const name of names) {
          const file = join(abs, name);
          if (seen.has(file)) continue;
          seen.add(file);
          if (out.length >= maxFiles) over++;
          else out.push({ abs: file, shown: join(entry.path, name), entry, inDirectory: true });
        }
      } else {
        note(abs, null, () => {});
        if (seen.has(abs)) continue;
        seen.add(abs);
        if (out.length >= maxFiles) over++;
        else out.push({ abs, shown: entry.path, entry, inDirectory: false });
      }
    }
    const cut = over > 0 ? `${over}` : null;
    if (note('\0maxFiles', cut, () => logger.warn({ maxFiles, skipped: over }, `spec watch: more than ${maxFiles} files in the watched paths; ${over} not watched (raise specs.watchMaxFiles)`))) {
      events.push({ kind: 'skipped', file: '(watched paths)', reason: `${over} files over the limit of ${maxFiles}` });
    }
    // Files no longer listed (removed from a directory) are forgotten once reported.
    const listed = new Set(out.map((f) => f.abs));
    for (const [abs, state] of files) {
      if (listed.has(abs)) continue;
      files.delete(abs);
      if (state.missing) continue;
      events.push({ kind: 'missing', file: state.shown });
      logger.info({ path: state.shown }, `spec watch: ${state.shown} is gone; its spec keeps its versions`);
    }
    return out;
  }

  /** One file: settle, read, hash, compare, import. */
  async function check(f: WatchedFile, initial: boolean, events: SpecWatchEvent[]): Promise<void> {
    let state = files.get(f.abs);
    if (!state) {
      state = { shown: f.shown, sig: null, sigSince: 0, doneSig: null, doneKey: null, racy: false, missing: false, lastError: null };
      files.set(f.abs, state);
    }
    let info: Stats;
    try {
      info = await stat(f.abs);
    } catch (err) {
      const code = errnoOf(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        if (!state.missing) {
          state.missing = true;
          events.push({ kind: 'missing', file: f.shown });
          logger.info({ path: f.shown }, `spec watch: ${f.shown} is gone; its spec keeps its versions`);
        }
        // Whatever comes back at this path is read again.
        Object.assign(state, { sig: null, doneSig: null, doneKey: null, racy: false });
        return;
      }
      transient(f, state, `cannot read ${f.shown} (${code ?? 'error'})`, events);
      return;
    }
    if (state.missing) {
      state.missing = false;
      reported.delete(f.abs);
      logger.info({ path: f.shown }, `spec watch: ${f.shown} is back`);
    }
    if (!info.isFile()) {
      state.racy = false;
      failedFor(f, state, sigOf(info), null, `${f.shown} is not a file`, events);
      return;
    }
    const sig = sigOf(info);
    // Looks as it did when last dealt with: only a racy file is hashed again (no settling: its stat says nothing).
    if (sig === state.doneSig && !state.racy) return;
    if (sig !== state.doneSig) {
      const now = clock.now().getTime();
      if (sig !== state.sig) {
        state.sig = sig;
        state.sigSince = now;
      }
      // At start every file is taken as it is; later, a change waits until it has stayed put for settleMs.
      if (!initial && now - state.sigSince < settleMs) {
        settling = true;
        events.push({ kind: 'settling', file: f.shown });
        return;
      }
    }
    if (info.size > maxBytes) {
      state.racy = false;
      failedFor(f, state, sig, null, `${f.shown} is ${info.size} bytes, more than the ${maxBytes}-byte limit for a spec`, events);
      return;
    }

    let bytes: Buffer;
    try {
      // One byte over the limit is enough to refuse it: a file that grew since the stat is not read whole.
      bytes = await readAtMost(f.abs, maxBytes + 1);
      const after = await stat(f.abs);
      if (sigOf(after) !== sig) {
        // Written to while being read: try again once it has settled.
        state.sig = sigOf(after);
        state.sigSince = clock.now().getTime();
        settling = true;
        events.push({ kind: 'settling', file: f.shown });
        return;
      }
    } catch (err) {
      const code = errnoOf(err);
      // Gone between the stat and the read: the next scan sees it missing.
      if (code === 'ENOENT') return;
      transient(f, state, `cannot read ${f.shown} (${code ?? 'error'})`, events);
      return;
    }
    state.racy = Date.now() - info.mtimeMs < RACY_MS;
    const key = createHash('sha256').update(bytes).digest('hex');
    if (key === state.doneKey) {
      state.doneSig = sig;
      return;
    }
    if (bytes.length > maxBytes) {
      failedFor(f, state, sig, key, `${f.shown} is more than the ${maxBytes}-byte limit for a spec`, events);
      return;
    }
    let text: string;
    try {
      // As the registry decodes it (a BOM dropped), so that the hashes compare.
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      failedFor(f, state, sig, key, `${f.shown} is not UTF-8 text`, events);
      return;
    }
    if (f.inDirectory && !SPEC_ROOT.test(text)) {
      const reason = 'not an OpenAPI or Swagger document (no "openapi" or "swagger" key): a file other specs reference?';
      logger.info({ path: f.shown }, `spec watch: ${f.shown} skipped: ${reason}`);
      events.push({ kind: 'skipped', file: f.shown, reason });
      done(state, sig, key);
      return;
    }
    await importFile(f, state, sig, key, createHash('sha256').update(text, 'utf8').digest('hex'), events);
  }

  async function importFile(f: WatchedFile, state: FileState, sig: string, key: string, hash: string, events: SpecWatchEvent[]): Promise<void> {
    const metaKey = META_PREFIX + createHash('sha256').update(f.abs).digest('hex').slice(0, 32);
    try {
      const link = f.entry.specId === undefined ? await meta.getMeta<WatchLink>(metaKey) : null;
      const linkedId = f.entry.specId ?? (link && link.path === f.abs ? link.specId : undefined);
      let spec: Spec | null = null;
      if (linkedId !== undefined) {
        spec = await registry.getSpec(SPEC_WATCHER, linkedId).catch((err: unknown) => {
          if (err instanceof DomainError && err.code === 'not_found') return null;
          throw err;
        });
        if (!spec && f.entry.specId !== undefined) {
          failedFor(f, state, sig, key, `${f.shown}: spec ${f.entry.specId} (specs.watch specId) not found`, events);
          return;
        }
        if (!spec) logger.info({ path: f.shown, specId: linkedId }, `spec watch: spec ${linkedId} of ${f.shown} was deleted; the file starts a new spec`);
      }
      if (spec && spec.latest.sha256 === hash && linksMatch(spec, f.entry)) {
        // Nothing to add, nothing to log in the audit log (a restart, an unchanged rewrite).
        events.push({ kind: 'unchanged', file: f.shown, specId: spec.id, version: spec.latestVersion });
        done(state, sig, key);
        return;
      }
      const input: Omit<SpecImportInput, 'text' | 'fileName'> = {
        ...(spec ? { specId: spec.id } : {}),
        ...(f.entry.name !== undefined ? { name: f.entry.name } : {}),
        ...(f.entry.hosts !== undefined ? { hosts: f.entry.hosts } : {}),
        ...(f.entry.application !== undefined ? { applicationId: f.entry.application } : {}),
      };
      // From the path, as `bulwark spec import` does: $refs to files next to it resolve.
      const r = await registry.importSpecFile(SPEC_WATCHER, f.shown, input);
      if (link?.specId !== r.spec.id || link.path !== f.abs) await meta.setMeta(metaKey, { path: f.abs, specId: r.spec.id } satisfies WatchLink);
      done(state, sig, key);
      state.lastError = null;
      if (r.created) {
        events.push({ kind: 'imported', file: f.shown, specId: r.spec.id, version: r.version.version, created: true });
        logger.info(
          { path: f.shown, specId: r.spec.id, version: r.version.version, score: r.version.score.total },
          `spec watch: imported ${f.shown} as version ${r.version.version} of spec ${r.spec.id} "${r.spec.name}" (score ${r.version.score.total}/100)`,
        );
      } else {
        events.push({ kind: 'unchanged', file: f.shown, specId: r.spec.id, version: r.version.version });
        logger.info({ path: f.shown, specId: r.spec.id }, `spec watch: ${f.shown} is unchanged; the links of spec ${r.spec.id} were updated from the configuration`);
      }
    } catch (err) {
      if (err instanceof DomainError && err.code !== 'internal' && err.code !== 'conflict') {
        // The file's content (or its entry) is wrong: reported once; the next change is tried again.
        failedFor(f, state, sig, key, err.message, events);
      } else {
        transient(f, state, `${f.shown} was not imported: ${err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err)}`, events);
      }
    }
  }

  function done(state: FileState, sig: string, key: string | null): void {
    state.doneSig = sig;
    state.doneKey = key;
  }

  /** A failure that stays until the file changes: logged once, no retry for this content. */
  function failedFor(f: WatchedFile, state: FileState, sig: string, key: string | null, error: string, events: SpecWatchEvent[]): void {
    done(state, sig, key);
    events.push({ kind: 'failed', file: f.shown, error });
    logger.error({ path: f.shown }, `spec watch: ${f.shown} not imported (no version added): ${error}`);
  }

  /** A failure that may pass (a busy store, an unreadable file): tried again next scan, logged when it changes. */
  function transient(f: WatchedFile, state: FileState, error: string, events: SpecWatchEvent[]): void {
    events.push({ kind: 'failed', file: f.shown, error });
    if (state.lastError === error) return;
    state.lastError = error;
    logger.error({ path: f.shown }, `spec watch: ${error} (trying again)`);
  }

  async function runScan(initial: boolean): Promise<SpecWatchEvent[]> {
    const events: SpecWatchEvent[] = [];
    settling = false;
    try {
      for (const f of await listFiles(events)) {
        if (closed) break;
        try {
          await check(f, initial, events);
        } catch (err) {
          // A bug here must not stop the other files or the server.
          logger.error({ path: f.shown, err: err instanceof Error ? err.message : String(err) }, 'spec watch: unexpected error');
          events.push({ kind: 'failed', file: f.shown, error: 'unexpected error' });
        }
      }
    } catch (err) {
      logger.error({ err: err instanceof Error ? err.message : String(err) }, 'spec watch: scan failed');
    }
    return events;
  }

  function enqueue(initial: boolean): Promise<SpecWatchEvent[]> {
    const run = chain.then(() => runScan(initial));
    chain = run.catch(() => undefined);
    return run;
  }

  function schedule(): void {
    if (closed) return;
    // A settling change is looked at again after settleMs, not a whole interval later.
    const delay = settling ? Math.min(intervalMs, Math.max(settleMs, 50)) : intervalMs;
    timer = setTimeout(() => {
      timer = null;
      void enqueue(false).then(schedule);
    }, delay);
    // The watcher never keeps the process alive by itself.
    timer.unref();
  }

  return {
    async start() {
      if (started) throw new Error('spec watcher already started');
      started = true;
      const events = await enqueue(true);
      schedule();
      return events;
    },
    scan() {
      return enqueue(false);
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await chain;
    },
  };
}

/** Counts of a scan's events by kind (the start summary). */
export function countWatchEvents(events: readonly SpecWatchEvent[]): Record<SpecWatchEvent['kind'], number> {
  const counts = { imported: 0, unchanged: 0, settling: 0, failed: 0, skipped: 0, missing: 0 };
  for (const e of events) counts[e.kind]++;
  return counts;
}

/** Whether the spec already carries the links the entry sets (an entry that sets none always matches). */
function linksMatch(spec: Spec, entry: SpecWatchEntry): boolean {
  if (entry.name !== undefined && spec.name !== entry.name) return false;
  if (entry.application !== undefined && (!spec.applicationPinned || spec.applicationId !== entry.application)) return false;
  if (entry.hosts !== undefined) {
    const want = new Set(entry.hosts.map((h) => h.toLowerCase().replace(/\.$/, '')));
    if (spec.hostsSource !== 'manual' || spec.hosts.length !== want.size || !spec.hosts.every((h) => want.has(h))) return false;
  }
  return true;
}

async function readAtMost(file: string, limit: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < limit) {
      const buf = Buffer.allocUnsafe(Math.min(1024 * 1024, limit - total));
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

function sigOf(info: Stats): string {
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
}

function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}
