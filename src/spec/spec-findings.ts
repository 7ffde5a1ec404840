import type { Finding } from '../contracts/finding.js';
import type { SpecFindingView } from '../contracts/spec-registry.js';
import { fingerprint } from '../risk/findings.js';

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/**
 * The operation a JSON pointer points into, if any: `/paths/~1users~1{id}/get/responses` ->
 * `{ method: 'GET', path: '/users/{id}' }`; a path-level pointer gives the path and no method.
 */
export function operationOfPointer(pointer: string): { method: string | null; path: string } | null {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (parts[0] !== 'paths' || parts[1] === undefined) return null;
  const method = parts[2] !== undefined && METHODS.has(parts[2]) ? parts[2].toUpperCase() : null;
  return { method, path: parts[1] };
}

/**
 * A spec version's audit findings in the one findings model, so that they become remediation tasks like
 * every other finding: one finding per spec-audit fingerprint (rule, pointer, message), on the spec, at the
 * operation the pointer names. Each version that still has a finding adds one to its count; a version
 * without it resolves it (see `Store.saveSpecFindings`).
 *
 * @example
 * specFindings('spec_1', ['api.shop.example'], '2026-11-24T10:00:00.000Z', version.findings)
 * // [{ id: '…', ruleId: 'spec-security-missing', specId: 'spec_1', host: 'api.shop.example', method: 'GET', pathTemplate: '/orders', … }]
 */
export function specFindings(specId: string, hosts: readonly string[], at: string, findings: readonly SpecFindingView[]): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of findings) {
    const id = fingerprint('spec-finding', specId, f.fingerprint);
    if (seen.has(id)) continue;
    seen.add(id);
    const op = operationOfPointer(f.location.pointer);
    out.push({
      id,
      ruleId: f.ruleId,
      title: f.title,
      severity: f.severity,
      owasp: f.owasp,
      cwe: f.cwe,
      endpointId: null,
      specId,
      host: hosts[0] ?? '',
      method: op?.method ?? null,
      pathTemplate: op?.path ?? null,
      evidence: { summary: f.message, location: `${f.location.file}:${f.location.line}:${f.location.column} ${f.location.pointer}` },
      remediation: f.remediation,
      firstSeen: at,
      lastSeen: at,
      count: 1,
      status: 'open',
    });
  }
  return out;
}
