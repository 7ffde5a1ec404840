import { describe, expect, it } from 'vitest';
import { TRAVERSAL_CASES } from './fixtures/traversal.cases.js';
import { runCases } from './fixtures/run-cases.js';
import { TRAVERSAL_DOT_SEGMENTS, TRAVERSAL_FILE_WRAPPER, TRAVERSAL_SENSITIVE_FILE } from './traversal.js';

describe('traversal detectors', () => {
  runCases([TRAVERSAL_DOT_SEGMENTS, TRAVERSAL_SENSITIVE_FILE, TRAVERSAL_FILE_WRAPPER], TRAVERSAL_CASES);

  it('scores a climb towards a system directory above a plain climb', () => {
    const c = (value: string) => TRAVERSAL_DOT_SEGMENTS.detect({ location: 'query', name: 'f', value })!.confidence;
    expect(c('../../etc/passwd')).toBeGreaterThan(c('../../img/a.png'));
  });
});
