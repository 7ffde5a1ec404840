const numberFormat = new Intl.NumberFormat('en-US');
const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
});
const dateFormat = new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: 'short', day: '2-digit', timeZone: 'UTC' });
const dayFormat = new Intl.DateTimeFormat('en-GB', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const hourFormat = new Intl.DateTimeFormat('en-GB', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });

export const formatNumber = (n: number): string => numberFormat.format(n);
export const formatCompact = (n: number): string => (Math.abs(n) < 10_000 ? numberFormat.format(n) : compactFormat.format(n));

function toDate(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Times are shown in UTC, labelled, so that a screenshot means the same to everyone in an incident. */
export function formatDateTime(iso: string | null | undefined): string {
  const d = toDate(iso);
  return d ? dateTimeFormat.format(d) : '—';
}

/** "08 Dec 2026": a date without the time (UTC). */
export function formatDate(iso: string | null | undefined): string {
  const d = toDate(iso);
  return d ? dateFormat.format(d) : '—';
}

export function formatDay(iso: string): string {
  const d = toDate(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  return d ? dayFormat.format(d) : iso;
}

export function formatHour(iso: string): string {
  const d = toDate(iso);
  return d ? `${hourFormat.format(d)} UTC` : iso;
}

/** "3 h ago", for last-seen columns; the exact time goes in a title. */
export function formatAgo(iso: string | null | undefined, now = Date.now()): string {
  const d = toDate(iso);
  if (!d) return '—';
  const seconds = Math.round((now - d.getTime()) / 1000);
  if (seconds < 0) return formatDateTime(iso);
  if (seconds < 60) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 60) return `${days} d ago`;
  return formatDateTime(iso);
}

export function formatScore(score: number): string {
  return score.toFixed(1);
}

export function formatPercent(value: number): string {
  if (value > 0 && value < 0.005) return '<1%';
  return `${Math.round(value * 100)}%`;
}

/** Pretty-prints JSON text; returns the text unchanged when it is not JSON. Output is only ever rendered as text. */
export function prettyBody(text: string, contentType?: string): string {
  const trimmed = text.trim();
  const looksJson = (contentType ?? '').includes('json') || trimmed.startsWith('{') || trimmed.startsWith('[');
  if (!looksJson) return text;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return text;
  }
}

export function prettyJson(value: unknown): string {
  if (value === undefined) return '—';
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

const DAY_MS = 86_400_000;

/**
 * A due date in words, from now: "due today", "due in 3 days", "2 days overdue". Whole UTC days, as the
 * dates are shown in UTC; the exact time goes in a title.
 */
export function formatDue(iso: string | null | undefined, now = Date.now()): string {
  const d = toDate(iso);
  if (!d) return '—';
  const day = (t: number) => Math.floor(t / DAY_MS);
  const days = day(d.getTime()) - day(now);
  if (days === 0) return d.getTime() < now ? 'overdue since today' : 'due today';
  if (days === 1) return 'due tomorrow';
  if (days > 1) return `due in ${days} days`;
  if (days === -1) return '1 day overdue';
  return `${-days} days overdue`;
}
