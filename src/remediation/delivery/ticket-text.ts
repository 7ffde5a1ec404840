import type { TicketMessage } from '../../contracts/remediation.js';
import { shorten } from './http.js';

/**
 * What a tracker ticket says about a task, as a few plain blocks each tracker renders in its own markup
 * (Jira wiki markup, Atlassian Document Format, GitHub Markdown). Every string here is raw text: the
 * renderers escape it, because titles, paths and evidence come from observed traffic.
 *
 * @example
 * ticketTitle(task, 255)        // '[Bulwark] T-12 Unauthenticated access to sensitive data'
 * ticketBody(task)              // [{ kind: 'facts', facts: [{ label: 'Severity', value: 'high', code: false }, …] }, …]
 */

export type TicketTask = TicketMessage['task'];

export interface TicketFact {
  label: string;
  value: string;
  /** An identifier (path, host, rule id): shown as code. */
  code: boolean;
}

export type TicketBlock =
  | { kind: 'facts'; facts: TicketFact[] }
  | { kind: 'text'; label: string; text: string }
  | { kind: 'code'; label: string; text: string }
  | { kind: 'link'; text: string; url: string };

/** Evidence lines kept in a ticket, and characters in all of them: trackers cap a description (Jira: 32,767). */
const MAX_EVIDENCE_ITEMS = 20;
const MAX_EVIDENCE_CHARS = 8000;
const MAX_TEXT_CHARS = 4000;

/** The day of an ISO timestamp (`2026-12-08`), or the value as given when it is not one. */
export const day = (iso: string): string => (/^\d{4}-\d{2}-\d{2}/.exec(iso)?.[0] ?? iso);

/** The issue title: `[Bulwark] <ref> <title>`, on one line, within the tracker's limit. */
export function ticketTitle(task: TicketTask, max: number): string {
  return shorten(`[Bulwark] ${task.ref} ${task.title}`, max);
}

/** A link only to Bulwark's own console over http(s); anything else is shown as text. */
export function isWebUrl(url: string): boolean {
  try {
    const protocol = new URL(url).protocol;
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function endpoint(task: TicketTask): string {
  const place = task.pathTemplate === null ? task.host : `${task.method ?? '*'} ${task.pathTemplate} on ${task.host}`;
  return shorten(place, 500);
}

function evidence(items: readonly string[]): string {
  let out = '';
  for (const item of items.slice(0, MAX_EVIDENCE_ITEMS)) {
    const line = item.replace(/\r\n?/g, '\n').trimEnd();
    if (line === '') continue;
    if (out.length + line.length + 1 > MAX_EVIDENCE_CHARS) return `${out}…\n`;
    out += `${line}\n`;
  }
  return out.trimEnd();
}

/** A new ticket: the facts, the advice, the (redacted) evidence and a link back to the task. */
export function ticketBody(task: TicketTask): TicketBlock[] {
  const facts: TicketFact[] = [
    { label: 'Severity', value: task.severity, code: false },
    { label: 'Status', value: task.status, code: false },
    { label: 'Due', value: `${day(task.dueAt)} (SLA ${task.sla})`, code: false },
    { label: 'Open findings', value: String(task.findings), code: false },
    ...(task.applicationName === null ? [] : [{ label: 'Application', value: shorten(task.applicationName, 200), code: false }]),
    { label: 'Endpoint', value: endpoint(task), code: true },
    { label: 'Rule', value: shorten(task.ruleId, 200), code: true },
    { label: 'OWASP', value: shorten(task.owasp, 100), code: false },
    { label: 'CWE', value: shorten(task.cwe, 100), code: false },
  ];
  const blocks: TicketBlock[] = [{ kind: 'facts', facts }];
  const advice = task.remediation.trim();
  if (advice !== '') blocks.push({ kind: 'text', label: 'Remediation', text: advice.slice(0, MAX_TEXT_CHARS) });
  const shown = evidence(task.evidence);
  if (shown !== '') blocks.push({ kind: 'code', label: 'Evidence (redacted)', text: shown });
  blocks.push({ kind: 'link', text: `Open ${task.ref} in Bulwark`, url: task.url });
  return blocks;
}

/** A comment on an existing ticket: where the task stands now (status, due date, findings left). */
export function ticketUpdate(task: TicketTask): TicketBlock[] {
  return [
    { kind: 'text', label: 'Bulwark update', text: `${task.ref} is now ${task.status}; due ${day(task.dueAt)} (SLA ${task.sla}); ${task.findings} open findings.` },
    { kind: 'link', text: `Open ${task.ref} in Bulwark`, url: task.url },
  ];
}
