import type { ReactNode } from 'react';
import { ApiError, errorMessage } from '../api.js';
import type { Load } from '../use-load.js';

/** Shows an API error's message as text (never as HTML), with its code for support. */
export function ErrorBanner({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (error === undefined || error === null) return null;
  const code = error instanceof ApiError ? error.code : null;
  return (
    <div className="alert alert-error" role="alert">
      <span>
        <strong>Error:</strong> {errorMessage(error)}
        {code && <span className="muted"> ({code})</span>}
      </span>
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Notice({ children, tone = 'info' }: { children: ReactNode; tone?: 'info' | 'success' | 'warn' }) {
  return (
    <div className={`alert alert-${tone}`} role="status">
      {children}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      {label}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/**
 * Loaded data in its three states: the error with a retry, "Loading…" until the first answer, then
 * `children(data)`. A reload keeps the last data on screen (see `useLoad`), so nothing flashes empty.
 *
 * @example <Loaded load={tokens}>{(t) => <TokenTable items={t.items} />}</Loaded>
 */
export function Loaded<T>({ load, children }: { load: Load<T>; children: (data: T) => ReactNode }) {
  return (
    <>
      <ErrorBanner error={load.error} onRetry={load.reload} />
      {load.data === undefined && load.loading && <Loading />}
      {load.data !== undefined && children(load.data)}
    </>
  );
}
