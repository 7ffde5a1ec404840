import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';
import type { ReportOptions, SpecAuditResult } from './report.js';

export type { ReportOptions, SpecAuditResult } from './report.js';

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'junit'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const FORMATTERS: Record<ReportFormat, (result: SpecAuditResult, opts: ReportOptions) => string> = {
  text: formatText,
  json: formatJson,
  sarif: formatSarif,
  junit: formatJunit,
};

/**
 * The spec-audit report in one of the formats: a pure function of the audit result.
 *
 * @example
 *   process.stdout.write(formatSpecReport('sarif', result, { cwd: process.cwd(), toolVersion: '0.1.0' }));
 */
export function formatSpecReport(format: ReportFormat, result: SpecAuditResult, opts: ReportOptions): string {
  return FORMATTERS[format](result, opts);
}
