/**
 * Small SVG charts drawn by hand (no chart library). Each one is a `<figure>` with a caption; linked
 * charts are SVG groups of real links (focusable, named by an aria-label holding the value), and
 * picture-only charts are `role="img"` with a text summary plus a "Show data" table.
 */
import { useId, useLayoutEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import { formatCompact, formatNumber } from '../format.js';
import { TableHead } from './table.js';

export interface BarDatum {
  key: string;
  label: string;
  value: number;
  /** Where a click goes (e.g. the filtered inventory). */
  href?: string;
  /** CSS tone: critical, high, medium, low, info, accent, muted. */
  tone?: string;
}

/** What a chart's figure shares with its drawing: the caption's id (the drawing's name) and the box's width. */
interface Frame {
  captionId: string;
  measure: RefObject<HTMLDivElement | null>;
  width: number;
}

/**
 * The chart's frame. `width` is the rendered width of the chart's box, so the viewBox can match it one
 * to one: text then keeps its CSS size at 390 px and at 1280 px instead of being scaled with the drawing.
 */
function useFrame(fallback: number): Frame {
  const captionId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const w = Math.round(el.getBoundingClientRect().width);
      if (w > 0) setWidth(w);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return { captionId, measure: ref, width };
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The chart's `<figure>`; with `empty` set it holds that sentence instead of a drawing with no data. */
function Figure({ caption, frame, children, note, empty }: { caption: string; frame: Frame; children?: ReactNode; note?: ReactNode; empty?: string }) {
  return (
    <figure className="chart">
      <figcaption id={frame.captionId} className="chart-caption">
        {caption}
      </figcaption>
      <div ref={frame.measure} className="chart-box">
        {empty === undefined ? children : <p className="empty">{empty}</p>}
      </div>
      {note}
    </figure>
  );
}

/** The plot area of a chart with a value axis: the drawing's size less the margins for the ticks. */
interface PlotBox {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  plotW: number;
  plotH: number;
}

function plotBox(width: number, margins: Omit<PlotBox, 'width' | 'plotW' | 'plotH'>): PlotBox {
  return { width, ...margins, plotW: width - margins.left - margins.right, plotH: margins.height - margins.top - margins.bottom };
}

/** The value scale of a chart over time: a grid line at the maximum and the axis at zero, each labelled. */
function ValueAxis({ box, max }: { box: PlotBox; max: number }) {
  const { width, left, right, top, plotH } = box;
  return (
    <>
      <line className="chart-grid" x1={left} x2={width - right} y1={top + 0.5} y2={top + 0.5} />
      <line className="chart-axis" x1={left} x2={width - right} y1={top + plotH + 0.5} y2={top + plotH + 0.5} />
      <text className="chart-tick" x={left - 6} y={top} textAnchor="end" dominantBaseline="central">
        {formatCompact(max)}
      </text>
      <text className="chart-tick" x={left - 6} y={top + plotH} textAnchor="end" dominantBaseline="central">
        0
      </text>
    </>
  );
}

function BarLink({ datum, text, children }: { datum: BarDatum; text: string; children: ReactNode }) {
  return datum.href ? (
    <a href={datum.href} aria-label={text} className="chart-link">
      <title>{text}</title>
      {children}
    </a>
  ) : (
    <g role="img" aria-label={text}>
      <title>{text}</title>
      {children}
    </g>
  );
}

/** Horizontal bars with labels on the left and values on the right; rows link when `href` is set. */
export function BarList({ caption, data, unit, labelWidth: wantedLabel = 170 }: { caption: string; data: BarDatum[]; unit: string; labelWidth?: number }) {
  const frame = useFrame(480);
  const { width, captionId } = frame;
  // Give labels up to ~45% of a wide box, but keep room for bars on a narrow one.
  const labelWidth = Math.min(Math.max(wantedLabel, width * 0.45), width * 0.5, 320);
  const maxLabel = Math.max(8, Math.floor(labelWidth / 6.6));
  if (data.length === 0) return <Figure caption={caption} frame={frame} empty="No data yet." />;
  const rowHeight = 26;
  const valueWidth = 56;
  const barSpace = width - labelWidth - valueWidth;
  const max = Math.max(1, ...data.map((d) => d.value));
  const height = data.length * rowHeight;
  return (
    <Figure caption={caption} frame={frame}>
      <svg className="chart-svg" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="group" aria-labelledby={captionId}>
        {data.map((d, i) => {
          const y = i * rowHeight;
          const w = d.value === 0 ? 0 : Math.max(2, (d.value / max) * barSpace);
          const text = `${d.label}: ${formatNumber(d.value)} ${unit}`;
          return (
            <BarLink key={d.key} datum={d} text={text}>
              <rect className="chart-row" x={0} y={y} width={width} height={rowHeight} />
              <text className="chart-label" x={4} y={y + rowHeight / 2} dominantBaseline="central">
                {truncate(d.label, maxLabel)}
              </text>
              <rect className={`chart-bar tone-${d.tone ?? 'accent'}`} x={labelWidth} y={y + 6} width={w} height={rowHeight - 12} rx={2} />
              <text className="chart-value" x={labelWidth + w + 6} y={y + rowHeight / 2} dominantBaseline="central">
                {formatNumber(d.value)}
              </text>
            </BarLink>
          );
        })}
      </svg>
    </Figure>
  );
}

/** Vertical bars, one per category (risk levels, severities), each a link when `href` is set. */
export function ColumnChart({ caption, data, unit }: { caption: string; data: BarDatum[]; unit: string }) {
  const frame = useFrame(360);
  const { width, captionId } = frame;
  const height = 180;
  const top = 18;
  const bottom = 24;
  const plot = height - top - bottom;
  const slot = width / Math.max(1, data.length);
  const barWidth = Math.min(56, slot * 0.6);
  const max = Math.max(1, ...data.map((d) => d.value));
  return (
    <Figure caption={caption} frame={frame}>
      <svg className="chart-svg" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="group" aria-labelledby={captionId}>
        <line className="chart-axis" x1={0} x2={width} y1={top + plot + 0.5} y2={top + plot + 0.5} />
        {data.map((d, i) => {
          const h = d.value === 0 ? 0 : Math.max(2, (d.value / max) * plot);
          const x = i * slot + (slot - barWidth) / 2;
          const cx = i * slot + slot / 2;
          const text = `${d.label}: ${formatNumber(d.value)} ${unit}`;
          return (
            <BarLink key={d.key} datum={d} text={text}>
              <rect className="chart-row" x={i * slot} y={0} width={slot} height={height} />
              <rect className={`chart-bar tone-${d.tone ?? 'accent'}`} x={x} y={top + plot - h} width={barWidth} height={h} rx={2} />
              <text className="chart-value" x={cx} y={top + plot - h - 5} textAnchor="middle">
                {formatCompact(d.value)}
              </text>
              <text className="chart-label" x={cx} y={height - 6} textAnchor="middle">
                {d.label}
              </text>
            </BarLink>
          );
        })}
      </svg>
    </Figure>
  );
}

/** A "Show data" disclosure with the chart's numbers as a table: the text alternative of a picture. */
export function ChartData({ caption, columns, rows }: { caption: string; columns: string[]; rows: Array<Array<string | number>> }) {
  return (
    <details className="chart-data">
      <summary>Show data</summary>
      <div className="table-scroll">
        <table className="table table-compact">
          <caption className="visually-hidden">{caption}</caption>
          <TableHead columns={columns} />
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                {r.map((v, j) =>
                  j === 0 ? (
                    <th key={j} scope="row">
                      {v}
                    </th>
                  ) : (
                    <td key={j} className="num">
                      {typeof v === 'number' ? formatNumber(v) : v}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

export interface SeriesPoint {
  /** Axis label (already formatted). */
  label: string;
  value: number;
}

/** A small area chart over time with first/last labels and the peak marked. */
export function AreaChart({ caption, data, unit, summary }: { caption: string; data: SeriesPoint[]; unit: string; summary?: string }) {
  const frame = useFrame(600);
  if (data.length === 0) return <Figure caption={caption} frame={frame} empty="No data yet." />;
  const box = plotBox(frame.width, { height: 170, left: 34, right: 10, top: 12, bottom: 24 });
  const { width, height, left, top, plotW, plotH } = box;
  const max = Math.max(1, ...data.map((d) => d.value));
  const step = data.length > 1 ? plotW / (data.length - 1) : 0;
  const x = (i: number) => left + (data.length > 1 ? i * step : plotW / 2);
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const line = data.map((d, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(d.value).toFixed(1)}`).join(' ');
  const area = `${line} L${x(data.length - 1).toFixed(1)},${top + plotH} L${x(0).toFixed(1)},${top + plotH} Z`;
  const total = data.reduce((s, d) => s + d.value, 0);
  let peak = data[0]!;
  for (const d of data) if (d.value > peak.value) peak = d;
  const first = data[0]!;
  const last = data[data.length - 1]!;
  const label =
    summary ??
    `${caption}: ${formatNumber(total)} ${unit} from ${first.label} to ${last.label}; peak ${formatNumber(peak.value)} on ${peak.label}.`;
  return (
    <Figure caption={caption} frame={frame} note={<ChartData caption={caption} columns={['Day', unit]} rows={data.map((d) => [d.label, d.value])} />}>
      <svg className="chart-svg" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
        <title>{label}</title>
        <ValueAxis box={box} max={max} />
        <path className="chart-area" d={area} />
        <path className="chart-line" d={line} />
        {data.map((d, i) => (
          <circle key={i} className="chart-point" cx={x(i)} cy={y(d.value)} r={d === peak ? 3.5 : 2}>
            <title>{`${d.label}: ${formatNumber(d.value)} ${unit}`}</title>
          </circle>
        ))}
        <text className="chart-tick" x={x(0)} y={height - 6} textAnchor="start">
          {first.label}
        </text>
        {data.length > 2 && (
          <text className="chart-tick" x={x(Math.floor((data.length - 1) / 2))} y={height - 6} textAnchor="middle">
            {data[Math.floor((data.length - 1) / 2)]!.label}
          </text>
        )}
        {data.length > 1 && (
          <text className="chart-tick" x={x(data.length - 1)} y={height - 6} textAnchor="end">
            {last.label}
          </text>
        )}
      </svg>
    </Figure>
  );
}

export interface StackSeries {
  key: string;
  label: string;
  tone: string;
}

/** Stacked columns over time (traffic by status class, issues by category), with a legend and a data table. */
export function StackedColumns({
  caption,
  series,
  data,
  unit,
  bucket = 'Hour',
  empty = 'No traffic recorded in the window.',
}: {
  caption: string;
  series: StackSeries[];
  data: Array<{ label: string; tick?: string; values: Record<string, number> }>;
  unit: string;
  /** The data table's first column: what one column of the chart is. */
  bucket?: string;
  /** Said instead of drawing when there is no data. */
  empty?: string;
}) {
  const frame = useFrame(720);
  if (data.length === 0) return <Figure caption={caption} frame={frame} empty={empty} />;
  const box = plotBox(frame.width, { height: 190, left: 40, right: 6, top: 10, bottom: 24 });
  const { width, height, left, top, plotW, plotH } = box;
  const totals = data.map((d) => series.reduce((s, k) => s + (d.values[k.key] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const slot = plotW / data.length;
  const barW = Math.max(1, slot * 0.8);
  const sum = totals.reduce((a, b) => a + b, 0);
  const bySeries = series.map((s) => `${s.label} ${formatNumber(data.reduce((a, d) => a + (d.values[s.key] ?? 0), 0))}`).join(', ');
  const label = `${caption}: ${formatNumber(sum)} ${unit} in ${data.length} buckets from ${data[0]!.label} to ${data[data.length - 1]!.label}; ${bySeries}.`;
  // One tick label per ~90 px.
  const tickEvery = Math.max(1, Math.ceil(data.length / Math.max(2, Math.floor(plotW / 90))));
  return (
    <Figure
      caption={caption}
      frame={frame}
      note={
        <>
          <ul className="legend" aria-label="Legend">
            {series.map((s) => (
              <li key={s.key}>
                <span className={`legend-swatch tone-${s.tone}`} aria-hidden="true" />
                {s.label}
              </li>
            ))}
          </ul>
          <ChartData
            caption={caption}
            columns={[bucket, 'Total', ...series.map((s) => s.label)]}
            rows={data.map((d, i) => [d.label, totals[i] ?? 0, ...series.map((s) => d.values[s.key] ?? 0)])}
          />
        </>
      }
    >
      <svg className="chart-svg" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
        <title>{label}</title>
        <ValueAxis box={box} max={max} />
        {data.map((d, i) => {
          let acc = 0;
          const x = left + i * slot + (slot - barW) / 2;
          return (
            <g key={i}>
              <title>{`${d.label}: ${series.map((s) => `${s.label} ${formatNumber(d.values[s.key] ?? 0)}`).join(', ')}`}</title>
              {series.map((s) => {
                const v = d.values[s.key] ?? 0;
                if (v === 0) return null;
                const h = (v / max) * plotH;
                acc += h;
                return <rect key={s.key} className={`chart-bar tone-${s.tone}`} x={x} y={top + plotH - acc} width={barW} height={h} />;
              })}
            </g>
          );
        })}
        {data.map((d, i) =>
          i % tickEvery === 0 ? (
            <text key={`t${i}`} className="chart-tick" x={left + i * slot + slot / 2} y={height - 6} textAnchor="middle">
              {d.tick ?? d.label}
            </text>
          ) : null,
        )}
      </svg>
    </Figure>
  );
}
