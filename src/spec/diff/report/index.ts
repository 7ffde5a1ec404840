import type { ReportOptions } from '../../report/report.js';
import { formatDiffJson } from './json.js';
import { formatDiffSarif } from './sarif.js';
import { formatDiffText } from './text.js';
import type { SpecDiffResult } from './result.js';

export type { SpecDiffResult } from './result.js';

export const DIFF_REPORT_FORMATS = ['text', 'json', 'sarif'] as const;
export type DiffReportFormat = (typeof DIFF_REPORT_FORMATS)[number];

const FORMATTERS: Record<DiffReportFormat, (result: SpecDiffResult, opts: ReportOptions) => string> = {
  text: formatDiffText,
  json: formatDiffJson,
  sarif: formatDiffSarif,
};

/**
 * The spec-diff report in one of the formats: a pure function of the diff result.
 *
 * @example
 *   process.stdout.write(formatDiffReport('sarif', result, { cwd: process.cwd(), toolVersion: '0.1.0' }));
 */
export function formatDiffReport(format: DiffReportFormat, result: SpecDiffResult, opts: ReportOptions): string {
  return FORMATTERS[format](result, opts);
}
