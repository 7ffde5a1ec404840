import type { ReactNode } from 'react';
import type { Load } from '../use-load.js';
import { Loaded } from './feedback.js';
import { Section } from './page.js';
import { TableHead, TableScroll, type ColumnHead } from './table.js';

/**
 * A card listing everything of one kind in a table (users, tokens, applications): error with retry,
 * "Loading…", then the rows, or the `empty` sentence when there are none (without it, an empty table).
 * For lists the server pages, use `PagedTable`.
 *
 * @example
 *   <TableSection title="Tokens" label="API tokens" load={tokens} columns={['Name', manage && 'Actions']} empty="No tokens yet.">
 *     {(t) => <tr key={t.id}>…</tr>}
 *   </TableSection>
 */
export function TableSection<T>({
  title,
  label,
  load,
  columns,
  empty,
  children,
}: {
  title: string;
  /** Names the table's scroll region. */
  label: string;
  load: Load<{ items: T[] }>;
  columns: Array<ColumnHead | false>;
  empty?: string;
  /** The row(s) of an item, with their `key`. */
  children: (item: T) => ReactNode;
}) {
  return (
    <Section title={title}>
      <Loaded load={load}>
        {(data) =>
          empty !== undefined && data.items.length === 0 ? (
            <p className="empty">{empty}</p>
          ) : (
            <TableScroll label={label}>
              <table className="table">
                <TableHead columns={columns} />
                <tbody>{data.items.map(children)}</tbody>
              </table>
            </TableScroll>
          )
        }
      </Loaded>
    </Section>
  );
}
