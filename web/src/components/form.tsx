import type { ReactNode } from 'react';
import { ErrorBanner } from './feedback.js';
import type { Action } from './use-action.js';

/**
 * A labelled form control: the `<label>` wraps the control, so the label names it without ids (the
 * end-to-end tests and screen readers find fields by this text). Put a `field-hint` after the control.
 *
 * @example <Field label="Name"><input type="text" value={name} onChange={…} /></Field>
 */
export function Field({ label, optional = false, children }: { label: ReactNode; optional?: boolean; children: ReactNode }) {
  return (
    <label className="field">
      <span className="field-label">
        {label}
        {optional && (
          <>
            {' '}
            <span className="muted">(optional)</span>
          </>
        )}
      </span>
      {children}
    </label>
  );
}

/** A form's primary button: disabled while the form's action runs, and saying so (`busyLabel`). */
export function SubmitButton({ busy, busyLabel, children }: { busy: boolean; busyLabel: string; children: ReactNode }) {
  return (
    <button type="submit" className="btn btn-primary" disabled={busy}>
      {busy ? busyLabel : children}
    </button>
  );
}

/**
 * A destructive button that asks again in place: "Delete" becomes "Confirm delete" and "Cancel". The
 * page holds which row is asking, so that only one row asks at a time. The hidden `subject` names the
 * object, as several rows carry the same visible label.
 */
export function ConfirmButton({
  verb,
  subject,
  asking,
  onAsk,
  onConfirm,
}: {
  verb: string;
  subject: string;
  asking: boolean;
  onAsk: (asking: boolean) => void;
  onConfirm: () => void;
}) {
  if (!asking) {
    return (
      <button type="button" className="btn btn-small" onClick={() => onAsk(true)}>
        {verb}
        <span className="visually-hidden"> {subject}</span>
      </button>
    );
  }
  return (
    <>
      <button type="button" className="btn btn-small btn-danger" onClick={onConfirm}>
        {`Confirm ${verb.toLowerCase()}`}
        <span className="visually-hidden"> {subject}</span>
      </button>
      <button type="button" className="btn btn-small" onClick={() => onAsk(false)}>
        Cancel
      </button>
    </>
  );
}

/** A form's last lines: the error of its last submit, then its submit button. */
export function FormEnd({ action, busyLabel, children }: { action: Action; busyLabel: string; children: string }) {
  return (
    <>
      <ErrorBanner error={action.error} />
      <div className="form-actions">
        <SubmitButton busy={action.busy} busyLabel={busyLabel}>
          {children}
        </SubmitButton>
      </div>
    </>
  );
}
