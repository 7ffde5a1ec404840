import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataClassInfo } from '../contracts/data-class.js';
import { DATA_CLASSES, DATA_CLASS_INFOS } from './registry.js';

const docs = readFileSync(new URL('../../docs/data-classes.md', import.meta.url), 'utf8');

describe('data class registry', () => {
  it.each(DATA_CLASSES.map((c) => [c.id, c] as const))('%s has a row in docs/data-classes.md', (id, c) => {
    const row = docs.split('\n').find((l) => l.startsWith(`| \`${id}\` |`));
    expect(row, id).toBeDefined();
    expect(row).toContain(`| ${c.category} | ${c.sensitivity} |`);
  });

  it('exposes infos that satisfy the contract schema', () => {
    for (const info of DATA_CLASS_INFOS) expect(DataClassInfo.safeParse(info).success, info.id).toBe(true);
  });

  it('has a detector or a key rule for every class', () => {
    for (const c of DATA_CLASSES) expect(c.detect !== undefined || (c.keyNames?.length ?? 0) > 0, c.id).toBe(true);
  });
});
