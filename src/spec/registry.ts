/**
 * The spec registry: imported API specifications, one version per upload, each audited and scored.
 *
 * An import reads the text with the spec loader (uploads may not reference other files or URLs; a file
 * imported from the command line may reference files in its own directory), runs the spec-audit rules,
 * scores the result, reads the spec's hosts and APIs from its `servers` (or takes hosts set by hand), and
 * stores a new version. The store numbers versions and links the spec to an application (set by hand, or
 * the first that claims one of its hosts). Text equal to the latest version's adds no version: the latest
 * is returned with `created: false`, so re-uploading an unchanged file (a CI job, a watched path) is free.
 *
 * Bad input never reaches the store: invalid YAML or JSON, broken references, a document that is not
 * Swagger 2.0 / OpenAPI 3.x, too large or too deeply nested, are `invalid_input` / `too_large` errors from
 * the loader, with file, line and column where there is one.
 *
 * @example
 *   const registry = createSpecRegistry({ store, audit: identity.audit, clock: systemClock });
 *   const { spec, version } = await registry.importSpec(caller, { text, fileName: 'shop.yaml' });
 *   await registry.importSpec(caller, { specId: spec.id, text: changedText }); // version 2
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { z } from 'zod';
import { apiOf } from '../aggregate/endpoint-view.js';
import type { AuditActorKind } from '../contracts/identity.js';
import {
  MAX_SPEC_BYTES,
  MAX_SPEC_DIFF_CHANGES,
  MAX_SPEC_HOSTS,
  MAX_STORED_SPEC_FINDINGS,
  SpecHost,
  type Spec,
  type SPEC_CHANGE_KINDS,
  type SpecChangeView,
  type SpecVersionDiff,
  type SpecFindingView,
  type SpecVersionDetail,
  type SpecVersionSummary,
} from '../contracts/spec-registry.js';
import { DomainError, invalidInput, notFound, tooLarge } from '../errors/domain-errors.js';
import type { AuditLog } from '../identity/audit-log.js';
import type { Caller } from '../identity/identity-service.js';
import { applicationScope, assertCan, inScope, type Action, type Principal } from '../identity/permissions.js';
import { newId } from '../identity/secrets.js';
import type { NewSpecVersion, Page, SpecLinks, SpecQuery, Store } from '../store/store.js';
import type { Clock } from '../util/clock.js';
import { auditSpec } from './audit/audit.js';
import { specFindings } from './spec-findings.js';
import { diffSpecs } from './diff/diff.js';
import { countByKind, countChangesBySeverity } from './diff/report/result.js';
import type { CHANGE_KINDS, SpecChange } from './diff/rule.js';
import { SPEC_RULES } from './audit/registry.js';
import type { SpecFinding, SpecRule } from './audit/rule.js';
import { loadSpecText } from './load.js';
import type { SpecModel, SpecServer } from './model.js';
import { countBySeverity, sortFindings } from './report/report.js';
import { scoreSpec } from './score.js';
import { specOwnershipFacts } from '../ownership/spec-facts.js';

/**
 * The command line working on the data directory: whoever can open the database file can change it
 * anyway, so it acts unscoped, and the audit log names it `system` / `cli`.
 */
export const LOCAL_OPERATOR: LocalCaller = Object.freeze({ local: true as const });

/**
 * The server's spec watcher (`specs.watch`): acts unscoped like the local operator (the paths are the
 * operator's configuration), and the audit log and version history name it `system` / `spec-watch`.
 */
export const SPEC_WATCHER: LocalCaller = Object.freeze({ local: true as const, actor: 'spec-watch' });

/** Bulwark itself, acting for whoever runs it: `actor` names it in the audit log (default `cli`). */
export interface LocalCaller {
  readonly local: true;
  readonly actor?: string;
}

/** Who imports or reads: a signed-in caller (API, console), or the local operator (CLI, spec watcher). */
export type SpecCaller = Caller | LocalCaller;

