import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Role } from '../contracts/identity.js';
import type { TokenScope } from '../store/store.js';
import {
  ACTION_DESCRIPTIONS,
  ACTIONS,
  actionsOf,
  assertCan,
  can,
  ROLE_PERMISSIONS,
  ROLES,
  SCOPED_ROLES,
  TOKEN_SCOPE_PERMISSIONS,
  type Action,
  type Principal,
} from './permissions.js';

const user = (role: Role, applications: readonly string[] | 'all' = 'all'): Principal => ({ kind: 'user', id: `u-${role}`, name: `${role}@example.com`, role, applications });
const token = (...scopes: TokenScope[]): Principal => ({ kind: 'token', id: 't-1', name: 'ci', scopes, applications: 'all' });

describe('permission matrix', () => {
  // The words, as cases: a change to the matrix that contradicts them fails here, not in review.
  const cases: [Role, Action, boolean][] = [
    ['admin', 'users:manage', true],
    ['admin', 'settings:manage', true],
    ['admin', 'tokens:manage', true],
    ['security-practitioner', 'posture:manage', true],
    ['security-practitioner', 'specs:write', true],
    ['security-practitioner', 'tasks:write', true],
    ['security-practitioner', 'inventory:read', true],
    ['security-practitioner', 'users:manage', false],
    ['security-practitioner', 'audit:read', false],
    ['soc-analyst', 'cases:write', true],
    ['soc-analyst', 'findings:update', true],
    ['soc-analyst', 'samples:read', true],
    ['soc-analyst', 'inventory:read', true],
    ['soc-analyst', 'specs:write', false],
    ['soc-analyst', 'posture:manage', false],
    ['soc-analyst', 'users:manage', false],
    ['workload-owner', 'inventory:read', true],
    ['workload-owner', 'findings:read', true],
    ['workload-owner', 'tasks:write', true],
    ['workload-owner', 'samples:read', false],
    ['workload-owner', 'cases:read', false],
    ['workload-owner', 'reports:read', false],
    ['workload-owner', 'audit:read', false],
    ['auditor', 'audit:read', true],
    ['auditor', 'reports:read', true],
    ['auditor', 'samples:read', true],
    ['auditor', 'users:read', true],
    ['auditor', 'findings:update', false],
    ['auditor', 'users:manage', false],
    ['auditor', 'events:ingest', false],
  ];
  it.each(cases)('%s may %s: %s', (role, action, expected) => {
    expect(can(user(role), action)).toBe(expected);
  });

  it('gives admin every action', () => {
    expect(actionsOf(user('admin'))).toEqual([...ACTIONS]);
  });

  it('gives the auditor exactly the read actions, and only read actions end in ":read"', () => {
    expect(actionsOf(user('auditor'))).toEqual(ACTIONS.filter((a) => a.endsWith(':read')));
    for (const a of actionsOf(user('auditor'))) expect(a).toMatch(/^[a-z]+:read$/);
  });

  it('names actions <object>:<verb>, each once, each described', () => {
    expect(new Set(ACTIONS).size).toBe(ACTIONS.length);
    for (const a of ACTIONS) {
      expect(a).toMatch(/^[a-z]+:(read|write|update|manage|ingest)$/);
      expect(ACTION_DESCRIPTIONS[a].length).toBeGreaterThan(10);
    }
  });

  it('lists only known actions, without repeats, for every role and scope', () => {
    for (const list of [...Object.values(ROLE_PERMISSIONS), ...Object.values(TOKEN_SCOPE_PERMISSIONS)]) {
      expect(new Set(list).size).toBe(list.length);
      for (const a of list) expect(ACTIONS).toContain(a);
    }
    expect(Object.keys(ROLE_PERMISSIONS).sort()).toEqual([...ROLES].sort());
  });

  it('grants no role other than admin any user, token, settings or application management', () => {
    const adminOnly: Action[] = ['users:manage', 'tokens:manage', 'settings:manage', 'applications:manage'];
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      for (const a of adminOnly) expect(can(user(role), a), `${role} ${a}`).toBe(false);
    }
  });
});

