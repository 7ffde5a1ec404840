import { describe, expect, it } from 'vitest';
import { specOwnershipFacts, specOwnershipFactsFromText } from './spec-facts.js';

describe('spec ownership facts', () => {
  it('reads x-owner (top level, then info), the contact email and name, and the tags of each operation', () => {
    const facts = specOwnershipFacts({
      'x-owner': 'payments',
      info: { title: 'Pay', 'x-owner': { name: 'Payments', email: 'PAY@example.com' }, contact: { name: 'Ana', email: 'pay@example.com' } },
      paths: {
        '/cards': { get: { tags: ['cards', ' cards ', 7] }, post: { responses: {} }, parameters: [] },
        '/cards/{id}': { delete: { tags: ['cards', 'admin'] } },
        '/ref': { $ref: '#/x' },
      },
    });
    expect(facts).toEqual({
      // "Payments" repeats "payments" (case-insensitively) and "pay@example.com" its upper-case twin.
      owners: ['payments', 'PAY@example.com', 'Ana'],
      operations: [
        { method: 'GET', path: '/cards', tags: ['cards'] },
        { method: 'DELETE', path: '/cards/{id}', tags: ['cards', 'admin'] },
      ],
    });
  });

  it('has none for documents without them, and for text that does not parse', () => {
    expect(specOwnershipFacts({ openapi: '3.1.0', paths: {} })).toEqual({ owners: [], operations: [] });
    expect(specOwnershipFacts('not a document')).toEqual({ owners: [], operations: [] });
    expect(specOwnershipFactsFromText('{ unclosed: [')).toEqual({ owners: [], operations: [] });
    expect(specOwnershipFactsFromText('openapi: 3.0.3\nx-owner: ledger\npaths: {}')).toEqual({ owners: ['ledger'], operations: [] });
  });

  it('bounds what it keeps', () => {
    const paths = Object.fromEntries(Array.from({ length: 30_000 }, (_, i) => [`/p${i}`, { get: { tags: ['t', 'x'.repeat(500)] } }]));
    const facts = specOwnershipFacts({ 'x-owner': Array.from({ length: 50 }, (_, i) => `owner-${i}`), paths });
    expect(facts.owners).toHaveLength(10);
    expect(facts.operations).toHaveLength(20_000);
    expect(facts.operations[0]!.tags).toEqual(['t']);
  });
});
