import { describe } from 'vitest';
import { SSTI_CASES } from './fixtures/ssti.cases.js';
import { runCases } from './fixtures/run-cases.js';
import { SSTI_EXPRESSION } from './ssti.js';

describe('ssti-expression', () => {
  runCases([SSTI_EXPRESSION], SSTI_CASES);
});
