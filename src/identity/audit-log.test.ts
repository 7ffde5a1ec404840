import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEntryHash, canonicalJson } from '../store/audit-chain.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import { MAX_PAGE_SIZE, type Store } from '../store/store.js';
import { manualClock } from '../util/clock.js';
import { createAuditLog, scrubSecrets, type AuditLog } from './audit-log.js';

describe('audit log', () => {
  let dir: string;
  let dbPath: string;
  let store: Store;
  let audit: AuditLog;
  const clock = manualClock('2026-03-01T09:00:00.000Z');

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-audit-'));
    dbPath = join(dir, 'bulwark.db');
    store = createSqliteStore({ path: dbPath });
    await store.init();
    audit = createAuditLog({ store, clock });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function appendSome(n: number): Promise<void> {
    for (let i = 1; i <= n; i++) {
      clock.advance(1000);
      await audit.append({
        actor: { kind: 'user', id: 'u-admin' },
        action: 'user.update',
        target: { type: 'user', id: `u-${i}` },
        before: { role: 'auditor' },
        after: { role: 'soc-analyst', n: i },
        clientAddress: '203.0.113.7',
      });
    }
  }

  /** Writes to the database as someone with the file would: around the append-only triggers. */
  function tamper(sql: string, ...params: unknown[]): void {
    const db = new Database(dbPath);
    try {
      db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
      db.prepare(sql).run(...params);
    } finally {
      db.close();
    }
  }

  it('verifies an empty log and an intact one, and reports its head', async () => {
    expect(await audit.verifyChain()).toEqual({ ok: true, checked: 0, head: null });
    await appendSome(5);
    const verdict = await audit.verifyChain();
    const [last] = (await audit.list({ limit: 1 })).items;
    expect(verdict).toEqual({ ok: true, checked: 5, head: { seq: 5, hash: last!.hash } });
  });

  it('stamps entries with the clock and the caller fields', async () => {
    const entry = await audit.append({ actor: { kind: 'system', id: null }, action: 'user.bootstrap', target: { type: 'user', id: 'u-1' } });
    expect(entry).toMatchObject({ seq: 1, at: clock.now().toISOString(), before: null, after: null, clientAddress: null });
  });

  it.each([
    ['the action', "UPDATE audit_log SET action = 'user.bootstrap' WHERE seq = 3"],
    ['the after value', `UPDATE audit_log SET after_json = '{"role":"admin","n":3}' WHERE seq = 3`],
    ['the time', "UPDATE audit_log SET at = '2026-03-01T08:00:00.000Z' WHERE seq = 3"],
    ['the actor', "UPDATE audit_log SET actor_id = 'u-someone-else' WHERE seq = 3"],
    ['the target', "UPDATE audit_log SET target_id = 'u-99' WHERE seq = 3"],
    ['the client address', "UPDATE audit_log SET client_address = '198.51.100.1' WHERE seq = 3"],
  ])('detects a changed row (%s) at that row', async (_label, sql) => {
    await appendSome(6);
    tamper(sql);
    expect(await audit.verifyChain()).toMatchObject({ ok: false, firstBrokenSeq: 3, reason: 'hash-mismatch', checked: 2 });
  });

  it('detects a changed row whose hash was recomputed, at the next row', async () => {
    await appendSome(6);
    const [row] = await store.auditEntriesAfter(2, 1);
    const forged = { ...row!, after: { role: 'admin', n: 3 } };
    tamper('UPDATE audit_log SET after_json = ?, hash = ? WHERE seq = 3', JSON.stringify(forged.after), auditEntryHash(forged.prevHash, forged));
    expect(await audit.verifyChain()).toMatchObject({ ok: false, firstBrokenSeq: 4, reason: 'link-mismatch' });
  });

  it('detects a deleted row in the middle as a gap at its seq', async () => {
    await appendSome(6);
    tamper('DELETE FROM audit_log WHERE seq = 4');
    expect(await audit.verifyChain()).toMatchObject({ ok: false, firstBrokenSeq: 4, reason: 'seq-gap' });
  });

  it('detects a cut-off tail only with an anchor recorded before', async () => {
    await appendSome(6);
    const { head } = await audit.verifyChain();
    tamper('DELETE FROM audit_log WHERE seq >= 5');
    expect((await audit.verifyChain()).ok).toBe(true);
    expect(await audit.verifyChain({ anchor: head! })).toMatchObject({ ok: false, firstBrokenSeq: 5, reason: 'anchor-mismatch' });
  });

  it('detects a rewritten tail against an anchor', async () => {
    await appendSome(3);
    const { head } = await audit.verifyChain();
    tamper("UPDATE audit_log SET hash = 'f' || substr(hash, 2) WHERE seq = 3");
    expect(await audit.verifyChain({ anchor: head! })).toMatchObject({ ok: false, firstBrokenSeq: 3 });
  });

  it('verifies a log longer than one page', async () => {
    const n = MAX_PAGE_SIZE + 20;
    for (let i = 0; i < n; i++) await audit.append({ actor: { kind: 'system', id: null }, action: `a.${i}` });
    expect(await audit.verifyChain()).toMatchObject({ ok: true, checked: n });
    tamper(`UPDATE audit_log SET action = 'x' WHERE seq = ${MAX_PAGE_SIZE + 7}`);
    expect(await audit.verifyChain()).toMatchObject({ ok: false, firstBrokenSeq: MAX_PAGE_SIZE + 7 });
  });

  it('exports every entry as JSON lines, page by page, that verify offline', async () => {
    await appendSome(7);
    const lines: string[] = [];
    for await (const line of audit.exportJsonLines({ pageSize: 3 })) lines.push(line);
    expect(lines).toHaveLength(7);
    const entries = lines.map((l) => {
      expect(l.endsWith('\n')).toBe(true);
      return JSON.parse(l) as Parameters<typeof auditEntryHash>[1] & { prevHash: string; hash: string };
    });
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const e of entries) expect(e.hash).toBe(auditEntryHash(e.prevHash, e));

    const rest: string[] = [];
    for await (const line of audit.exportJsonLines({ afterSeq: 5 })) rest.push(line);
    expect(rest.map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([6, 7]);
  });

  it('drops members named like secrets from before and after, at any depth', async () => {
    const entry = await audit.append({
      actor: { kind: 'user', id: 'u-1' },
      action: 'user.update',
      before: { email: 'a@example.com', passwordHash: 'scrypt$16$8$1$x$y', nested: [{ csrfToken: 'c', keep: 1 }] },
      after: { Password: 'hunter2hunter2', session: 'abc', role: 'admin' },
    });
    expect(entry.before).toEqual({ email: 'a@example.com', nested: [{ keep: 1 }] });
    expect(entry.after).toEqual({ role: 'admin' });
    expect(JSON.stringify(await store.auditEntriesAfter(0, 10))).not.toMatch(/hunter2|scrypt\$/);
  });

  it('filters and pages through list', async () => {
    await appendSome(4);
    await audit.append({ actor: { kind: 'anonymous', id: null }, action: 'auth.login-failed' });
    expect((await audit.list({ action: 'auth.login-failed' })).items.map((e) => e.seq)).toEqual([5]);
    expect((await audit.list({ targetType: 'user', targetId: 'u-2' })).items.map((e) => e.seq)).toEqual([2]);
  });
});

describe('canonicalJson', () => {
  it.each([
    [{ b: 1, a: [true, { d: null, c: 'x' }] }, '{"a":[true,{"c":"x","d":null}],"b":1}'],
    [{ a: undefined, b: 2 }, '{"b":2}'],
    [[undefined, 1], '[null,1]'],
    [null, 'null'],
    [undefined, 'null'],
    ['é"\n', '"é\\"\\n"'],
    [Number.NaN, 'null'],
    [new Date('2026-01-01T00:00:00.000Z'), '"2026-01-01T00:00:00.000Z"'],
  ])('%j -> %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('does not depend on key order', () => {
    expect(canonicalJson({ x: { b: 1, a: 2 }, y: 1 })).toBe(canonicalJson({ y: 1, x: { a: 2, b: 1 } }));
  });
});

describe('scrubSecrets', () => {
  it('keeps ordinary members and values', () => {
    expect(scrubSecrets({ role: 'admin', list: [1, { id: 'x' }], n: null })).toEqual({ role: 'admin', list: [1, { id: 'x' }], n: null });
    expect(scrubSecrets('text')).toBe('text');
  });
});
