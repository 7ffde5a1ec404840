import { describe } from 'vitest';
import { NOSQLI_CASES } from './fixtures/nosqli.cases.js';
import { runCases } from './fixtures/run-cases.js';
import { NOSQLI_OPERATORS } from './nosqli.js';

describe('nosqli-operators', () => {
  runCases([NOSQLI_OPERATORS], NOSQLI_CASES);
});
