import type { Endpoint, EndpointSummary } from '../contracts/endpoint.js';
import type { Finding } from '../contracts/finding.js';
import type { InventorySummary, Page } from '../store/store.js';
import type { IngestReport } from '../pipeline/pipeline.js';

function table(headers: string[], rows: string[][], maxWidths: number[] = []): string {
  const widths = headers.map((h, i) => Math.min(maxWidths[i] ?? 80, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const cut = (s: string, w: number) => (s.length > w ? s.slice(0, w - 1) + '…' : s.padEnd(w));
  const line = (cells: string[]) => cells.map((c, i) => cut(c, widths[i]!)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const n = (x: number) => x.toLocaleString('en');

export function formatReport(file: string, r: IngestReport): string {
  const lines = [`${file}: ${n(r.accepted)} events ingested, ${n(r.rejected)} rejected; ${n(r.endpoints)} endpoints (${n(r.newEndpoints)} new), ${n(r.findings)} finding updates, ${n(r.detections)} threat detections`];
  for (const [reason, count] of Object.entries(r.rejectReasons).sort((a, b) => b[1] - a[1])) lines.push(`  rejected ${n(count)} x ${reason}`);
  for (const rej of r.firstRejects.slice(0, 5)) lines.push(`    e.g. ${rej.line !== undefined ? `line ${rej.line}: ` : ''}${rej.reason}`);
  return lines.join('\n');
}

export function formatSummary(s: InventorySummary): string {
  const f = s.openFindingsBySeverity;
  return [
    'Inventory',
    `  ${n(s.hosts)} hosts, ${n(s.apis)} APIs, ${n(s.endpoints)} endpoints`,
    `  internet-exposed ${n(s.internetExposed)}, unauthenticated ${n(s.unauthenticated)}, plain HTTP ${n(s.plainHttp)}, with sensitive data ${n(s.withSensitiveData)}`,
    `  risk: critical ${n(s.byRiskLevel.critical)}, high ${n(s.byRiskLevel.high)}, medium ${n(s.byRiskLevel.medium)}, low ${n(s.byRiskLevel.low)}`,
    `  open findings: critical ${n(f.critical)}, high ${n(f.high)}, medium ${n(f.medium)}, low ${n(f.low)}, info ${n(f.info)}`,
    '',
  ].join('\n');
}

export function formatInventory(page: Page<EndpointSummary>): string {
  if (!page.items.length) return 'No endpoints yet: ingest traffic with "bulwark ingest <files>".';
  const rows = page.items.map((e) => [
    e.riskScore.toFixed(1),
    e.riskLevel,
    e.method,
    e.host,
    e.pathTemplate,
    n(e.calls),
    e.authenticated ? 'yes' : 'NO',
    e.internetExposed ? 'yes' : 'no',
    e.plainHttp ? 'HTTP' : 'TLS',
    e.dataClasses.join(','),
    e.id,
  ]);
  const shown = `${page.offset + 1}-${page.offset + page.items.length} of ${n(page.total)} endpoints`;
  return table(['RISK', 'LEVEL', 'METHOD', 'HOST', 'PATH', 'CALLS', 'AUTH', 'PUBLIC', 'ENC', 'DATA', 'ID'], rows, [5, 8, 7, 34, 48, 10, 4, 6, 4, 40, 16]) + `\n${shown}`;
}

export function formatEndpoint(e: Endpoint, findings: Finding[]): string {
  const lines = [
    `${e.method} ${e.host}${e.pathTemplate}   (id ${e.id}, API ${e.api})`,
    `Risk ${e.risk.score.toFixed(1)} / 10, ${e.risk.level}    ${e.risk.formula}`,
    ...e.risk.factors.map((f) => `  + ${f.points.toFixed(2).padStart(5)}  ${f.label} (weight ${f.weight} x ${f.value})${f.detail ? ` - ${f.detail}` : ''}`),
    `Template: confidence ${e.template.confidence.toFixed(2)} from ${e.template.origin}${e.template.evidence.length ? '; ' + e.template.evidence.join('; ') : ''}`,
    `Seen ${e.firstSeen} .. ${e.lastSeen}: ${n(e.calls)} calls from ~${n(e.consumers)} consumers`,
    `Status: ${Object.entries(e.statusCodes).map(([s, c]) => `${s} x${n(c)}`).join(', ')}`,
    e.latencyMs ? `Latency ms: p50 ${e.latencyMs.p50}, p90 ${e.latencyMs.p90}, p99 ${e.latencyMs.p99}, max ${e.latencyMs.max}` : 'Latency: not recorded by the source',
    `Authentication: ${Object.entries(e.auth.kinds).map(([k, c]) => `${k} x${n(c)}`).join(', ')}${e.auth.jwt ? `; JWT alg ${e.auth.jwt.algs.join('/')}, ${n(e.auth.jwt.withoutExp)} without exp, claims ${e.auth.jwt.claims.join(',')}` : ''}`,
    `Encryption: ${n(e.encryption.tlsCalls)} TLS calls (${Object.keys(e.encryption.tlsVersions).join(', ') || 'version unknown'}), ${n(e.encryption.plainHttpCalls)} plain HTTP`,
    `Exposure: ${e.exposure.internetExposed ? 'INTERNET-EXPOSED' : 'internal only'} (${n(e.exposure.publicClientCalls)} public-client calls, ${n(e.exposure.privateClientCalls)} private)`,
    '',
    'Parameters',
  ];
  const params = e.parameters.filter((p) => p.location !== 'header');
  if (!params.length) lines.push('  (none observed)');
  for (const p of params.slice(0, 60)) {
    const types = Object.keys(p.types).join('|');
    const formats = Object.keys(p.formats).join('|');
    lines.push(`  ${p.direction.padEnd(8)} ${p.location.padEnd(6)} ${p.name.padEnd(40)} ${types}${formats ? ` (${formats})` : ''}${p.dataClasses.length ? `  [${p.dataClasses.join(', ')}]` : ''}`);
  }
  if (params.length > 60) lines.push(`  ... ${params.length - 60} more (use --json)`);
  lines.push('', 'Findings');
  if (!findings.length) lines.push('  (none)');
  for (const f of findings) lines.push(`  ${f.severity.toUpperCase().padEnd(8)} ${f.ruleId} (${f.owasp}, ${f.cwe}): ${f.evidence.summary}`, `           fix: ${f.remediation}`);
  return lines.join('\n');
}

export function formatFindings(page: Page<Finding>): string {
  if (!page.items.length) return 'No findings.';
  const rows = page.items.map((f) => [f.severity, f.ruleId, f.owasp, `${f.method ?? ''} ${f.host}${f.pathTemplate ?? ''}`, n(f.count), f.evidence.summary, f.id]);
  return table(['SEVERITY', 'RULE', 'OWASP', 'ENDPOINT', 'COUNT', 'EVIDENCE', 'ID'], rows, [8, 38, 9, 60, 8, 70, 24]) + `\n${page.items.length} of ${n(page.total)} findings`;
}
