/**
 * The dashboard's "Emerging threats" panel: issues per day by threat category over the last 30 days, the
 * categories rising this week, and the cases waiting for an analyst, each linking to the case queue.
 */
import type { CaseSummary, ThreatDaily } from '../../../src/contracts/cases.js';
import { useApp } from '../app-context.js';
import { formatDay, formatNumber } from '../format.js';
import { threatCategoryLabel } from '../labels.js';
import { useLoad } from '../use-load.js';
import { casesHref } from './case-badges.js';
import { StackedColumns, type StackSeries } from './charts.js';
import { Loaded } from './feedback.js';
import { Section } from './page.js';
import { Tile } from './tile.js';

const DAYS = 30;
/** Categories drawn in their own colour; the rest are summed as "Other". */
const SHOWN_CATEGORIES = 6;
const DAY_MS = 86_400_000;

type Day = ThreatDaily['days'][number];

/** Every day from the first to the last one reported, so that quiet days show as gaps, not as nothing. */
function everyDay(days: readonly Day[]): Day[] {
  const sorted = [...days].sort((a, b) => a.day.localeCompare(b.day));
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (!first || !last) return [];
  const byDay = new Map(sorted.map((d) => [d.day, d]));
  const out: Day[] = [];
  for (let t = Date.parse(`${first.day}T00:00:00Z`), end = Date.parse(`${last.day}T00:00:00Z`); t <= end && out.length <= 366; t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push(byDay.get(day) ?? { day, counts: {}, total: 0 });
  }
  return out;
}

function totalsByCategory(days: readonly Day[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const d of days) for (const [c, n] of Object.entries(d.counts)) totals.set(c, (totals.get(c) ?? 0) + n);
  return totals;
}

/** Categories with more issues in the last 7 days than in the 7 before, most added first. */
function rising(days: readonly Day[]): Array<{ category: string; recent: number; before: number }> {
  const recent = totalsByCategory(days.slice(-7));
  const before = totalsByCategory(days.slice(-14, -7));
  return [...recent]
    .map(([category, n]) => ({ category, recent: n, before: before.get(category) ?? 0 }))
    .filter((r) => r.recent > r.before)
    .sort((a, b) => b.recent - b.before - (a.recent - a.before))
    .slice(0, 3);
}

export function ThreatPanel() {
  const { api } = useApp();
  const load = useLoad(() => Promise.all([api.threatsDaily(DAYS), api.caseSummary()]), 'threat-panel');
  return (
    <Section
      title="Emerging threats"
      actions={
        <a className="card-link" href={casesHref()}>
          Case queue
        </a>
      }
    >
      <Loaded load={load}>{([daily, summary]) => <ThreatBody daily={daily} summary={summary} />}</Loaded>
    </Section>
  );
}

function ThreatBody({ daily, summary }: { daily: ThreatDaily; summary: CaseSummary }) {
  const days = everyDay(daily.days);
  const totals = [...totalsByCategory(days)].sort((a, b) => b[1] - a[1]);
  const shown = totals.slice(0, SHOWN_CATEGORIES).map(([c]) => c);
  const hasOther = totals.length > SHOWN_CATEGORIES;
  const series: StackSeries[] = [
    ...shown.map((c, i) => ({ key: c, label: threatCategoryLabel(c), tone: `cat-${i + 1}` })),
    ...(hasOther ? [{ key: '\0other', label: 'Other', tone: 'cat-other' }] : []),
  ];
  const data = days.map((d) => {
    const values: Record<string, number> = {};
    let other = 0;
    for (const [c, n] of Object.entries(d.counts)) {
      if (shown.includes(c)) values[c] = n;
      else other += n;
    }
    if (hasOther) values['\0other'] = other;
    return { label: formatDay(d.day), values };
  });
  const issues = days.reduce((s, d) => s + d.total, 0);
  const up = rising(days);
  return (
    <>
      <div className="tiles tiles-compact" role="list" aria-label="Cases and issues">
        <div role="listitem">
          <Tile label="New cases" value={summary.new} link={casesHref({ status: 'new' })} tone={summary.new > 0 ? 'warn' : undefined} detail="waiting for triage" />
        </div>
        <div role="listitem">
          <Tile label="Investigating" value={summary.investigating} link={casesHref({ status: 'investigating' })} />
        </div>
        <div role="listitem">
          <Tile label={`Issues, ${DAYS} days`} value={issues} detail={`in ${formatNumber(totals.length)} categories`} />
        </div>
      </div>
      {up.length > 0 && (
        <p className="small threat-rising">
          <strong>Rising this week:</strong>{' '}
          {up.map((r, i) => (
            <span key={r.category}>
              {i > 0 && ', '}
              {threatCategoryLabel(r.category)} ({formatNumber(r.recent)}, {r.before === 0 ? 'none' : formatNumber(r.before)} the week before)
            </span>
          ))}
        </p>
      )}
      <StackedColumns
        caption={`Threat issues per day by category, last ${DAYS} days (UTC)`}
        unit="issues"
        bucket="Day"
        empty="No threat issues in the last 30 days: the detectors found no attack in the traffic."
        series={series}
        data={data}
      />
    </>
  );
}
