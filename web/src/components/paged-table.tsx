import type { ReactNode } from 'react';
import type { Load } from '../use-load.js';
import { Loaded } from './feedback.js';
import { changePage } from './list-query.js';
import { Pager, TableScroll } from './table.js';

/**
 * The body of a server-paged list page: error with retry, "Loading…" until the first page, then the
 * table and its pager. While the next page loads the last one stays, dimmed and `aria-busy`; an empty
 * page says so in one full-width row, so the headers still show what would be listed.
 *
 * @example
 *   <PagedTable page={page} label="Findings" pagerLabel="Findings pages" caption="Findings, newest first"
 *     head={<TableHead columns={…} />} columns={9} empty="No finding matches these filters." limit={50} offset={0}>
 *     {(f) => <tr key={f.id}>…</tr>}
 *   </PagedTable>
 */
export function PagedTable<T>({
  page,
  label,
  pagerLabel,
  tableClassName = 'table',
  caption,
  head,
  columns,
  empty,
  limit,
  offset,
  children,
}: {
  page: Load<{ items: T[]; total: number }>;
  /** Names the table's scroll region. */
  label: string;
  /** Names the pager's navigation landmark. */
  pagerLabel: string;
  tableClassName?: string;
  /** Visually hidden: what the table lists and in which order. */
  caption: string;
  /** The `<thead>`. */
  head: ReactNode;
  /** How many columns the empty row spans. */
  columns: number;
  empty: string;
  limit: number;
  offset: number;
  /** One `<tr>` (with its `key`) an item. */
  children: (item: T) => ReactNode;
}) {
  return (
    <Loaded load={page}>
      {(data) => (
        <div className={page.loading ? 'results is-loading' : 'results'} aria-busy={page.loading}>
          <TableScroll label={label}>
            <table className={tableClassName}>
              <caption className="visually-hidden">{caption}</caption>
              {head}
              <tbody>
                {data.items.length === 0 && (
                  <tr>
                    <td colSpan={columns} className="empty-cell">
                      {empty}
                    </td>
                  </tr>
                )}
                {data.items.map(children)}
              </tbody>
            </table>
          </TableScroll>
          <Pager label={pagerLabel} total={data.total} limit={limit} offset={offset} onChange={changePage} />
        </div>
      )}
    </Loaded>
  );
}
