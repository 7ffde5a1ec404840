import type { ReactNode } from 'react';
import { formatNumber } from '../format.js';

export type Order = 'asc' | 'desc';

/**
 * A sortable column header: a real button inside the `<th>`, and `aria-sort` on the `<th>` of the active
 * column so that assistive technology announces the order.
 */
export function SortHeader<K extends string>({
  label,
  sortKey,
  sort,
  order,
  onSort,
  defaultOrder = 'desc',
  className,
}: {
  label: ReactNode;
  sortKey: K;
  sort: K | undefined;
  order: Order;
  onSort: (key: K, order: Order) => void;
  /** The order a first click gives: numbers and times start high, names start at A. */
  defaultOrder?: Order;
  className?: string;
}) {
  const active = sort === sortKey;
  const next: Order = active ? (order === 'asc' ? 'desc' : 'asc') : defaultOrder;
  return (
    <th scope="col" aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'} className={className}>
      <button type="button" className="sort-button" onClick={() => onSort(sortKey, next)}>
        {label}
        <span className={active ? 'sort-indicator active' : 'sort-indicator'} aria-hidden="true">
          {active ? (order === 'asc' ? '▲' : '▼') : '↕'}
        </span>
        <span className="visually-hidden">{active ? `, sorted ${order === 'asc' ? 'ascending' : 'descending'}` : ', sortable'}</span>
      </button>
    </th>
  );
}

/** "1–50 of 1,234" with previous/next buttons and a page-size select. */
export function Pager({
  total,
  limit,
  offset,
  onChange,
  sizes = [25, 50, 100, 200],
  label = 'Pagination',
}: {
  total: number;
  limit: number;
  offset: number;
  onChange: (offset: number, limit: number) => void;
  sizes?: number[];
  label?: string;
}) {
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  const page = Math.floor(offset / limit) + 1;
  const pages = Math.max(1, Math.ceil(total / limit));
  return (
    <nav className="pager" aria-label={label}>
      <span className="pager-range" aria-live="polite">
        {formatNumber(from)}–{formatNumber(to)} of {formatNumber(total)}
      </span>
      <span className="pager-controls">
        <button type="button" className="btn btn-small" disabled={offset <= 0} onClick={() => onChange(0, limit)} aria-label="First page">
          «
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={offset <= 0}
          onClick={() => onChange(Math.max(0, offset - limit), limit)}
        >
          Previous
        </button>
        <span className="pager-page">
          Page {formatNumber(page)} of {formatNumber(pages)}
        </span>
        <button type="button" className="btn btn-small" disabled={to >= total} onClick={() => onChange(offset + limit, limit)}>
          Next
        </button>
        <label className="pager-size">
          <span>Rows</span>
          <select value={limit} onChange={(e) => onChange(0, Number(e.target.value))}>
            {sizes.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </span>
    </nav>
  );
}

/** Wraps a table so that it scrolls sideways on a narrow screen instead of breaking the layout. */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    // tabIndex lets keyboard users scroll the region; the label names it for screen readers.
    <div className="table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

/** A column header: its text, or the text with a class (`num` right-aligns a number column). */
export type ColumnHead = string | { label: ReactNode; key: string; className?: string };

/**
 * The `<thead>` of a table whose headers are plain (not sortable): one `<th scope="col">` a column.
 * `false` leaves a column out, for columns that depend on a permission.
 *
 * @example <TableHead columns={['Name', { key: 'calls', label: 'Calls', className: 'num' }, manage && 'Actions']} />
 */
export function TableHead({ columns }: { columns: Array<ColumnHead | false> }) {
  return (
    <thead>
      <tr>
        {columns.map((c) =>
          c === false ? null : typeof c === 'string' ? (
            <th key={c} scope="col">
              {c}
            </th>
          ) : (
            <th key={c.key} scope="col" className={c.className}>
              {c.label}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}

/** A number column's header. */
export const numHead = (label: string): ColumnHead => ({ key: label, label, className: 'num' });
