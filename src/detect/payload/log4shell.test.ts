import { describe, expect, it } from 'vitest';
import { LOG4SHELL_CASES } from './fixtures/log4shell.cases.js';
import { runCases } from './fixtures/run-cases.js';
import { LOG4SHELL_JNDI_LOOKUP, resolveLookups } from './log4shell.js';

describe('log4shell-jndi-lookup', () => {
  runCases([LOG4SHELL_JNDI_LOOKUP], LOG4SHELL_CASES);

  it.each([
    ['${${lower:J}ndi:x}', '${jndi:x}'],
    ['${${::-j}${::-n}di:x}', '${jndi:x}'],
    ["${${date:'j'}ndi:x}", '${jndi:x}'],
    ['${${upper:j}ndi:x}', '${Jndi:x}'],
    ['${env:HOME}', '${env:HOME}'],
    ['${unclosed', '${unclosed'],
    ['plain', 'plain'],
  ])('resolves %j to %j', (input, expected) => {
    expect(resolveLookups(input)).toBe(expected);
  });
});
