import { readFileSync, statSync } from 'node:fs';
import type { ApiEvent, Reject } from '../contracts/api-event.js';
import type { Severity } from '../contracts/finding.js';
import type { ProfileModel } from '../detect/profile/index.js';
import type { Detection } from '../detect/types.js';
import { DomainError, invalidInput, notFound } from '../errors/domain-errors.js';

/**
 * What `bulwark learn` and `bulwark scan` need besides the services: input checks, the model file, and the
 * output (one verdict per event, and the run's summary).
 */

/** Every input is checked before the first is read, so a typo does not leave a half-done run. */
export function checkInputFiles(files: readonly string[]): void {
  for (const file of files) {
    try {
      if (!statSync(file).isFile()) throw invalidInput(`${file}: not a regular file`);
    } catch (err) {
      if (err instanceof DomainError) throw err;
      throw notFound(`${file}: no such file`);
    }
  }
}

/** `--min-confidence`: a number from 0 to 1. */
export function parseConfidence(text: string): number {
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x) || x < 0 || x > 1) throw invalidInput(`--min-confidence must be a number from 0 to 1, not "${text}"`);
  return x;
}

const n = (x: number) => x.toLocaleString('en');

/** Where an event sits in its input: `file:line` (line formats, raw HTTP), `file#entry` (HAR, 1-based entry). */
export function positionOf(file: string, event: ApiEvent, line: number | undefined): string {
  if (line === undefined) return file;
  return event.source.kind === 'har' ? `${file}#${line}` : `${file}:${line}`;
}

function target(e: ApiEvent): string {
  const r = e.request;
  const q = Object.keys(r.query).length > 0 ? '?…' : '';
  const path = r.path.length > 100 ? `${r.path.slice(0, 99)}…` : r.path;
  return `${r.method} ${r.host}${r.port === undefined ? '' : `:${r.port}`}${path}${q}`;
}

/** `capture.txt:14  GET shop.example/login  high sqli-tokens 0.97 body:user; medium anomaly-parameter-profile 0.91 body:user` */
export function verdictLine(position: string, e: ApiEvent, detections: readonly Detection[], evidence: boolean): string {
  const parts = detections.map((d) => `${d.severity} ${d.detector} ${d.confidence.toFixed(2)} ${d.location.where}${d.location.name === '' ? '' : `:${d.location.name}`}`);
  const line = `${position}  ${target(e)}  ${parts.join('; ')}`;
  if (!evidence) return line;
  return [line, ...detections.map((d) => `    ${d.detector}: ${d.evidence}`)].join('\n');
}

/** The NDJSON verdict: every event gets one, with an empty `detections` when nothing fired. */
export function verdictJson(file: string, line: number | undefined, e: ApiEvent, detections: readonly Detection[]): string {
  const r = e.request;
  return JSON.stringify({
    file,
    ...(line === undefined ? {} : e.source.kind === 'har' ? { entry: line } : { line }),
    timestamp: e.timestamp,
    method: r.method,
    host: r.port === undefined ? r.host : `${r.host}:${r.port}`,
    path: r.path,
    verdict: detections.length > 0 ? 'suspicious' : 'clean',
    detections,
  });
}

export interface ScanTally {
  files: number;
  events: number;
  flagged: number;
  rejected: number;
  rejectReasons: Map<string, number>;
  firstRejects: Array<{ file: string; reject: Reject }>;
  byDetector: Map<string, number>;
  bySeverity: Map<Severity, number>;
  seconds: number;
  model: string | null;
  minConfidence: number;
  detectorErrors: number;
}

export function newTally(model: string | null, minConfidence: number): ScanTally {
  return {
    files: 0, events: 0, flagged: 0, rejected: 0, rejectReasons: new Map(), firstRejects: [], byDetector: new Map(),
    bySeverity: new Map(), seconds: 0, model, minConfidence, detectorErrors: 0,
  };
}

