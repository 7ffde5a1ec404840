import { describe } from 'vitest';
import { CRLF_HEADER_INJECTION, LOGFORGE_INJECTED_LINE } from './crlf.js';
import { CRLF_CASES } from './fixtures/crlf.cases.js';
import { runCases } from './fixtures/run-cases.js';

describe('crlf-header-injection and logforge-injected-line', () => {
  runCases([CRLF_HEADER_INJECTION, LOGFORGE_INJECTED_LINE], CRLF_CASES);
});
