import { UNASSIGNED_APPLICATION, type ApplicationScope } from './store.js';

/** A WHERE clause built from parts, with its parameters in order. */
export interface Conditions {
  readonly parts: string[];
  readonly params: unknown[];
  add(sql: string, ...values: unknown[]): void;
  /**
   * Visibility: rows of no application are outside every scope but `'all'`. `inList` builds the condition
   * around the list of the scope's ids (default `application_id IN <list>`; a table whose rows belong to an
   * application through another table names its subquery).
   */
  scope(scope: ApplicationScope, inList?: (list: string) => string): void;
  application(id: string): void;
  sql(): string;
}

const APPLICATION_IN = (list: string) => `application_id IN ${list}`;

/** New conditions, optionally starting from a copy of `base`. */
export function conditions(base?: Conditions): Conditions {
  const parts = base ? [...base.parts] : [];
  const params = base ? [...base.params] : [];
  const add = (sql: string, ...values: unknown[]) => {
    parts.push(sql);
    params.push(...values);
  };
  return {
    parts,
    params,
    add,
    // A literal list, not json_each: the planner then knows it is short and drives the query by the
    // application index. Padded to a power of two (repeats do not change IN) to bound the statement texts.
    scope: (scope, inList = APPLICATION_IN) => {
      if (scope === 'all') return;
      const ids = [...scope];
      const last = ids.at(-1);
      if (last === undefined) add('0');
      else {
        while ((ids.length & (ids.length - 1)) !== 0) ids.push(last);
        add(inList(`(${ids.map(() => '?').join(', ')})`), ...ids);
      }
    },
    application: (id) => {
      if (id === UNASSIGNED_APPLICATION) add('application_id IS NULL');
      else add('application_id = ?', id);
    },
    sql: () => (parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : ''),
  };
}

export function isEmptyScope(scope: ApplicationScope): boolean {
  return scope !== 'all' && scope.length === 0;
}
