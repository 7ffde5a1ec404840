import { describe, expect, it } from 'vitest';
import { createClassifier } from './classify-value.js';
import { CUSTOM_PATTERN_MAX_INPUT, CustomClass } from './custom-classes.js';

const employeeId = {
  id: 'custom-employee-id',
  title: 'Employee id',
  category: 'pii',
  sensitivity: 'medium',
  valuePattern: '^E\\d{6}$',
} as const;
const badge = { id: 'custom-badge', title: 'Badge', category: 'pii', sensitivity: 'low', keyPattern: '^badge_?(no|number)$' } as const;
const both = {
  id: 'custom-ticket',
  title: 'Ticket',
  category: 'pii',
  sensitivity: 'low',
  keyPattern: '^ticket$',
  valuePattern: '^T-\\d+$',
} as const;

describe('custom classes', () => {
  const c = createClassifier({ customClasses: [employeeId, badge, both] });
  const classes = (v: string, k?: string) => c.classifyValue(v, k).map((m) => m.dataClass);

  it('matches by value, by key (case-insensitive), or by both', () => {
    expect(classes('E123456')).toEqual(['custom-employee-id']);
    expect(classes('42', 'Badge_No')).toEqual(['custom-badge']);
    expect(classes('T-9', 'ticket')).toEqual(['custom-ticket']);
  });

  it('does not match when one half of a two-part class fails', () => {
    expect(classes('T-9', 'other')).toEqual([]);
    expect(classes('X-9', 'ticket')).toEqual([]);
    expect(classes('', 'badge_no')).toEqual([]);
  });

  it('never runs a value pattern on values over the cap', () => {
    const permissive = createClassifier({
      customClasses: [{ id: 'custom-any', title: 'Any', category: 'pii', sensitivity: 'low', valuePattern: '^x+$' }],
    });
    expect(permissive.classifyValue('x'.repeat(CUSTOM_PATTERN_MAX_INPUT)).map((m) => m.dataClass)).toEqual(['custom-any']);
    expect(permissive.classifyValue('x'.repeat(CUSTOM_PATTERN_MAX_INPUT + 1))).toEqual([]);
  });

  it('ranks custom classes after built-in ones', () => {
    const overlap = createClassifier({
      customClasses: [{ id: 'custom-mail', title: 'Mail', category: 'pii', sensitivity: 'low', valuePattern: '@' }],
    });
    expect(overlap.classifyValue('alice@example.com').map((m) => m.dataClass)).toEqual(['email', 'custom-mail']);
  });

  it('rejects bad ids, bad patterns and classes with no pattern', () => {
    expect(CustomClass.safeParse({ ...employeeId, id: 'employee-id' }).success).toBe(false);
    expect(CustomClass.safeParse({ ...employeeId, valuePattern: '(' }).success).toBe(false);
    expect(CustomClass.safeParse({ id: 'custom-x', title: 'X', category: 'pii', sensitivity: 'low' }).success).toBe(false);
    expect(() => createClassifier({ customClasses: [{ ...employeeId, valuePattern: '[' }] })).toThrow();
  });

  it('lists custom classes with the built-in ones', () => {
    expect(c.classes.map((x) => x.id)).toContain('custom-badge');
    expect(c.classes.map((x) => x.id)).toContain('email');
  });
});
