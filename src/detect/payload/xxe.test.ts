import { describe } from 'vitest';
import { XXE_CASES } from './fixtures/xxe.cases.js';
import { runCases } from './fixtures/run-cases.js';
import { XXE_EXTERNAL_ENTITY_DETECTOR } from './xxe.js';

describe('xxe-external-entity', () => {
  runCases([XXE_EXTERNAL_ENTITY_DETECTOR], XXE_CASES);
});
