import { useEffect, useRef, useState } from 'react';
import { formatDateTime } from '../format.js';

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <button
      type="button"
      className="btn btn-small"
      onClick={() => {
        // The Clipboard API exists only in secure contexts (https or localhost).
        if (!window.isSecureContext || !('clipboard' in navigator)) return setState('failed');
        navigator.clipboard.writeText(text).then(
          () => setState('copied'),
          () => setState('failed'),
        );
      }}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select the text' : label}
    </button>
  );
}

/**
 * A secret the server shows once (invitation or reset link, API token). It is kept only in component
 * state: dismissing it or leaving the page forgets it, and nothing is written to storage.
 */
export function OneTimeSecret({
  title,
  secret,
  link,
  expiresAt,
  explanation,
  onDismiss,
}: {
  title: string;
  secret: string;
  link?: string;
  expiresAt?: string;
  explanation: string;
  onDismiss: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div className="secret-panel" role="region" aria-labelledby="one-time-secret-title" tabIndex={-1} ref={ref}>
      <h3 id="one-time-secret-title">{title}</h3>
      <p>
        {explanation} <strong>It will not be shown again.</strong>
        {expiresAt && <> Expires {formatDateTime(expiresAt)}.</>}
      </p>
      {link && (
        <div className="secret-row">
          <label className="field field-grow">
            <span className="field-label">Link</span>
            <input type="text" readOnly value={link} onFocus={(e) => e.currentTarget.select()} className="mono" />
          </label>
          <CopyButton text={link} label="Copy link" />
        </div>
      )}
      <div className="secret-row">
        <label className="field field-grow">
          <span className="field-label">{link ? 'Token' : 'Secret'}</span>
          <input type="text" readOnly value={secret} onFocus={(e) => e.currentTarget.select()} className="mono" />
        </label>
        <CopyButton text={secret} label={link ? 'Copy token' : 'Copy'} />
      </div>
      <button type="button" className="btn" onClick={onDismiss}>
        Done, I have saved it
      </button>
    </div>
  );
}
