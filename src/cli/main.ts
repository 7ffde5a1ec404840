import { Command, Option } from 'commander';
import { statSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../config/config.js';
import { createLogger } from '../util/logger.js';
import { openBulwark, type Bulwark } from '../app/context.js';
import { DomainError, invalidInput, notFound } from '../errors/domain-errors.js';
import { readEventBatches, type SourceFormat } from '../sources/index.js';
import { SOURCE_FORMATS } from '../sources/types.js';
import { RAW_HTTP_CHARSETS, type RawHttpCharset } from '../sources/raw-http.js';
import { createDetectionEngine, DEFAULT_MIN_CONFIDENCE } from '../detect/engine.js';
import { createProfileLearner } from '../detect/profile/index.js';
import { SEVERITY_RANK } from '../contracts/finding.js';
import { loadModelFile } from '../detect/profile/model-file.js';
import { checkInputFiles, countDetections, countReject, learnSummary, newTally, parseConfidence, positionOf, scanSummary, verdictJson, verdictLine, type LearnTally } from './detect-cli.js';
import type { IngestReport } from '../pipeline/pipeline.js';
import { ensureAdminToken, ensureAdminUser, startServer } from '../server/serve.js';
import { seedDemoIdentity } from '../demo/identity.js';
import { formatDemoConformance, formatDemoSpecs, seedDemoSpecs } from '../demo/specs.js';
import { issueToken } from '../server/tokens.js';
import { formatEndpoint, formatFindings, formatInventory, formatReport, formatSummary } from './format.js';
import { writeDemoNdjson } from '../demo/estate.js';
import type { RiskLevel } from '../contracts/endpoint.js';
import type { Severity } from '../contracts/finding.js';
import { auditSpecFile } from '../spec/audit-file.js';
import { formatSpecReport, REPORT_FORMATS, type ReportFormat } from '../spec/report/index.js';
import { gateSpecAudit } from '../spec/gate.js';
import { createSpecRegistry, LOCAL_OPERATOR } from '../spec/registry.js';
import { SPEC_SORTS } from '../contracts/spec-registry.js';
import { systemClock } from '../util/clock.js';
import { formatSpecImport, formatSpecList } from './spec-format.js';
import { diffSpecFiles } from '../spec/diff/diff-file.js';
import { DEFAULT_FAIL_ON, gateSpecDiff, parseFailOn } from '../spec/diff/gate.js';
import { DIFF_REPORT_FORMATS, formatDiffReport, type DiffReportFormat } from '../spec/diff/report/index.js';
import { changeCounts } from '../spec/diff/report/result.js';
import { createSpecGenerator } from '../spec/generate/service.js';
import { readReviewFile, reviewFileText } from '../spec/generate/review-file.js';
import { SPEC_GENERATE_FORMATS, type SpecGenerateFormat } from '../contracts/spec-generate.js';
import { countWatchEvents, createSpecWatcher, type SpecWatcher } from '../spec/watch.js';
import { addOwnersCommands } from './owners-cli.js';

interface GlobalOpts {
  config?: string;
  dataDir?: string;
}

const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : s + '\n');

function configFrom(cmd: Command): Readonly<Config> {
  const g = cmd.optsWithGlobals<GlobalOpts>();
  const env = { ...process.env };
  if (g.dataDir) env.BULWARK_DATA_DIR = g.dataDir;
  return loadConfig({ file: g.config, env });
}

async function withBulwark<T>(cmd: Command, fn: (bw: Bulwark) => Promise<T>): Promise<T> {
  const config = configFrom(cmd);
  const bw = await openBulwark(config, createLogger(config.log.level), process.env);
  try {
    return await fn(bw);
  } finally {
    await bw.close();
  }
}