describe('application scope', () => {
  const owner = user('workload-owner', ['app-shop', 'app-pay']);

  it.each([
    ['an owned application', 'findings:read', 'app-shop', true],
    ['another owned application', 'tasks:write', 'app-pay', true],
    ['an application owned by others', 'findings:read', 'app-ops', false],
    ['an object of no application', 'inventory:read', null, false],
    ['an owned application, but an action the role lacks', 'samples:read', 'app-shop', false],
  ] as const)('a workload owner on %s (%s): %s', (_label, action, applicationId, expected) => {
    expect(can(owner, action, { applicationId })).toBe(expected);
  });

  it('does not narrow unscoped principals', () => {
    expect(can(user('soc-analyst'), 'findings:read', { applicationId: 'app-ops' })).toBe(true);
    expect(can(user('soc-analyst'), 'findings:read', { applicationId: null })).toBe(true);
    expect(can(token('read'), 'inventory:read', { applicationId: null })).toBe(true);
  });

  it('gives a workload owner with no applications nothing to act on', () => {
    const none = user('workload-owner', []);
    expect(can(none, 'findings:read')).toBe(true);
    expect(can(none, 'findings:read', { applicationId: 'app-shop' })).toBe(false);
  });

  it('only workload owners are scoped', () => {
    expect(SCOPED_ROLES).toEqual(['workload-owner']);
  });
});

describe('token scopes', () => {
  it.each([
    [['ingest'], 'events:ingest', true],
    [['ingest'], 'inventory:read', false],
    [['read'], 'inventory:read', true],
    [['read'], 'findings:read', true],
    [['read'], 'events:ingest', false],
    [['read'], 'audit:read', false],
    [['read'], 'findings:update', false],
    [['ingest', 'read'], 'events:ingest', true],
    [['admin'], 'users:manage', true],
    [[], 'inventory:read', false],
  ] as [TokenScope[], Action, boolean][])('a token with %j may %s: %s', (scopes, action, expected) => {
    expect(can(token(...scopes), action)).toBe(expected);
  });

  it('admin scope implies every action, as hasScope always did', () => {
    expect(actionsOf(token('admin'))).toEqual([...ACTIONS]);
  });
});

describe('assertCan', () => {
  it('throws not_allowed naming the action, and passes when allowed', () => {
    expect(() => assertCan(user('auditor'), 'users:manage')).toThrow(expect.objectContaining({ code: 'not_allowed', message: 'not allowed: users:manage' }));
    expect(() => assertCan(user('admin'), 'users:manage')).not.toThrow();
  });
});

describe('docs/permissions.md', () => {
  const doc = readFileSync(fileURLToPath(new URL('../../docs/permissions.md', import.meta.url)), 'utf8');

  /** The rows of the markdown table whose header row starts with `| Action |` and contains `marker`. */
  function table(marker: string): { header: string[]; rows: string[][] } {
    const lines = doc.split('\n');
    const start = lines.findIndex((l) => l.startsWith('| Action |') && l.includes(marker));
    expect(start, `table with ${marker}`).toBeGreaterThanOrEqual(0);
    const cells = (l: string) => l.split('|').slice(1, -1).map((c) => c.trim());
    const rows: string[][] = [];
    for (let i = start + 2; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(cells(lines[i]!));
    return { header: cells(lines[start]!), rows };
  }

  it('shows exactly the role matrix, with "own" for scoped roles', () => {
    const { header, rows } = table('`admin` | `security-practitioner`');
    expect(header).toEqual(['Action', 'What it allows', ...ROLES.map((r) => `\`${r}\``)]);
    const expected = ACTIONS.map((a) => [
      `\`${a}\``,
      ACTION_DESCRIPTIONS[a],
      ...ROLES.map((r) => (ROLE_PERMISSIONS[r].includes(a) ? (SCOPED_ROLES.includes(r) ? 'own' : 'yes') : '-')),
    ]);
    expect(rows).toEqual(expected);
  });

  it('shows exactly the token scope matrix', () => {
    const scopes: TokenScope[] = ['ingest', 'read', 'admin'];
    const { header, rows } = table('`ingest`');
    expect(header).toEqual(['Action', ...scopes.map((s) => `\`${s}\``)]);
    expect(rows).toEqual(ACTIONS.map((a) => [`\`${a}\``, ...scopes.map((s) => (TOKEN_SCOPE_PERMISSIONS[s].includes(a) ? 'yes' : '-'))]));
  });
});
