import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { SessionView } from '../../../src/contracts/api.js';
import type { ApiClient } from '../api.js';
import { ErrorBanner, Notice } from '../components/feedback.js';

/** The frame of the pages shown without a session: login, accept invitation, reset password. */
export function AuthFrame({ title, children }: { title: string; children: ReactNode }) {
  const headingId = useId();
  return (
    <main className="auth-frame" id="main" tabIndex={-1}>
      <section className="auth-card" aria-labelledby={headingId}>
        <div className="brand brand-large" aria-hidden="true">
          <span className="brand-mark">B</span> Bulwark
        </div>
        <h1 id={headingId}>{title}</h1>
        {children}
      </section>
    </main>
  );
}

function PasswordFields({ password, confirm, onPassword, onConfirm, autoComplete }: {
  password: string;
  confirm: string;
  onPassword: (v: string) => void;
  onConfirm: (v: string) => void;
  autoComplete: string;
}) {
  const hintId = useId();
  return (
    <>
      <label className="field">
        <span className="field-label">New password</span>
        <input type="password" required autoComplete={autoComplete} value={password} maxLength={256} aria-describedby={hintId} onChange={(e) => onPassword(e.target.value)} />
        <span className="field-hint" id={hintId}>
          At least 12 characters. A passphrase of several words is easy to remember and hard to guess.
        </span>
      </label>
      <label className="field">
        <span className="field-label">Repeat the password</span>
        <input type="password" required autoComplete={autoComplete} value={confirm} maxLength={256} onChange={(e) => onConfirm(e.target.value)} />
      </label>
    </>
  );
}

export function LoginPage({ api, onSession, expired }: { api: ApiClient; onSession: (s: SessionView) => void; expired: boolean }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSession(await api.login({ email: email.trim(), password }));
    } catch (err) {
      setError(err);
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthFrame title="Sign in">
      {expired && !error && <Notice tone="warn">Your session has ended. Sign in again to continue.</Notice>}
      <ErrorBanner error={error} />
      <form onSubmit={submit} className="form-stack">
        <label className="field">
          <span className="field-label">Email</span>
          <input type="email" required autoComplete="username" autoFocus value={email} maxLength={254} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">Password</span>
          <input type="password" required autoComplete="current-password" value={password} maxLength={256} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="muted small">Forgot your password? Ask an administrator for a reset link.</p>
    </AuthFrame>
  );
}

export function AcceptInvitationPage({ api, token, onSession }: { api: ApiClient; token: string; onSession: (s: SessionView) => void }) {
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (password !== confirm) return setError(new Error('The two passwords differ.'));
    setBusy(true);
    setError(undefined);
    try {
      const name = displayName.trim();
      onSession(await api.acceptInvitation({ token, password, ...(name ? { displayName: name } : {}) }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (!token) {
    return (
      <AuthFrame title="Accept invitation">
        <ErrorBanner error={new Error('This invitation link has no token. Use the full link you were sent.')} />
        <p>
          <a href="#/login">Go to sign in</a>
        </p>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title="Accept invitation">
      <p>Choose a password to activate your account.</p>
      <ErrorBanner error={error} />
      <form onSubmit={submit} className="form-stack">
        <label className="field">
          <span className="field-label">
            Display name <span className="muted">(optional)</span>
          </span>
          <input type="text" autoComplete="name" value={displayName} maxLength={100} onChange={(e) => setDisplayName(e.target.value)} />
        </label>
        <PasswordFields password={password} confirm={confirm} onPassword={setPassword} onConfirm={setConfirm} autoComplete="new-password" />
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Activating…' : 'Activate account'}
        </button>
      </form>
    </AuthFrame>
  );
}

export function ResetPasswordPage({ api, token }: { api: ApiClient; token: string }) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (password !== confirm) return setError(new Error('The two passwords differ.'));
    setBusy(true);
    setError(undefined);
    try {
      await api.resetPassword({ token, password });
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (done) {
    return (
      <AuthFrame title="Password changed">
        <Notice tone="success">Your password has been changed.</Notice>
        <p>
          <a className="btn btn-primary" href="#/login">
            Sign in
          </a>
        </p>
      </AuthFrame>
    );
  }
  if (!token) {
    return (
      <AuthFrame title="Reset password">
        <ErrorBanner error={new Error('This reset link has no token. Use the full link an administrator gave you.')} />
        <p>
          <a href="#/login">Go to sign in</a>
        </p>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title="Reset password">
      <ErrorBanner error={error} />
      <form onSubmit={submit} className="form-stack">
        <PasswordFields password={password} confirm={confirm} onPassword={setPassword} onConfirm={setConfirm} autoComplete="new-password" />
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Set new password'}
        </button>
      </form>
    </AuthFrame>
  );
}
