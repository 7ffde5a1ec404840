import type Database from 'better-sqlite3';

/**
 * Change numbers of findings (see `Store.findingsChangedSince`): every write or resolution of a finding takes
 * the next one, inside the writer's transaction, so numbers are committed in order and a reader that resumes
 * after its cursor misses nothing.
 */
export function findingChangeNumbers(db: Database.Database) {
  const last = db.prepare('SELECT COALESCE(MAX(change_seq), 0) FROM findings').pluck();
  const resolveOne = db.prepare("UPDATE findings SET status = 'resolved', resolved_at = ?, change_seq = ? WHERE id = ?");
  const counter = (): (() => number) => {
    let n = last.get() as number;
    return () => ++n;
  };
  return {
    /** The numbers after the last one taken, one per call; use within one write transaction. */
    counter,
    /** Resolves the findings, each taking the next number; returns how many. */
    resolve(ids: Iterable<string>, at: string): number {
      const next = counter();
      let n = 0;
      for (const id of ids) {
        resolveOne.run(at, next(), id);
        n++;
      }
      return n;
    },
  };
}
