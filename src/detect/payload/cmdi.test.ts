import { describe } from 'vitest';
import { CMDI_SHELL_SYNTAX, CMDI_SSI_DIRECTIVE } from './cmdi.js';
import { CMDI_CASES } from './fixtures/cmdi.cases.js';
import { runCases } from './fixtures/run-cases.js';

describe('cmdi-shell-syntax and cmdi-ssi-directive', () => {
  runCases([CMDI_SHELL_SYNTAX, CMDI_SSI_DIRECTIVE], CMDI_CASES);
});