export function countReject(t: { rejected: number; rejectReasons: Map<string, number>; firstRejects: Array<{ file: string; reject: Reject }> }, file: string, reject: Reject): void {
  t.rejected++;
  t.rejectReasons.set(reject.reason, (t.rejectReasons.get(reject.reason) ?? 0) + 1);
  if (t.firstRejects.length < 5) t.firstRejects.push({ file, reject });
}

export function countDetections(t: ScanTally, detections: readonly Detection[]): void {
  if (detections.length === 0) return;
  t.flagged++;
  for (const d of detections) {
    t.byDetector.set(d.detector, (t.byDetector.get(d.detector) ?? 0) + 1);
    t.bySeverity.set(d.severity, (t.bySeverity.get(d.severity) ?? 0) + 1);
  }
}

function rejectLines(t: Pick<ScanTally, 'rejectReasons' | 'firstRejects'>): string[] {
  const lines: string[] = [];
  for (const [reason, count] of [...t.rejectReasons].sort((a, b) => b[1] - a[1]).slice(0, 10)) lines.push(`  rejected ${n(count)} x ${reason}`);
  for (const { file, reject } of t.firstRejects) lines.push(`    e.g. ${file}${reject.line !== undefined ? `:${reject.line}` : ''}: ${reject.reason}`);
  return lines;
}

export function scanSummary(t: ScanTally): string {
  const rate = t.seconds > 0 ? Math.round(t.events / t.seconds) : t.events;
  const sev = (['critical', 'high', 'medium', 'low', 'info'] as const).map((s) => `${s} ${n(t.bySeverity.get(s) ?? 0)}`).join(', ');
  const lines = [
    `Scanned ${n(t.events)} event${t.events === 1 ? '' : 's'} from ${n(t.files)} file${t.files === 1 ? '' : 's'} in ${t.seconds.toFixed(2)} s (${n(rate)} events/s); ${n(t.rejected)} rejected`,
    `  ${n(t.flagged)} event${t.flagged === 1 ? '' : 's'} with detections (confidence >= ${t.minConfidence}); ${t.model === null ? 'signatures only (no --model)' : `signatures and the learned model ${t.model}`}`,
    `  detections by severity: ${sev}`,
  ];
  for (const [id, count] of [...t.byDetector].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) lines.push(`  ${id.padEnd(30)} ${n(count)}`);
  if (t.detectorErrors > 0) lines.push(`  ${n(t.detectorErrors)} detector failures (those events got the other detectors' results)`);
  lines.push(...rejectLines(t));
  return lines.join('\n');
}

export interface LearnTally {
  files: number;
  events: number;
  rejected: number;
  rejectReasons: Map<string, number>;
  firstRejects: Array<{ file: string; reject: Reject }>;
  dropped: number;
}

export function learnSummary(t: LearnTally, model: ProfileModel, output: string, bytes: number): string {
  const endpoints = model.hosts.reduce((s, h) => s + h.endpoints.length, 0);
  const params = model.hosts.reduce((s, h) => s + h.shared.params.length + h.endpoints.reduce((x, e) => x + e.params.length, 0), 0);
  const sensitive = model.hosts.reduce((s, h) => s + [...h.shared.params, ...h.endpoints.flatMap((e) => e.params)].filter((p) => p.sensitive !== undefined).length, 0);
  const lines = [
    `Learned ${n(t.events)} event${t.events === 1 ? '' : 's'} from ${n(t.files)} file${t.files === 1 ? '' : 's'}; ${n(t.rejected)} rejected${t.dropped > 0 ? `, ${n(t.dropped)} over the model's caps` : ''}`,
    `  ${n(model.hosts.length)} host${model.hosts.length === 1 ? '' : 's'}, ${n(endpoints)} endpoints, ${n(params)} parameter profiles (${n(sensitive)} sensitive: no values kept)`,
    `Wrote the model to ${output} (${n(Math.ceil(bytes / 1024))} KiB). Scan with: bulwark scan <files> --model ${output}`,
    ...rejectLines(t),
  ];
  return lines.join('\n');
}
