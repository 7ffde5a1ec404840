import type { DigestMessage, SlaState, TaskBrief } from '../../contracts/remediation.js';
import { clip } from '../../cases/export/text.js';

/**
 * An owner's digest as an email: a subject, a plain-text part and an HTML part with the same content.
 * Task titles and paths come from observed traffic, so every value is untrusted: it is put on one line
 * (no line breaks or bidi controls that could fake content), bounded, and HTML-escaped in the HTML part;
 * only http(s) URLs become links. The HTML has inline styles only and loads nothing.
 *
 * @example
 * const { subject, text, html } = renderDigest(digest);
 * subject // '[Bulwark] Payments: 3 new, 2 overdue remediation tasks'
 */

export interface RenderedDigest {
  subject: string;
  text: string;
  html: string;
}

/** Tasks listed per section (overdue, new); the rest are counted and left to the console. */
export const MAX_TASKS_PER_SECTION = 100;

const MAX_NAME = 80;
const MAX_TITLE = 200;
const MAX_PATH = 400;
const MAX_URL = 2000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** C0/C1 controls (line breaks included), line/paragraph separators and bidi overrides. */
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;

/** One line, at most `max` characters: untrusted text can neither add lines nor reorder what a reader sees. */
function oneLine(value: string, max: number): string {
  return clip(value.replace(UNSAFE_CHARS, ' ').replace(/ {2,}/g, ' ').trim(), max);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Safe in element content and in quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** The URL when it is http(s), for an `href`; anything else (javascript:, data:) is shown but not linked. */
function linkable(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function digestSubject(digest: DigestMessage): string {
  const name = oneLine(digest.applicationName, MAX_NAME) || 'Unnamed application';
  const counts = [
    digest.newTasks.length > 0 ? `${digest.newTasks.length} new` : null,
    digest.overdueTasks.length > 0 ? `${digest.overdueTasks.length} overdue` : null,
  ].filter((part): part is string => part !== null);
  const total = digest.newTasks.length + digest.overdueTasks.length;
  const what = counts.length === 0 ? 'no new or overdue remediation tasks' : `${counts.join(', ')} remediation task${total === 1 ? '' : 's'}`;
  return `[Bulwark] ${name}: ${what}`;
}

/** `2026-12-08`, in UTC: the same for every reader, whatever their locale. */
function day(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? oneLine(iso, 40) : new Date(t).toISOString().slice(0, 10);
}

const SLA_WORDS: Record<SlaState, string> = {
  'on-track': 'on track',
  approaching: 'due soon',
  overdue: 'overdue',
  met: 'closed in time',
  missed: 'closed after the due date',
};

/** The due date and SLA state in words, counted from when the digest was made. */
export function dueInWords(task: Pick<TaskBrief, 'dueAt' | 'sla'>, generatedAt: string): string {
  const left = Date.parse(task.dueAt) - Date.parse(generatedAt);
  let words = SLA_WORDS[task.sla];
  if (task.sla === 'overdue' && left < 0) words += ` by ${plural(Math.ceil(-left / DAY_MS), 'day')}`;
  else if ((task.sla === 'on-track' || task.sla === 'approaching') && left >= 0) {
    const when = left >= DAY_MS ? `in ${plural(Math.floor(left / DAY_MS), 'day')}` : 'within a day';
    words += task.sla === 'on-track' ? `, due ${when}` : `, ${when}`;
  }
  return `Due ${day(task.dueAt)} (${words})`;
}

/** What one task shows, already on one line each and bounded (not yet escaped). */
interface TaskLines {
  ref: string;
  severity: string;
  title: string;
  place: string;
  due: string;
  findings: string;
  url: string;
  href: string | null;
}

function taskLines(task: TaskBrief, generatedAt: string): TaskLines {
  const place = [task.method === null ? null : oneLine(task.method, 16).toUpperCase(), oneLine(task.host, 255), task.pathTemplate === null ? null : oneLine(task.pathTemplate, MAX_PATH)]
    .filter((part): part is string => part !== null && part !== '')
    .join(' ');
  const url = oneLine(task.url, MAX_URL);
  return {
    ref: oneLine(task.ref, 32),
    severity: task.severity.toUpperCase(),
    title: oneLine(task.title, MAX_TITLE),
    place,
    due: dueInWords(task, generatedAt),
    findings: plural(task.findings, 'finding'),
    url,
    href: linkable(url),
  };
}

interface Section {
  heading: string;
  shown: TaskLines[];
  more: number;
}

function sections(digest: DigestMessage): Section[] {
  // Overdue first: that is the work already late.
  return [
    { heading: 'Overdue', tasks: digest.overdueTasks },
    { heading: 'New', tasks: digest.newTasks },
  ]
    .filter((s) => s.tasks.length > 0)
    .map((s) => ({
      heading: `${s.heading} (${s.tasks.length})`,
      shown: s.tasks.slice(0, MAX_TASKS_PER_SECTION).map((t) => taskLines(t, digest.generatedAt)),
      more: Math.max(0, s.tasks.length - MAX_TASKS_PER_SECTION),
    }));
}

function summary(digest: DigestMessage): string {
  const n = digest.newTasks.length;
  const o = digest.overdueTasks.length;
  if (n + o === 0) return 'You have no new or overdue remediation tasks.';
  const parts = [n > 0 ? `${plural(n, 'new task')}` : null, o > 0 ? `${plural(o, 'overdue task')}` : null].filter((p): p is string => p !== null);
  return `You have ${parts.join(' and ')} to remediate.`;
}

function footer(digest: DigestMessage): string {
  const t = Date.parse(digest.generatedAt);
  const at = Number.isNaN(t) ? oneLine(digest.generatedAt, 40) : `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `Sent by Bulwark on ${at} to the owners of this application.`;
}

function renderText(digest: DigestMessage, name: string, team: string | null, parts: Section[], consoleUrl: string): string {
  const out: string[] = [`${name}: remediation tasks`, '', summary(digest)];
  if (team !== null) out.push(`Team: ${team}`);
  for (const s of parts) {
    if (out[out.length - 1] !== '') out.push('');
    out.push(s.heading.toUpperCase(), '');
    for (const t of s.shown) {
      out.push(`${t.ref}  ${t.severity}  ${t.title}`, `    ${t.place}`, `    ${t.due}, ${t.findings}`, `    ${t.url}`, '');
    }
    if (s.more > 0) out.push(`and ${s.more} more in the console: ${consoleUrl}`, '');
  }
  if (out[out.length - 1] !== '') out.push('');
  out.push(`Open your tasks in the console: ${consoleUrl}`, '', '-- ', footer(digest), '');
  return out.join('\n');
}

const SEVERITY_COLOR: Record<string, string> = { CRITICAL: '#b42318', HIGH: '#c4320a', MEDIUM: '#b54708', LOW: '#175cd3', INFO: '#475467' };

function htmlLink(href: string | null, label: string, style = ''): string {
  const text = escapeHtml(label);
  return href === null ? text : `<a href="${escapeHtml(href)}"${style === '' ? '' : ` style="${style}"`}>${text}</a>`;
}

function renderHtml(digest: DigestMessage, subject: string, name: string, team: string | null, parts: Section[], consoleUrl: string): string {
  const consoleHref = linkable(consoleUrl);
  const out: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(subject)}</title></head>`,
    '<body style="margin:0;padding:16px;background:#ffffff;color:#1f2328;font-family:Helvetica,Arial,sans-serif;font-size:14px;line-height:1.5">',
    `<h1 style="margin:0 0 8px;font-size:20px">${escapeHtml(name)}: remediation tasks</h1>`,
    `<p style="margin:0 0 16px">${escapeHtml(summary(digest))}${team === null ? '' : `<br>Team: ${escapeHtml(team)}`}</p>`,
  ];
  for (const s of parts) {
    out.push(`<h2 style="margin:24px 0 8px;font-size:16px">${escapeHtml(s.heading)}</h2>`, '<ul style="margin:0;padding:0 0 0 20px">');
    for (const t of s.shown) {
      const color = SEVERITY_COLOR[t.severity] ?? '#1f2328';
      out.push(
        '<li style="margin:0 0 12px">' +
          `${htmlLink(t.href, t.ref, 'font-weight:bold')} <strong style="color:${color}">${escapeHtml(t.severity)}</strong> ${escapeHtml(t.title)}<br>` +
          `<code style="font-family:Menlo,Consolas,monospace;font-size:13px">${escapeHtml(t.place)}</code><br>` +
          `${escapeHtml(t.due)}, ${escapeHtml(t.findings)}<br>` +
          `<span style="font-size:12px;color:#59636e">${htmlLink(t.href, t.url, 'color:#59636e')}</span>` +
          '</li>',
      );
    }
    out.push('</ul>');
    if (s.more > 0) out.push(`<p style="margin:0 0 16px">and ${s.more} more in the ${htmlLink(consoleHref, 'console')}.</p>`);
  }
  out.push(
    `<p style="margin:24px 0 16px">${htmlLink(consoleHref, 'Open your tasks in the console', 'font-weight:bold')}<br><span style="font-size:12px;color:#59636e">${escapeHtml(consoleUrl)}</span></p>`,
    `<p style="margin:0;font-size:12px;color:#59636e">${escapeHtml(footer(digest))}</p>`,
    '</body></html>',
    '',
  );
  return out.join('\n');
}

export function renderDigest(digest: DigestMessage): RenderedDigest {
  const subject = digestSubject(digest);
  const name = oneLine(digest.applicationName, MAX_NAME) || 'Unnamed application';
  const team = digest.team === null ? null : oneLine(digest.team, MAX_NAME) || null;
  const consoleUrl = oneLine(digest.consoleUrl, MAX_URL);
  const parts = sections(digest);
  return {
    subject,
    text: renderText(digest, name, team, parts, consoleUrl),
    html: renderHtml(digest, subject, name, team, parts, consoleUrl),
  };
}
