import { describe, expect, it } from 'vitest';
import { bodySchema, textSchema, type FieldFacts } from './schema.js';

const f = (types: Record<string, number>, extra: Partial<FieldFacts> = {}): FieldFacts => ({
  types,
  formats: {},
  dataClasses: [],
  seen: Object.values(types).reduce((a, b) => a + b, 0),
  ...extra,
});
const field = (pointer: string, facts: FieldFacts) => ({ pointer, facts });

describe('bodySchema', () => {
  it('builds nested objects and arrays from JSON pointers, with required fields', () => {
    const s = bodySchema(
      [
        field('/id', f({ integer: 100 })),
        field('/note', f({ string: 30 })),
        field('/customer', f({ object: 100 })),
        field('/customer/email', f({ string: 100 }, { formats: { email: 100 }, dataClasses: ['email'] })),
        field('/items', f({ array: 100 })),
        field('/items/*', f({ object: 250 }, { seen: 98 })),
        field('/items/*/sku', f({ string: 98 })),
        field('/items/*/gift', f({ boolean: 10 })),
      ],
      100,
    );
    expect(s).toEqual({
      type: 'object',
      properties: {
        customer: { type: 'object', properties: { email: { type: 'string', format: 'email', 'x-bulwark-data-classes': ['email'] } }, required: ['email'] },
        id: { type: 'integer' },
        items: { type: 'array', items: { type: 'object', properties: { gift: { type: 'boolean' }, sku: { type: 'string' } }, required: ['sku'] } },
        note: { type: 'string' },
      },
      required: ['customer', 'id', 'items'],
    });
  });

  it('counts "nearly all" as 95% of the bodies', () => {
    const s = bodySchema([field('/a', f({ string: 95 })), field('/b', f({ string: 94 }))], 100);
    expect(s.required).toEqual(['a']);
  });

  it('writes mixed types as a type list, integers and numbers as number', () => {
    const s = bodySchema([field('/v', f({ string: 5, null: 2 })), field('/n', f({ integer: 5, number: 2 }))], 7);
    expect((s.properties as Record<string, unknown>).v).toEqual({ type: ['string', 'null'] });
    expect((s.properties as Record<string, unknown>).n).toEqual({ type: 'number' });
  });

  it('takes a format that covers nearly all string values, and only formats with a meaning', () => {
    const s = bodySchema(
      [
        field('/id', f({ string: 10 }, { formats: { uuid: 10 } })),
        field('/mixed', f({ string: 10 }, { formats: { uuid: 5 } })),
        field('/hash', f({ string: 10 }, { formats: { hex: 10 } })),
        field('/card', f({ string: 10 }, { formats: { 'payment-card': 10 }, dataClasses: ['payment-card'] })),
      ],
      10,
    );
    const p = s.properties as Record<string, Record<string, unknown>>;
    expect(p.id!.format).toBe('uuid');
    expect(p.mixed).not.toHaveProperty('format');
    expect(p.hash).not.toHaveProperty('format');
    expect(p.card).toEqual({ type: 'string', 'x-bulwark-data-classes': ['payment-card'] });
  });

  it('writes an enum only from a vetted value set of a pure string field without data classes', () => {
    const s = bodySchema(
      [
        field('/status', f({ string: 40 }, { values: { shipped: 30, pending: 10 } })),
        field('/maybe', f({ string: 40, null: 1 }, { values: { a: 20, b: 20 } })),
        field('/classy', f({ string: 40 }, { values: { a: 20, b: 20 }, dataClasses: ['person-name'] })),
      ],
      40,
    );
    const p = s.properties as Record<string, Record<string, unknown>>;
    expect(p.status).toEqual({ type: 'string', enum: ['pending', 'shipped'] });
    expect(p.maybe).not.toHaveProperty('enum');
    expect(p.classy).not.toHaveProperty('enum');
  });

  it('describes objects keyed by data as maps: placeholder keys never become property names', () => {
    const key = (hex: string) => `[REDACTED:email:${hex}]`;
    const s = bodySchema(
      [
        field('/byUser', f({ object: 10 })),
        field(`/byUser/${key('0123456789abcdef')}`, f({ object: 3 })),
        field(`/byUser/${key('0123456789abcdef')}/score`, f({ integer: 3 })),
        field(`/byUser/${key('fedcba9876543210')}`, f({ object: 4 })),
        field(`/byUser/${key('fedcba9876543210')}/score`, f({ integer: 4 })),
      ],
      10,
    );
    expect((s.properties as Record<string, unknown>).byUser).toEqual({
      type: 'object',
      additionalProperties: { type: 'object', properties: { score: { type: 'integer' } }, required: ['score'] },
    });
    expect(JSON.stringify(s)).not.toContain('REDACTED');
  });

  it('treats an object with many rare keys as a map (keys that are data nobody redacted)', () => {
    const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan'];
    const fields = [field('/scores', f({ object: 50 })), ...names.map((n) => field(`/scores/${n}`, f({ integer: 2 })))];
    const s = bodySchema(fields, 50);
    expect((s.properties as Record<string, unknown>).scores).toEqual({ type: 'object', additionalProperties: { type: 'integer' } });
    expect(JSON.stringify(s)).not.toMatch(/alice|heidi/);
  });

  it('describes a top-level array, keeps only the given top-level fields, and is empty without fields', () => {
    expect(bodySchema([field('/*', f({ object: 30 }, { seen: 10 })), field('/*/id', f({ integer: 10 }))], 10)).toEqual({
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
    });
    const s = bodySchema([field('/data', f({ string: 9 })), field('/error', f({ string: 1 }))], 9, new Set(['data']));
    expect(Object.keys(s.properties as object)).toEqual(['data']);
    expect(bodySchema([], 10)).toEqual({});
  });
});

describe('textSchema (query, path, header, cookie values)', () => {
  it.each([
    [{ integer: 10 }, 'integer'],
    [{ integer: 8, number: 2 }, 'number'],
    [{ boolean: 3 }, 'boolean'],
    [{ integer: 5, string: 1 }, 'string'],
    [{ boolean: 5, integer: 1 }, 'string'],
  ])('%j is %s', (types, type) => expect(textSchema(f(types)).type).toBe(type));

  it('is a string when nothing was observed', () => {
    expect(textSchema(undefined)).toEqual({ type: 'string' });
  });
});