/** A one-line progress display on stderr, only for a terminal and only for long files. */
function progress(file: string): ((read: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  const started = Date.now();
  return (read, total) => {
    const t = Date.now();
    if (t - last < 200 && read < total) return;
    last = t;
    const pct = total ? Math.min(100, Math.floor((read / total) * 100)) : 0;
    const width = 30;
    const bar = '#'.repeat(Math.round((pct / 100) * width)).padEnd(width, '.');
    const mbps = read / 1e6 / Math.max(0.001, (t - started) / 1000);
    process.stderr.write(`\r${path.basename(file)} [${bar}] ${pct}% ${mbps.toFixed(1)} MB/s`);
    if (read >= total) process.stderr.write('\n');
  };
}

async function ingestFiles(bw: Bulwark, files: string[], opts: { format?: SourceFormat; host?: string; charset?: RawHttpCharset }): Promise<IngestReport[]> {
  // Every file is checked before the first is ingested, so a typo does not leave a half-done run.
  const sizes = files.map((file) => {
    try {
      const st = statSync(file);
      if (!st.isFile()) throw invalidInput(`${file}: not a regular file`);
      return st.size;
    } catch (err) {
      if (err instanceof DomainError) throw err;
      throw invalidInput(`${file}: no such file`);
    }
  });
  const reports: IngestReport[] = [];
  for (const [i, file] of files.entries()) {
    const size = sizes[i]!;
    const onProgress = size > 5_000_000 ? progress(file) : undefined;
    const records = readEventBatches(file, { format: opts.format, defaultHost: opts.host, charset: opts.charset, onProgress });
    reports.push(await bw.pipeline.ingest(records));
  }
  return reports;
}

/**
 * Starts the watcher of `specs.watch` (none when the list is empty): its first check imports what
 * changed while the server was down. Never throws; problems are logged per file.
 */
async function watchSpecs(bw: Bulwark): Promise<{ watcher: SpecWatcher | null; line: string | null }> {
  const { watch, watchIntervalMs, watchSettleMs, watchMaxFiles } = bw.config.specs;
  if (watch.length === 0) return { watcher: null, line: null };
  const watcher = createSpecWatcher({
    registry: createSpecRegistry({ store: bw.store, audit: bw.identity.audit, clock: systemClock }),
    meta: bw.store,
    logger: bw.logger,
    entries: watch,
    intervalMs: watchIntervalMs,
    settleMs: watchSettleMs,
    maxFiles: watchMaxFiles,
  });
  const c = countWatchEvents(await watcher.start());
  const problems = [c.failed > 0 ? `${c.failed} failed` : '', c.missing > 0 ? `${c.missing} missing` : ''].filter(Boolean);
  const line =
    `Watching ${watch.map((e) => e.path).join(', ')} for spec changes (every ${watchIntervalMs / 1000} s): ` +
    `${c.imported} imported, ${c.unchanged} unchanged${problems.length > 0 ? `, ${problems.join(', ')} (see the log)` : ''}`;
  return { watcher, line };
}

/**
 * The command tree. `outcome.exitCode` lets a command that ran to the end still answer "no" (exit 1),
 * as a CI gate does, without pretending that was an error.
 */
export function buildCli(outcome: { exitCode: number } = { exitCode: 0 }): Command {
  const program = new Command('bulwark')
    .description('Bulwark: API security posture management. Traffic in, risk-scored API inventory out.')
    .option('-c, --config <file>', 'config file (YAML or JSON); default bulwark.config.yaml if present')
    .option('-d, --data-dir <dir>', 'data directory (default ./.bulwark)')
    .showHelpAfterError()
    // Before any subcommand exists, so that they inherit it: usage errors reach main() as exit 2.
    .exitOverride();

  program
    .command('ingest')
    .description('ingest traffic files: HAR, NDJSON events, nginx/Envoy/Kong/AWS API Gateway/JSON access logs, raw HTTP/1.1 request dumps (.gz too)')
    .argument('<files...>')
    .addOption(new Option('--format <format>', 'skip auto-detection').choices(['har', 'ndjson', 'nginx', 'envoy', 'kong', 'aws-apigw', 'json-log', 'raw-http']))
    .addOption(new Option('--charset <charset>', 'how raw HTTP dumps are decoded').choices(RAW_HTTP_CHARSETS).default('auto'))
    .option('--host <host>', 'host for log formats that do not record one (e.g. nginx combined, raw HTTP without Host)')
    .option('--json', 'print the report as JSON')
    .action(async (files: string[], o: { format?: SourceFormat; charset: RawHttpCharset; host?: string; json?: boolean }, cmd: Command) => {
      await withBulwark(cmd, async (bw) => {
        const reports = await ingestFiles(bw, files, o);
        if (o.json) out(JSON.stringify(files.map((f, i) => ({ file: f, ...reports[i] })), null, 2));
        else files.forEach((f, i) => out(formatReport(f, reports[i]!)));
        const summary = await bw.store.inventorySummary();
        if (!o.json) out(formatSummary(summary));
      });
    });

  program
    .command('inventory')
    .description('list discovered endpoints, riskiest first')
    .option('--json', 'JSON output')
    .option('--limit <n>', 'rows (max 500)', '50')
    .option('--offset <n>', 'skip rows', '0')
    .option('--host <host>', 'only this host')
    .addOption(new Option('--level <level>', 'only this risk level').choices(['low', 'medium', 'high', 'critical']))
    .addOption(new Option('--sort <field>', 'sort field').choices(['risk', 'calls', 'lastSeen', 'firstSeen', 'path', 'host']).default('risk'))
    .option('--search <text>', 'substring of host or path')
    .action(async (o: { json?: boolean; limit: string; offset: string; host?: string; level?: RiskLevel; sort: 'risk' | 'calls' | 'lastSeen' | 'firstSeen' | 'path' | 'host'; search?: string }, cmd: Command) => {
      const limit = Number(o.limit);
      const offset = Number(o.offset);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw invalidInput('--limit must be a whole number from 1 to 500');
      if (!Number.isInteger(offset) || offset < 0) throw invalidInput('--offset must be a whole number >= 0');
      await withBulwark(cmd, async (bw) => {
        const page = await bw.store.listEndpoints({ limit, offset, host: o.host, riskLevel: o.level, sort: o.sort, order: o.sort === 'path' || o.sort === 'host' ? 'asc' : 'desc', search: o.search });
        if (o.json) out(JSON.stringify(page, null, 2));
        else out(formatInventory(page));
      });
    });

  program
    .command('endpoint')
    .description('show one endpoint: risk factors, parameters, authentication, findings')
    .argument('<id>')
    .option('--json', 'JSON output')
    .action(async (id: string, o: { json?: boolean }, cmd: Command) => {
      await withBulwark(cmd, async (bw) => {
        const endpoint = await bw.store.getEndpoint(id);
        if (!endpoint) throw notFound(`endpoint ${id} not found (ids are listed by "bulwark inventory")`);
        const findings = (await bw.store.listFindings({ endpointId: id, limit: 200 })).items;
        if (o.json) out(JSON.stringify({ endpoint, findings }, null, 2));
        else out(formatEndpoint(endpoint, findings));
      });
    });

  program
    .command('findings')
    .description('list posture findings, most severe first')
    .option('--json', 'JSON output')
    .option('--limit <n>', 'rows (max 500)', '100')
    .addOption(new Option('--min-severity <s>', 'at least this severity').choices(['info', 'low', 'medium', 'high', 'critical']))
    .option('--rule <id>', 'only this rule')
    .action(async (o: { json?: boolean; limit: string; minSeverity?: Severity; rule?: string }, cmd: Command) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw invalidInput('--limit must be a whole number from 1 to 500');
      await withBulwark(cmd, async (bw) => {
        const page = await bw.store.listFindings({ limit, minSeverity: o.minSeverity, ruleId: o.rule });
        if (o.json) out(JSON.stringify(page, null, 2));
        else out(formatFindings(page));
      });
    });

  program
    .command('serve')
    .description('run the HTTP server (binds 127.0.0.1 by default)')
    .option('--port <port>', 'port')
    .option('--host <address>', 'bind address')
    .action(async (o: { port?: string; host?: string }, cmd: Command) => {
      const config = configFrom(cmd);
      const port = parsePort(o.port);
      const bw = await openBulwark(config, createLogger(config.log.level), process.env);
      let server;
      try {
        server = await startServer(bw, { host: o.host, port });
      } catch (err) {
        await bw.close();
        throw err;
      }
      // Only once the server listens: a failed start must not use up the one showing of the token.
      const token = await ensureAdminToken(bw);
      const admin = await ensureAdminUser(bw);
      const specs = await watchSpecs(bw);
      const lines = [`Bulwark is listening on ${server.url}`];
      if (specs.line) lines.push(specs.line);
      if (admin) lines.push(`First start: console admin ${admin.email}, password (shown only this once): ${admin.password}`);
      if (token) lines.push(`First start: an admin token was created. It is shown only this once:\n  ${token}`);
      out(lines.join('\n'));
      await waitForSignal();
      await specs.watcher?.close();
      await server.close();
      await bw.close();
    });

  program
    .command('demo')
    .description('generate the demo estate traffic, ingest it through the real pipeline, print the inventory, serve it')
    .option('--events <n>', 'events to generate', '50000')
    .option('--no-serve', 'stop after printing the inventory')
    .option('--port <port>', 'port for the server')
    .action(async (o: { events: string; serve: boolean; port?: string }, cmd: Command) => {
      const events = Number(o.events);
      if (!Number.isInteger(events) || events < 1 || events > 50_000_000) throw invalidInput('--events must be a whole number from 1 to 50,000,000');
      const port = parsePort(o.port);
      const config = configFrom(cmd);
      const bw = await openBulwark(config, createLogger(config.log.level), process.env);
      const dir = path.join(config.dataDir, 'demo');
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, 'northwind-traffic.ndjson.gz');
      out(`Generating ${events.toLocaleString('en')} demo events of Northwind Outfitters to ${file} ...`);
      await writeDemoNdjson(file, { events, seed: 7 });
      // The specs go in before the traffic: it is checked against them as it is ingested (conformance).
      const demoSpecs = await seedDemoSpecs(bw).catch((err: Error) => err);
      out(demoSpecs instanceof Error ? `Demo API specifications not imported: ${demoSpecs.message}` : formatDemoSpecs(demoSpecs));
      const started = Date.now();
      const [report] = await ingestFiles(bw, [file], {});
      const secs = (Date.now() - started) / 1000;
      out(formatReport(file, report!));
      out(`Ingested in ${secs.toFixed(1)} s (${Math.round(report!.accepted / secs).toLocaleString('en')} events/s)\n`);
      out(formatSummary(await bw.store.inventorySummary()));
      out(formatInventory(await bw.store.listEndpoints({ limit: 15, sort: 'risk', order: 'desc' })));
      if (!(demoSpecs instanceof Error)) out(await formatDemoConformance(bw.store, demoSpecs, bw.config.conformance.orphanAfterDays));
      if (!o.serve) {
        await bw.close();
        return;
      }
      const { token } = await issueToken(bw.store, `demo ${new Date().toISOString()}`, ['admin']);
      const accounts = await seedDemoIdentity(bw).catch((err: Error) => {
        out(`Demo console accounts not created: ${err.message}`);
        return [];
      });
      const specs = await watchSpecs(bw);
      if (specs.line) out(specs.line);
      const server = await startServer(bw, { port });
      out(`\nBulwark is serving the demo estate on ${server.url}`);
      out(`Open ${server.url}/ and sign in with one of these accounts (passwords shown once, new ones on every demo run):`);
      for (const a of accounts) out(`  ${a.role.padEnd(22)} ${a.email.padEnd(34)} ${a.password}${a.owns.length ? `  (owns ${a.owns.join(', ')})` : ''}`);
      out(`Admin API token (shown once): ${token}`);
      out(`Try: curl -H "Authorization: Bearer ${token}" ${server.url}/api/v1/inventory/summary`);
      out('Press Ctrl-C to stop.');
      await waitForSignal();
      await specs.watcher?.close();
      await server.close();
      await bw.close();
    });

  const token = program.command('token').description('manage API tokens');
  token
    .command('create')
    .description('create an API token and print it once')
    .requiredOption('--name <name>', 'what the token is for')
    .addOption(new Option('--scope <scope...>', 'scopes').choices(['ingest', 'read', 'admin']).makeOptionMandatory())
    .action(async (o: { name: string; scope: Array<'ingest' | 'read' | 'admin'> }, cmd: Command) => {
      await withBulwark(cmd, async (bw) => {
        const { token: t, record } = await issueToken(bw.store, o.name, o.scope);
        out(`Token ${record.id} (${record.scopes.join(', ')}): ${t}\nIt is shown only this once.`);
      });
    });

  const spec = program.command('spec').description('work with API specifications (OpenAPI 3.0/3.1, Swagger 2.0)');
  spec
    .command('audit')
    .description('audit an OpenAPI or Swagger file: security and data-validation findings and a 0-100 score')
    .argument('<file>', 'the spec file (YAML or JSON)')
    .addOption(new Option('--format <format>', 'report format').choices(REPORT_FORMATS).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe ("none": never)').choices(['info', 'low', 'medium', 'high', 'critical', 'none']).default('high'))
    .option('--min-score <n>', 'exit 1 when the score is below n (0-100)')
    .option('--ruleset <file>', 'ruleset file (default: .bulwark-spec-rules.yaml, .yml or .json in the current directory, if there is one)')
    .option('--output <file>', 'write the report to this file instead of standard output')
    .addHelpText(
      'after',
      [
        '',
        'Exit codes:',
        '  0  the audit ran and passed the gate',
        '  1  findings at or above --fail-on, or a score below --min-score (the report is still printed or written)',
        '  2  usage error; a spec or ruleset file that is not valid, cannot be read or is too large',
        '  4  the spec file or the --ruleset file does not exist',
        '',
        'Formats: text (people), json (scripts), sarif (GitHub code scanning and SARIF viewers), junit (CI test reports).',
        'See docs/spec-audit.md for the ruleset file, the score formula and CI examples.',
      ].join('\n'),
    )
    .action(async (file: string, o: { format: ReportFormat; failOn: Severity | 'none'; minScore?: string; ruleset?: string; output?: string }) => {
      let minScore: number | null = null;
      if (o.minScore !== undefined) {
        minScore = Number(o.minScore);
        if (o.minScore.trim() === '' || !Number.isFinite(minScore) || minScore < 0 || minScore > 100) throw invalidInput(`--min-score must be a number from 0 to 100, not "${o.minScore}"`);
      }
      const cwd = process.cwd();
      const result = await auditSpecFile(file, { cwd, rulesetFile: o.ruleset ?? null });
      const report = formatSpecReport(o.format, result, { cwd, toolVersion: bulwarkVersion() });
      if (o.output) {
        try {
          writeFileSync(o.output, report);
        } catch {
          throw invalidInput(`--output ${o.output} cannot be written`);
        }
        const n = result.findings.length;
        out(`Wrote the ${o.format} report to ${o.output}: ${n} finding${n === 1 ? '' : 's'}, score ${result.score.total}/100.`);
      } else process.stdout.write(report);
      const gate = gateSpecAudit(result.findings, result.score, { failOn: o.failOn, minScore });
      if (gate.failed) {
        process.stderr.write(`bulwark: spec audit failed: ${gate.reasons.join('; ')}\n`);
        outcome.exitCode = 1;
      }
    });

  spec
    .command('diff')
    .description('compare two versions of a spec: breaking changes and security-relevant changes')
    .argument('<old>', 'the old spec file (YAML or JSON)')
    .argument('<new>', 'the new spec file (YAML or JSON)')
    .addOption(new Option('--format <format>', 'report format').choices(DIFF_REPORT_FORMATS).default('text'))
    .option('--fail-on <kinds>', 'exit 1 on changes of these kinds: "breaking", "security", both comma-separated, or "none"', DEFAULT_FAIL_ON)
    .option('--output <file>', 'write the report to this file instead of standard output')
    .addHelpText(
      'after',
      [
        '',
        'Exit codes:',
        '  0  the diff ran and passed the gate',
        '  1  a change of a kind in --fail-on (the report is still printed or written)',
        '  2  usage error; a spec file that is not valid, cannot be read or is too large',
        '  4  a spec file does not exist',
        '',
        'See docs/spec-diff.md for the list of changes and CI examples.',
      ].join('\n'),
    )
    .action(async (oldFile: string, newFile: string, o: { format: DiffReportFormat; failOn: string; output?: string }) => {
      const failOn = parseFailOn(o.failOn);
      const cwd = process.cwd();
      const result = await diffSpecFiles(oldFile, newFile);
      const report = formatDiffReport(o.format, result, { cwd, toolVersion: bulwarkVersion() });
      if (o.output) {
        try {
          writeFileSync(o.output, report);
        } catch {
          throw invalidInput(`--output ${o.output} cannot be written`);
        }
        out(`Wrote the ${o.format} report to ${o.output}: ${changeCounts(result.changes)}.`);
      } else process.stdout.write(report);
      const gate = gateSpecDiff(result.changes, failOn);
      if (gate.failed) {
        process.stderr.write(`bulwark: spec diff failed: ${gate.reasons.join(', ')}\n`);
        outcome.exitCode = 1;
      }
    });

  // The spec registry on the data directory (the same store the server uses); see docs/specs.md.
  spec
    .command('import')
    .description('import a spec file into the registry: a new spec, or a new version of one (--spec-id); audited and scored')
    .argument('<file>', 'the spec file (YAML or JSON); $refs to files in its directory are followed')
    .option('--name <name>', 'the spec name (default: info.title, else the file name); with --spec-id it renames the spec')
    .option('--spec-id <id>', 'add a version to this spec (the same text as its latest version adds none)')
    .option('--host <hosts...>', 'the hosts the spec serves, set by hand (default: those of its servers)')
    .option('--application <id>', 'the owning application, set by hand (default: the first that claims one of the hosts)')
    .option('--json', 'JSON output')
    .action(async (file: string, o: { name?: string; specId?: string; host?: string[]; application?: string; json?: boolean }, cmd: Command) => {
      await withBulwark(cmd, async (bw) => {
        const registry = createSpecRegistry({ store: bw.store, audit: bw.identity.audit, clock: systemClock });
        const r = await registry.importSpecFile(LOCAL_OPERATOR, file, { name: o.name, specId: o.specId, hosts: o.host, applicationId: o.application });
        out(o.json ? JSON.stringify(r, null, 2) : formatSpecImport(file, r));
      });
    });

  spec
    .command('list')
    .description('list the specs in the registry with the score and findings of their latest version')
    .option('--json', 'JSON output')
    .option('--limit <n>', 'rows (max 500)', '50')
    .option('--offset <n>', 'skip rows', '0')
    .option('--search <text>', 'substring of the name or title')
    .option('--host <host>', 'only specs that name this host')
    .addOption(new Option('--sort <field>', 'sort field').choices(SPEC_SORTS).default('name'))
    .action(async (o: { json?: boolean; limit: string; offset: string; search?: string; host?: string; sort: (typeof SPEC_SORTS)[number] }, cmd: Command) => {
      const limit = Number(o.limit);
      const offset = Number(o.offset);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw invalidInput('--limit must be a whole number from 1 to 500');
      if (!Number.isInteger(offset) || offset < 0) throw invalidInput('--offset must be a whole number >= 0');
      await withBulwark(cmd, async (bw) => {
        const registry = createSpecRegistry({ store: bw.store, audit: bw.identity.audit, clock: systemClock });
        const page = await registry.listSpecs(LOCAL_OPERATOR, { limit, offset, search: o.search, host: o.host, sort: o.sort });
        out(o.json ? JSON.stringify(page, null, 2) : formatSpecList(page));
      });
    });

  // Traffic to spec: the inventory as an OpenAPI 3.1 document, after a review kept in the repository; see docs/spec-generate.md.
  spec
    .command('generate')
    .description('generate an OpenAPI 3.1 document from the discovered inventory, after an optional per-endpoint review')
    .option('--host <hosts...>', 'only endpoints of these hosts')
    .option('--application <id>', 'only endpoints of this application ("none": of no application)')
    .addOption(new Option('--format <format>', 'document format (default: json for an --output ending in .json, else yaml)').choices(SPEC_GENERATE_FORMATS))
    .option('--output <file>', 'write the document to this file instead of standard output')
    .option('--review <file>', 'apply the decisions of this review file (accept/skip, rename, mergeInto, split)')
    .option('--write-review <file>', 'write a review file listing every endpoint (decisions of --review kept), and generate nothing')
    .addHelpText(
      'after',
      [
        '',
        'Exit codes:',
        '  0  the document (or the review file) was written; warnings, if any, are on standard error',
        '  2  usage error; a review file that is not valid, decisions that contradict each other or the inventory;',
        '     more than 5,000 endpoints selected (filter by --host or --application); a file that cannot be written',
        '  4  the --review file does not exist',
        '',
        'Workflow: bulwark spec generate --write-review spec-review.yaml; edit it; bulwark spec generate --review spec-review.yaml --output openapi.yaml.',
        'See docs/spec-generate.md for the review file, the inference rules and what never reaches the document.',
      ].join('\n'),
    )
    .action(async (o: { host?: string[]; application?: string; format?: SpecGenerateFormat; output?: string; review?: string; writeReview?: string }, cmd: Command) => {
      const review = o.review ? readReviewFile(o.review) : undefined;
      const filters = { ...(o.host?.length ? { hosts: o.host } : {}), ...(o.application ? { application: o.application } : {}) };
      const writeOut = (file: string, text: string, what: string) => {
        try {
          writeFileSync(file, text);
        } catch {
          throw invalidInput(`${what} ${file} cannot be written`);
        }
      };
      await withBulwark(cmd, async (bw) => {
        const generator = createSpecGenerator({ store: bw.store, clock: systemClock });
        if (o.writeReview) {
          const list = await generator.review(LOCAL_OPERATOR, filters);
          writeOut(o.writeReview, reviewFileText(list.items, review), '--write-review');
          const kept = review ? review.decisions.filter((d) => list.items.some((e) => e.id === d.id)).length : 0;
          out(
            `Wrote a review of ${list.total} endpoint${list.total === 1 ? '' : 's'} to ${o.writeReview}${review ? ` (${kept} decision${kept === 1 ? '' : 's'} of ${o.review} kept)` : ''}. ` +
              `Edit it, then: bulwark spec generate --review ${o.writeReview}`,
          );
          return;
        }
        const format = o.format ?? (o.output?.toLowerCase().endsWith('.json') ? 'json' : 'yaml');
        const r = await generator.generate(LOCAL_OPERATOR, { ...filters, format, info: review?.info, decisions: review?.decisions });
        for (const w of r.warnings) process.stderr.write(`bulwark: warning: ${w}\n`);
        if (!o.output) {
          process.stdout.write(r.text);
          return;
        }
        writeOut(o.output, r.text, '--output');
        const c = r.counts;
        out(
          `Wrote OpenAPI 3.1 (${format}) to ${o.output}: ${c.operations} operation${c.operations === 1 ? '' : 's'} on ${c.paths} path${c.paths === 1 ? '' : 's'} ` +
            `from ${c.endpoints} endpoint${c.endpoints === 1 ? '' : 's'} (${c.skipped} skipped, ${c.merged} merged, ${c.split} added by splits).`,
        );
      });
    });

  // Threat detection without a server (issue 5): learn a baseline model, scan traffic files. See docs/detection.md.
  program
    .command('learn')
    .description('learn each endpoint parameter\'s normal profile from traffic known to be normal, and save it as a model file')
    .argument('<files...>', 'traffic files: HAR, NDJSON, access logs, raw HTTP request dumps (.gz too)')
    .addOption(new Option('--format <format>', 'skip auto-detection').choices(SOURCE_FORMATS))
    .addOption(new Option('--charset <charset>', 'how raw HTTP dumps are decoded').choices(RAW_HTTP_CHARSETS).default('auto'))
    .option('--host <host>', 'host for inputs that do not record one (nginx combined, an origin-form request without Host)')
    .option('--output <file>', 'where to write the model (JSON)', 'bulwark-model.json')
    .addHelpText('after', ['', 'Exit codes:', '  0  the model was written', '  2  usage error; no event could be learned; the output cannot be written', '  4  an input file does not exist'].join('\n'))
    .action(async (files: string[], o: { format?: SourceFormat; charset: RawHttpCharset; host?: string; output: string }) => {
      checkInputFiles(files);
      const learner = createProfileLearner();
      const tally: LearnTally = { files: 0, events: 0, rejected: 0, rejectReasons: new Map(), firstRejects: [], dropped: 0 };
      for (const file of files) {
        tally.files++;
        for await (const batch of readEventBatches(file, { format: o.format, charset: o.charset, defaultHost: o.host })) {
          for (const r of batch) {
            if (r.kind === 'event') learner.learn(r.event);
            else countReject(tally, file, r.reject);
          }
        }
      }
      const stats = learner.stats();
      tally.events = stats.events;
      tally.dropped = stats.dropped;
      if (stats.events === 0) throw invalidInput(`no event could be learned from ${files.join(', ')} (${tally.rejected} rejected)`);
      const model = learner.finish();
      const text = JSON.stringify(model);
      try {
        writeFileSync(o.output, text);
      } catch {
        throw invalidInput(`--output ${o.output} cannot be written`);
      }
      out(learnSummary(tally, model, o.output, Buffer.byteLength(text)));
    });

  program
    .command('scan')
    .description('run every detector on each event of traffic files and print one verdict per event (no server needed)')
    .argument('<files...>', 'traffic files: HAR, NDJSON, access logs, raw HTTP request dumps (.gz too)')
    .addOption(new Option('--format <format>', 'skip auto-detection').choices(SOURCE_FORMATS))
    .addOption(new Option('--charset <charset>', 'how raw HTTP dumps are decoded').choices(RAW_HTTP_CHARSETS).default('auto'))
    .option('--host <host>', 'host for inputs that do not record one')
    .option('--model <file>', 'a model written by "bulwark learn": adds the learned positive model to the signatures')
    .option('--json', 'one JSON object per event (NDJSON) on standard output, the summary on standard error')
    .option('--min-confidence <x>', 'report detections at least this confident (0-1)', String(DEFAULT_MIN_CONFIDENCE))
    .option('--evidence', 'text output: print each detection\'s evidence under its event')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a detection is at least this severe ("none": never)').choices(['info', 'low', 'medium', 'high', 'critical', 'none']).default('none'))
    .addHelpText(
      'after',
      [
        '',
        'Output: text prints one line per event with detections (file:line, or file#entry for HAR) and a summary;',
        '--json prints a verdict for every event, clean ones included.',
        '',
        'Exit codes:',
        '  0  the scan ran (whatever it found, unless --fail-on)',
        '  1  a detection at or above --fail-on',
        '  2  usage error; a --model file that is not a Bulwark model',
        '  4  an input file or the --model file does not exist',
      ].join('\n'),
    )
    .action(async (files: string[], o: { format?: SourceFormat; charset: RawHttpCharset; host?: string; model?: string; json?: boolean; minConfidence: string; evidence?: boolean; failOn: Severity | 'none' }) => {
      const minConfidence = parseConfidence(o.minConfidence);
      checkInputFiles(files);
      const model = o.model === undefined ? undefined : loadModelFile(o.model);
      const engine = createDetectionEngine({ profile: model, minConfidence });
      const tally = newTally(o.model ?? null, minConfidence);
      const failRank = o.failOn === 'none' ? Number.POSITIVE_INFINITY : SEVERITY_RANK[o.failOn];
      let failed = false;
      const started = process.hrtime.bigint();
      const write = async (text: string): Promise<void> => {
        if (text !== '' && !process.stdout.write(text)) await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
      };
      for (const file of files) {
        tally.files++;
        for await (const batch of readEventBatches(file, { format: o.format, charset: o.charset, defaultHost: o.host })) {
          let text = '';
          for (const r of batch) {
            if (r.kind === 'reject') {
              countReject(tally, file, r.reject);
              continue;
            }
            tally.events++;
            const found = engine.inspect(r.event);
            countDetections(tally, found);
            if (found.some((d) => SEVERITY_RANK[d.severity] >= failRank)) failed = true;
            if (o.json) text += verdictJson(file, r.line, r.event, found) + '\n';
            else if (found.length > 0) text += verdictLine(positionOf(file, r.event, r.line), r.event, found, o.evidence === true) + '\n';
          }
          await write(text);
        }
      }
      tally.seconds = Number(process.hrtime.bigint() - started) / 1e9;
      tally.detectorErrors = engine.errors();
      if (o.json) process.stderr.write(scanSummary(tally) + '\n');
      else out(scanSummary(tally));
      if (failed) {
        process.stderr.write(`bulwark: scan found detections at or above ${o.failOn}\n`);
        outcome.exitCode = 1;
      }
    });

  // Applications and ownership rules: the rules file and the rule tester (docs/ownership.md).
  addOwnersCommands(program, withBulwark);

  return program;
}

/** Bulwark's version, from package.json (two levels up from both `src/cli` and `dist/cli`). */
function bulwarkVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value) || port > 65535) throw invalidInput(`--port must be a whole number from 0 to 65535, not "${value}"`);
  return port;
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

/** Runs the CLI; domain errors become a one-line message and an exit code, anything else exit 1. */
export async function main(argv: string[]): Promise<number> {
  const outcome = { exitCode: 0 };
  const program = buildCli(outcome);
  try {
    await program.parseAsync(argv);
    return outcome.exitCode;
  } catch (err) {
    const ce = err as { code?: string; exitCode?: number };
    if (typeof ce.code === 'string' && ce.code.startsWith('commander.')) return ce.exitCode === 0 ? 0 : 2;
    if (err instanceof DomainError) {
      process.stderr.write(`bulwark: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`bulwark: internal error: ${(err as Error).message?.split('\n')[0] ?? 'unknown'}\n`);
    return 1;
  }
}
