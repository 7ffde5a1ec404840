import type { Spec, SpecVersionSummary } from '../contracts/spec-registry.js';
import type { SpecImportResult } from '../spec/registry.js';
import type { Page } from '../store/store.js';

/** Terminal output of `bulwark spec import` and `bulwark spec list`. */

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

function dialect(v: SpecVersionSummary): string {
  return `${v.dialect === 'swagger-2.0' ? 'Swagger' : 'OpenAPI'} ${v.declaredVersion}`;
}

function findingCounts(v: SpecVersionSummary): string {
  const parts = SEVERITIES.filter((s) => v.findingCounts[s] > 0).map((s) => `${v.findingCounts[s]} ${s}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

export function formatSpecImport(file: string, r: SpecImportResult): string {
  const { spec, version: v } = r;
  const ops = `${v.operations} operation${v.operations === 1 ? '' : 's'}`;
  const head = r.created
    ? `Imported ${file} as version ${v.version} of spec ${spec.id} "${spec.name}" (${dialect(v)}, ${ops}).`
    : `Unchanged: ${file} is version ${v.version} of spec ${spec.id} "${spec.name}" already; no version added.`;
  const lines = [
    head,
    `Score ${v.score.total}/100 (security ${v.score.security}/70, data validation ${v.score.dataValidation}/30); findings: ${findingCounts(v)}.`,
    `Hosts: ${spec.hosts.length > 0 ? spec.hosts.join(', ') : 'none'} (${spec.hostsSource === 'manual' ? 'set by hand' : 'from servers'}); application: ${spec.applicationId ?? 'none'}${spec.applicationPinned ? ' (set by hand)' : ''}.`,
  ];
  if (r.created && v.version === 1) lines.push(`Add later versions with: bulwark spec import <file> --spec-id ${spec.id}`);
  return lines.join('\n');
}

export function formatSpecList(page: Page<Spec>): string {
  if (page.items.length === 0) return page.total > 0 ? `No specs on this page (${page.total} in all).` : 'No specs yet: import one with "bulwark spec import <file>".';
  const headers = ['ID', 'NAME', 'VER', 'FORMAT', 'SCORE', 'CRIT', 'HIGH', 'MED', 'HOSTS', 'APPLICATION'];
  const rows = page.items.map((s) => [
    s.id,
    s.name,
    String(s.latestVersion),
    dialect(s.latest),
    s.latest.score.total.toFixed(1),
    String(s.latest.findingCounts.critical),
    String(s.latest.findingCounts.high),
    String(s.latest.findingCounts.medium),
    s.hosts.join(' ') || '-',
    s.applicationId ?? '-',
  ]);
  const max = [22, 40, 4, 14, 5, 4, 4, 4, 50, 24];
  const widths = headers.map((h, i) => Math.min(max[i]!, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const cut = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
  const line = (cells: string[]) => cells.map((c, i) => cut(c, widths[i]!)).join('  ').trimEnd();
  const shown = `${page.offset + 1}-${page.offset + page.items.length} of ${page.total}`;
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '', `Specs ${shown}`].join('\n');
}
