import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Bulwark } from '../app/context.js';
import { OwnershipTestRequest, type OwnershipPlan, type OwnershipRuleTrial, type OwnershipTestResult } from '../contracts/ownership.js';
import { invalidInput } from '../errors/domain-errors.js';
import { readOwnershipFile } from '../ownership/rules-file.js';
import { LOCAL_OPERATOR } from '../spec/registry.js';

type WithBulwark = <T>(cmd: Command, fn: (bw: Bulwark) => Promise<T>) => Promise<T>;

const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);

/**
 * `bulwark owners export | apply | test`: the ownership rules file on the data directory (see
 * docs/ownership.md). The command line acts as the local operator, unscoped, audited as `system`/`cli`.
 */
export function addOwnersCommands(program: Command, withBulwark: WithBulwark): void {
  const owners = program.command('owners').description('applications and ownership rules: export, apply and test the rules file');

  owners
    .command('export')
    .description('write the current applications and ownership rules as a rules file (YAML)')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (o: { out?: string }, cmd: Command) => {
      await withBulwark(cmd, async (bw) => {
        const text = await bw.ownership.exportFile(LOCAL_OPERATOR);
        if (!o.out) {
          process.stdout.write(text);
          return;
        }
        try {
          writeFileSync(o.out, text);
        } catch {
          throw invalidInput(`--out ${o.out} cannot be written`);
        }
        const rules = (await bw.store.listOwnershipRules()).length;
        const apps = (await bw.store.listApplications({ limit: 0 })).total;
        out(`Wrote ${plural(apps, 'application')} and ${plural(rules, 'rule')} to ${o.out}.`);
      });
    });

  owners
    .command('apply')
    .description('make Bulwark match a rules file: applications added, changed or removed, the rules replaced (one transaction)')
    .argument('<file>', 'the rules file (YAML or JSON)')
    .option('--dry-run', 'show what would change, change nothing')
    .option('--json', 'JSON output')
    .addHelpText(
      'after',
      ['', 'Exit codes:', '  0  applied (or, with --dry-run, checked)', '  2  the file is not valid (the message names the line and field)', '  4  the file does not exist', '  5  a conflict (an application name used twice)'].join('\n'),
    )
    .action(async (file: string, o: { dryRun?: boolean; json?: boolean }, cmd: Command) => {
      // Validated before the store is opened: a typo is reported without touching anything.
      const parsed = readOwnershipFile(file);
      await withBulwark(cmd, async (bw) => {
        const plan = await bw.ownership.applyFile(LOCAL_OPERATOR, parsed, { dryRun: o.dryRun === true });
        out(o.json ? JSON.stringify(plan, null, 2) : formatPlan(file, plan));
      });
    });

  owners
    .command('test')
    .description('which ownership rule claims an endpoint, and why the rules before it did not match')
    .option('--host <host>', 'the host (with --path)')
    .option('--path <path>', 'the path, concrete or a template (with --host)')
    .option('--method <method>', 'with --host and --path: the method of a discovered endpoint, whose spec the spec rules read')
    .option('--endpoint <id>', 'a discovered endpoint, by id (see "bulwark inventory")')
    .option('--json', 'JSON output')
    .action(async (o: { host?: string; path?: string; method?: string; endpoint?: string; json?: boolean }, cmd: Command) => {
      const input = testInput(o);
      await withBulwark(cmd, async (bw) => {
        const result = await bw.ownership.test(LOCAL_OPERATOR, input);
        out(o.json ? JSON.stringify(result, null, 2) : formatTest(result));
      });
    });
}

function testInput(o: { host?: string; path?: string; method?: string; endpoint?: string }): OwnershipTestRequest {
  if (o.endpoint !== undefined && (o.host !== undefined || o.path !== undefined)) throw invalidInput('give --endpoint, or --host and --path, not both');
  if (o.endpoint === undefined && (o.host === undefined || o.path === undefined)) throw invalidInput('give --host and --path (and optionally --method), or --endpoint');
  const raw = o.endpoint !== undefined ? { endpointId: o.endpoint } : { host: o.host, path: o.path, ...(o.method !== undefined ? { method: o.method.toUpperCase() } : {}) };
  const r = OwnershipTestRequest.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw invalidInput(`--${issue?.path[0] === 'method' ? 'method' : issue?.path[0] === 'path' ? 'path' : 'host'}: ${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function listed(what: string, ids: readonly string[]): string {
  return ids.length === 0 ? `0 ${what}` : `${ids.length} ${what} (${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', ...' : ''})`;
}

export function formatPlan(file: string, p: OwnershipPlan): string {
  const a = p.applications;
  const r = p.rules;
  return [
    p.applied ? `Applied ${file}.` : `Dry run of ${file}: nothing was changed.`,
    `Applications: ${listed('added', a.added)}, ${listed('changed', a.changed)}, ${listed('removed', a.removed)}`,
    `Rules: ${listed('added', r.added)}, ${listed('changed', r.changed)}, ${listed('removed', r.removed)}${r.reordered ? ', order changed' : ''}`,
    `Endpoints ${p.applied ? 'that changed' : 'that would change'} owner: ${p.endpointsReassigned}`,
  ].join('\n');
}

function trialLine(t: OwnershipRuleTrial): string {
  return `  rule ${t.index + 1} ${t.ruleId} (${t.application}): ${t.reason}`;
}

export function formatTest(r: OwnershipTestResult): string {
  const s = r.subject;
  const lines = [`${s.method ?? '(any method)'} ${s.host} ${s.path}${s.endpointId ? ` (endpoint ${s.endpointId})` : ' (no discovered endpoint)'}`];
  if (s.spec) {
    const tags = s.spec.operationTags === null ? 'shadow: no operation documents it' : `operation tags: ${s.spec.operationTags.join(', ') || 'none'}`;
    lines.push(`Spec: ${s.spec.name}${s.spec.title ? ` (title "${s.spec.title}")` : ''}; owners: ${s.spec.owners.join(', ') || 'none'}; ${tags}`);
  }
  if (r.tried.length > 0) lines.push(r.matched ? 'Rules before the match:' : 'Rules tried:', ...r.tried.map(trialLine));
  if (r.hiddenRules > 0) lines.push(`  (${plural(r.hiddenRules, 'rule')} of other applications not shown)`);
  if (r.matched && r.application) {
    const a = r.application;
    lines.push(`Owner: ${a.name} (${a.id})${a.team ? `, team ${a.team}` : ''}, criticality ${a.criticality}`, `Matched by rule ${r.matched.index + 1} ${r.matched.ruleId}: ${r.matched.reason}`);
  } else {
    lines.push(`Unowned: no rule matches (${plural(r.tried.length + r.hiddenRules, 'rule')} tried).`);
  }
  return lines.join('\n');
}