export interface SpecImportInput {
  /** The spec text, YAML or JSON. */
  text: string;
  /** Shown in error and finding locations, and kept as the version's `source`. Default `upload`. */
  fileName?: string;
  /** The spec's name; default its `info.title`, else the file name. Given with `specId`: renames the spec. */
  name?: string;
  /** Add a version to this spec instead of creating one. */
  specId?: string;
  /** Hosts set by hand (replacing those of `servers`); null: back to `servers`; absent: unchanged. */
  hosts?: readonly string[] | null;
  /** The owning application set by hand; null: back to matching by host; absent: unchanged. */
  applicationId?: string | null;
}

export interface SpecImportResult {
  spec: Spec;
  version: SpecVersionSummary;
  /** False when the text equals the latest version's: nothing was added. */
  created: boolean;
}

export interface SpecRegistry {
  importSpec(caller: SpecCaller, input: SpecImportInput): Promise<SpecImportResult>;
  /** Imports a local file; `$ref`s to files in its directory (and below) are followed. */
  importSpecFile(caller: SpecCaller, file: string, input?: Omit<SpecImportInput, 'text' | 'fileName'>): Promise<SpecImportResult>;
  /** The specs the caller may see (workload owners: of their applications). */
  listSpecs(caller: SpecCaller, query: Omit<SpecQuery, 'scope'>): Promise<Page<Spec>>;
  /** `not_found` also when the spec is outside the caller's applications. */
  getSpec(caller: SpecCaller, id: string): Promise<Spec>;
  listVersions(caller: SpecCaller, id: string, paging: { limit?: number; offset?: number }): Promise<Page<SpecVersionSummary>>;
  getVersion(caller: SpecCaller, id: string, version: number): Promise<SpecVersionDetail>;
  /**
   * The changes from version `from` to version `to` (either order; the same version gives none), as
   * `bulwark spec diff` finds them: breaking, then security, then the others, at most
   * `maxDiffChanges` of them (`total` counts all). `not_found` for a missing version or an unseen spec.
   *
   * @example
   *   const d = await registry.diffVersions(caller, spec.id, 1, 2);
   *   d.byKind.breaking; // 1
   */
  diffVersions(caller: SpecCaller, id: string, from: number, to: number): Promise<SpecVersionDiff>;
  deleteSpec(caller: SpecCaller, id: string): Promise<void>;
}

export interface SpecRegistryDeps {
  store: Store;
  audit: Pick<AuditLog, 'append'>;
  clock: Clock;
  /** Largest spec text, in UTF-8 bytes. Default `MAX_SPEC_BYTES` (16 MiB). */
  maxBytes?: number;
  /** The spec-audit rules; default every built-in rule. */
  rules?: readonly SpecRule[];
  /** Most changes a version diff returns. Default `MAX_SPEC_DIFF_CHANGES` (2,000). */
  maxDiffChanges?: number;
}

// The contract's kinds are the diff rules' kinds: a kind added to one and not the other fails here.
type SameKinds<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const KINDS_MATCH: SameKinds<(typeof SPEC_CHANGE_KINDS)[number], (typeof CHANGE_KINDS)[number]> = true;
void KINDS_MATCH;

/** At most this many APIs per spec (hosts × base paths). */
const MAX_SPEC_APIS = 100;
const Hosts = z.array(SpecHost).min(1).max(MAX_SPEC_HOSTS);

