import { useCallback, useState, type FormEvent } from 'react';

export interface Action {
  /** True while the task runs: disable the button that started it. */
  busy: boolean;
  /** What the last run threw (show it in an `ErrorBanner`); cleared when the next run starts. */
  error: unknown;
  /** Runs `task` and resolves to whether it succeeded. Its error is kept for display, never rethrown. */
  run: (task: () => Promise<unknown>) => Promise<boolean>;
  /** A form's `onSubmit`: stops the browser's own submit, then runs `task`. */
  onSubmit: (task: () => Promise<unknown>) => (e: FormEvent) => void;
}

/**
 * The busy flag and error of a form submit or a button's action, kept in one place so that every form
 * clears its last error on retry and ends `busy` even when the request fails (a form stuck disabled
 * is the bug this avoids). A check that fails before anything is sent simply throws inside the task.
 *
 * @example
 *   const save = useAction();
 *   <form onSubmit={save.onSubmit(async () => onSaved(await api.updateUser(id, body)))}>
 *     <ErrorBanner error={save.error} />
 *     <SubmitButton busy={save.busy} busyLabel="Saving…">Save</SubmitButton>
 */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(async (task: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await task();
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  const onSubmit = useCallback(
    (task: () => Promise<unknown>) => (e: FormEvent) => {
      e.preventDefault();
      void run(task);
    },
    [run],
  );
  return { busy, error, run, onSubmit };
}
