import { describe, expect, it } from 'vitest';
import { SCANNER_CASES } from './fixtures/scanner.cases.js';
import { runCases } from './fixtures/run-cases.js';
import { SCANNER_OAST_DOMAIN, SCANNER_PROBE_PATH, SCANNER_USER_AGENT } from './scanner.js';

describe('scanner detectors', () => {
  runCases([SCANNER_USER_AGENT, SCANNER_OAST_DOMAIN, SCANNER_PROBE_PATH], SCANNER_CASES);

  it.each(['python-requests/2.31.0', 'curl/8.4.0', 'Go-http-client/1.1', 'Wget/1.21.4'])('reports %s at low confidence', (agent) => {
    const m = SCANNER_USER_AGENT.detect({ location: 'header', name: 'user-agent', value: agent });
    expect(m?.confidence).toBeGreaterThan(0);
    expect(m!.confidence).toBeLessThan(0.5);
  });

  it('names the tool in the fragment', () => {
    expect(SCANNER_USER_AGENT.detect({ location: 'header', name: 'user-agent', value: 'sqlmap/1.7' })!.fragment).toContain('(sqlmap)');
  });
});