export function createSpecRegistry(deps: SpecRegistryDeps): SpecRegistry {
  const { store, audit, clock } = deps;
  const maxBytes = deps.maxBytes ?? MAX_SPEC_BYTES;
  const rules = deps.rules ?? SPEC_RULES;
  const maxDiffChanges = deps.maxDiffChanges ?? MAX_SPEC_DIFF_CHANGES;

  /** The caller's principal after checking `action`; null for the local operator (unscoped). */
  function permit(caller: SpecCaller, action: Action): Principal | null {
    if (isLocal(caller)) return null;
    assertCan(caller.principal, action);
    return caller.principal;
  }

  /** The spec, if it exists and the caller may see it; otherwise the same `not_found` either way. */
  async function visibleSpec(principal: Principal | null, id: string): Promise<Spec> {
    const spec = await store.getSpec(id);
    if (!spec || (principal && !inScope(principal, spec.applicationId))) throw notFound(`spec ${id} not found`);
    return spec;
  }

  /** The application pinned by this import: checked to exist and to be the caller's. */
  async function pinnedApplication(principal: Principal | null, given: string | null | undefined, existing: Spec | null): Promise<string | null> {
    const scoped = principal !== null && principal.applications !== 'all';
    if (given === undefined) {
      if (existing) return existing.applicationPinned ? existing.applicationId : null;
      if (scoped) throw invalidInput('choose the application the spec belongs to (applicationId): one of yours');
      return null;
    }
    if (given === null) {
      if (scoped) throw invalidInput('a spec you upload stays with one of your applications: applicationId cannot be null');
      return null;
    }
    // Unknown and not yours answer alike: the id reveals nothing.
    if ((principal && !inScope(principal, given)) || !(await store.getApplication(given))) throw invalidInput(`application ${given} not found`);
    return given;
  }

  async function load(text: string, displayName: string, baseDir: string | undefined): Promise<SpecModel> {
    try {
      return await loadSpecText(text, displayName, { maxBytes, ...(baseDir !== undefined ? { baseDir } : {}) });
    } catch (err) {
      if (err instanceof DomainError) throw err;
      throw invalidInput(`${displayName} cannot be read as an API spec: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  }

  async function importText(caller: SpecCaller, input: SpecImportInput, from: { displayName: string; source: string; baseDir?: string }): Promise<SpecImportResult> {
    const principal = permit(caller, 'specs:write');
    const existing = input.specId !== undefined ? await visibleSpec(principal, input.specId) : null;
    const manualHosts = input.hosts === undefined || input.hosts === null ? input.hosts : parseHosts(input.hosts);
    const pinned = await pinnedApplication(principal, input.applicationId, existing);
    const name = input.name === undefined ? undefined : specName(input.name);
    if (input.name !== undefined && name === undefined) throw invalidInput('the spec name cannot be empty');

    const model = await load(input.text, from.displayName, from.baseDir);
    const findings = auditSpec(model, rules);
    const score = scoreSpec(findings, model);
    const servers = serverLinks(model);
    const hosts = manualHosts !== undefined ? manualHosts : existing?.hostsSource === 'manual' ? existing.hosts : null;
    const links: SpecLinks = hosts
      ? { hosts, hostsSource: 'manual', apis: apisOf(hosts, servers.basePaths), pinnedApplicationId: pinned }
      : { hosts: servers.hosts, hostsSource: 'servers', apis: servers.apis, pinnedApplicationId: pinned };
    const actor = actorOf(caller);
    const version: NewSpecVersion = {
      createdAt: clock.now().toISOString(),
      createdBy: actor,
      source: from.source,
      sha256: createHash('sha256').update(input.text, 'utf8').digest('hex'),
      bytes: Buffer.byteLength(input.text, 'utf8'),
      dialect: model.dialect,
      declaredVersion: model.declaredVersion,
      title: model.info.title,
      infoVersion: model.info.version,
      operations: model.operations.length,
      score: { formula: score.formula, total: score.total, security: score.security, dataValidation: score.dataValidation },
      findingCounts: countBySeverity(findings),
      findingsTotal: findings.length,
      text: input.text,
      // Most severe first, so what a cut drops is the least important.
      findings: sortFindings(findings).slice(0, MAX_STORED_SPEC_FINDINGS).map(findingView),
      findingsTruncated: findings.length > MAX_STORED_SPEC_FINDINGS,
      // What the spec ownership rules read (x-owner, info.contact, operation tags), from the document already parsed.
      ownership: specOwnershipFacts(model.raw),
    };

    let result: SpecImportResult;
    if (existing) {
      const added = await store.addSpecVersion(existing.id, version, links, name);
      // Deleted between the check and the write.
      if (!added) throw notFound(`spec ${existing.id} not found`);
      result = added;
    } else {
      const spec = await store.createSpec({ id: newId('spec'), name: name ?? specName(model.info.title ?? '') ?? specName(from.source) ?? 'spec', links }, version);
      result = { spec, version: spec.latest, created: true };
    }
    // The version's audit findings join the one findings model (remediation tasks); what it dropped is resolved.
    // All of them, not the stored cut: a finding past the cut is not gone.
    if (result.created) await store.saveSpecFindings(result.spec.id, specFindings(result.spec.id, result.spec.hosts, version.createdAt, findings.map(findingView)), version.createdAt);
    await audit.append({
      actor,
      action: 'spec.import',
      target: { type: 'spec', id: result.spec.id },
      before: existing ? auditView(existing) : null,
      after: { ...auditView(result.spec), version: result.version.version, created: result.created, sha256: result.version.sha256, score: result.version.score.total },
      clientAddress: isLocal(caller) ? null : (caller.clientAddress ?? null),
    });
    return result;
  }

  /** A stored version's model. A version imported from a file that referenced other files cannot be read alone. */
  async function storedModel(v: SpecVersionDetail): Promise<SpecModel> {
    try {
      return await load(v.text, v.source, undefined);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'invalid_input') {
        throw invalidInput(`version ${v.version} cannot be compared: ${err.message}`);
      }
      throw err;
    }
  }

  return {
    importSpec(caller, input) {
      const source = fileNameOf(input.fileName);
      return importText(caller, input, { displayName: source, source });
    },

    async importSpecFile(caller, file, input = {}) {
      permit(caller, 'specs:write');
      const abs = resolve(file);
      const text = await readSpecFile(abs, file, maxBytes);
      // Errors and finding locations name the file as the caller wrote it, as `spec audit` does.
      return importText(caller, { ...input, text }, { displayName: file, source: basename(abs), baseDir: dirname(abs) });
    },

    async listSpecs(caller, query) {
      const principal = permit(caller, 'specs:read');
      return store.listSpecs({ ...query, scope: principal ? applicationScope(principal) : 'all' });
    },

    async getSpec(caller, id) {
      return visibleSpec(permit(caller, 'specs:read'), id);
    },

    async listVersions(caller, id, paging) {
      await visibleSpec(permit(caller, 'specs:read'), id);
      return store.listSpecVersions(id, paging);
    },

    async getVersion(caller, id, n) {
      await visibleSpec(permit(caller, 'specs:read'), id);
      const version = await store.getSpecVersion(id, n);
      if (!version) throw notFound(`spec ${id} has no version ${n}`);
      return version;
    },

    async diffVersions(caller, id, from, to) {
      await visibleSpec(permit(caller, 'specs:read'), id);
      const [older, newer] = await Promise.all([store.getSpecVersion(id, from), store.getSpecVersion(id, to)]);
      if (!older) throw notFound(`spec ${id} has no version ${from}`);
      if (!newer) throw notFound(`spec ${id} has no version ${to}`);
      // The stored text passed the loader when it was imported; it is read again as an upload (no other
      // files), named by its file name so that locations read `shop.yaml:12:5`.
      const [oldModel, newModel] = await Promise.all([storedModel(older), storedModel(newer)]);
      const changes = diffSpecs(oldModel, newModel);
      return {
        specId: id,
        from: summaryOf(older),
        to: summaryOf(newer),
        total: changes.length,
        byKind: countByKind(changes),
        bySeverity: countChangesBySeverity(changes),
        // `diffSpecs` sorts breaking and most severe first: a cut drops the least important.
        changes: changes.slice(0, maxDiffChanges).map(changeView),
        truncated: changes.length > maxDiffChanges,
      };
    },

    async deleteSpec(caller, id) {
      const spec = await visibleSpec(permit(caller, 'specs:write'), id);
      if (!(await store.deleteSpec(id))) throw notFound(`spec ${id} not found`);
      await audit.append({
        actor: actorOf(caller),
        action: 'spec.delete',
        target: { type: 'spec', id },
        before: auditView(spec),
        after: null,
        clientAddress: isLocal(caller) ? null : (caller.clientAddress ?? null),
      });
    },
  };
}

function isLocal(caller: SpecCaller): caller is LocalCaller {
  return 'local' in caller;
}

function actorOf(caller: SpecCaller): { kind: AuditActorKind; id: string | null } {
  return isLocal(caller) ? { kind: 'system', id: caller.actor ?? 'cli' } : { kind: caller.principal.kind, id: caller.principal.id };
}

/** What the audit log keeps of a spec: its links and latest version, never its text. */
function auditView(spec: Spec) {
  return {
    name: spec.name,
    hosts: spec.hosts,
    hostsSource: spec.hostsSource,
    applicationId: spec.applicationId,
    applicationPinned: spec.applicationPinned,
    latestVersion: spec.latestVersion,
  };
}

function parseHosts(hosts: readonly string[]): string[] {
  const r = Hosts.safeParse(hosts);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw invalidInput(`invalid hosts: ${issue?.path.join('.') || '(list)'}: ${issue?.message ?? 'invalid'}`);
  }
  return [...new Set(r.data)];
}

/** A name: trimmed, control characters out, at most 200 characters; undefined when nothing is left. */
function specName(raw: string): string | undefined {
  const name = raw.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 200).trim();
  return name === '' ? undefined : name;
}

/** The last segment of an uploaded file name (never a path), without control characters; default `upload`. */
export function fileNameOf(raw: string | undefined): string {
  const last = (raw ?? '').split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]+/g, '').trim().slice(0, 255);
  return last === '' || last === '.' || last === '..' ? 'upload' : last;
}

function summaryOf(v: SpecVersionDetail): SpecVersionSummary {
  const { text: _text, findings: _findings, findingsTruncated: _truncated, ...summary } = v;
  return summary;
}

function changeView(c: SpecChange): SpecChangeView {
  return {
    ruleId: c.ruleId,
    title: c.title,
    kind: c.kind,
    severity: c.severity,
    owasp: c.owasp,
    cwe: c.cwe,
    message: c.message,
    side: c.side,
    // A place the locator could not find is reported at the top of the file, as the JSON report does.
    location: { file: c.location.file, pointer: c.location.pointer, line: Math.max(1, c.location.line), column: Math.max(1, c.location.column) },
    operations: c.operations,
    remediation: c.remediation,
    fingerprint: c.fingerprint,
  };
}

function findingView(f: SpecFinding): SpecFindingView {
  return {
    ruleId: f.ruleId,
    title: f.title,
    severity: f.severity,
    owasp: f.owasp,
    cwe: f.cwe,
    category: f.category,
    message: f.message,
    location: { file: f.location.file, pointer: f.location.pointer, line: f.location.line, column: f.location.column },
    remediation: f.remediation,
    fingerprint: f.fingerprint,
  };
}

// ------------------------------------------------------------------ servers -> hosts and APIs

export interface ServerLinks {
  /** Hosts of absolute server URLs, in the order written, without repeats; at most `MAX_SPEC_HOSTS`. */
  hosts: string[];
  /** `host/base` as the inventory's `api` (`apiOf`). */
  apis: string[];
  /** Every server's path (`/` for none), for APIs of hosts set by hand. */
  basePaths: string[];
}

/**
 * The hosts and APIs a spec's servers name: the document's, and those of paths and operations. Server
 * variables take their defaults; a URL whose host still has a variable, or a relative URL, names no host
 * (its path still counts as a base path). Swagger 2.0 `host` + `basePath` arrive here as server URLs.
 *
 * @example
 *   serverLinks(model) // { hosts: ['api.example.com'], apis: ['api.example.com/v2'], basePaths: ['/v2'] }
 */
export function serverLinks(model: Pick<SpecModel, 'servers' | 'operations' | 'raw'>): ServerLinks {
  const seen = new Set<string>();
  const servers: SpecServer[] = [];
  for (const s of [...model.servers, ...model.operations.flatMap((op) => op.servers)]) {
    if (seen.has(s.url)) continue;
    seen.add(s.url);
    servers.push(s);
  }
  const hosts = new Set<string>();
  const apis = new Set<string>();
  const basePaths = new Set<string>();
  for (const s of servers) {
    const { host, path } = parseServerUrl(withVariableDefaults(s, model.raw));
    basePaths.add(path);
    if (host === null || (hosts.size >= MAX_SPEC_HOSTS && !hosts.has(host))) continue;
    hosts.add(host);
    if (apis.size < MAX_SPEC_APIS) apis.add(apiOf(host, path));
  }
  return { hosts: [...hosts], apis: [...apis], basePaths: [...basePaths] };
}

/** APIs of hosts set by hand: each host with each base path of the servers (`/` when there are none). */
function apisOf(hosts: readonly string[], basePaths: readonly string[]): string[] {
  const paths = basePaths.length > 0 ? basePaths : ['/'];
  return [...new Set(hosts.flatMap((h) => paths.map((p) => apiOf(h, p))))].slice(0, MAX_SPEC_APIS);
}

/** `scheme://`: the server URL names a host. */
export const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;
/** `{name}` in a server URL. */
export const SERVER_VARIABLE = /\{([^{}]{1,100})\}/g;

function parseServerUrl(url: string): { host: string | null; path: string } {
  const text = url.trim();
  if (ABSOLUTE_URL.test(text) || text.startsWith('//')) {
    let u: URL;
    try {
      u = new URL(text.startsWith('//') ? `http:${text}` : text);
    } catch {
      return { host: null, path: '/' };
    }
    const host = SpecHost.safeParse(u.hostname);
    return { host: host.success ? host.data : null, path: decodedPath(u.pathname) };
  }
  const path = text.split(/[?#]/, 1)[0] ?? '';
  return { host: null, path: path.startsWith('/') ? path : `/${path}` };
}

function decodedPath(pathname: string): string {
  try {
    return decodeURIComponent(pathname) || '/';
  } catch {
    return pathname || '/';
  }
}

/** The server URL with `{name}` replaced by the default of its variable, where the document gives one. */
function withVariableDefaults(server: SpecServer, raw: Record<string, unknown>): string {
  if (!server.url.includes('{')) return server.url;
  const written = valueAt(raw, server.pointer);
  const variables = isRecord(written) && isRecord(written.variables) ? written.variables : null;
  if (!variables) return server.url;
  return server.url.replace(SERVER_VARIABLE, (whole, name: string) => {
    const v = Object.hasOwn(variables, name) ? variables[name] : undefined;
    return isRecord(v) && typeof v.default === 'string' ? v.default : whole;
  });
}

/** The value at a JSON pointer of the main document (own properties only); undefined when there is none. */
function valueAt(root: unknown, pointer: string): unknown {
  if (!pointer.startsWith('/')) return undefined;
  let cur: unknown = root;
  for (const segment of pointer.slice(1).split('/')) {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

// ------------------------------------------------------------------ local files

async function readSpecFile(abs: string, shown: string, maxBytes: number): Promise<string> {
  let bytes: Buffer;
  try {
    const info = await stat(abs);
    if (!info.isFile()) throw invalidInput(`${shown} is not a file`);
    if (info.size > maxBytes) throw tooLarge(`${shown} is ${info.size} bytes, more than the ${maxBytes}-byte limit for a spec`);
    bytes = await readFile(abs);
  } catch (err) {
    if (err instanceof DomainError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw notFound(`spec file not found: ${shown}`);
    throw invalidInput(`cannot read ${shown}${code ? ` (${code})` : ''}`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalidInput(`${shown} is not UTF-8 text`);
  }
}
