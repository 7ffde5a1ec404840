import { describe, expect, it } from 'vitest';
import { XSS_CASES } from './fixtures/xss.cases.js';
import { runCases } from './fixtures/run-cases.js';
import { XSS_MARKUP } from './xss.js';

describe('xss-markup', () => {
  runCases([XSS_MARKUP], XSS_CASES);

  it('reports harmless formatting at low confidence, not nothing', () => {
    const m = XSS_MARKUP.detect({ location: 'body', name: '/comment', value: 'Great <b>product</b>!' });
    expect(m?.confidence).toBeGreaterThan(0);
    expect(m!.confidence).toBeLessThan(0.5);
  });
});
