import { useId, useState, type ReactNode } from 'react';
import type { SessionView } from '../../../src/contracts/api.js';
import type { ApiClient } from '../api.js';
import { ErrorBanner, Notice } from '../components/feedback.js';
import { Field, SubmitButton } from '../components/form.js';
import { useAction } from '../components/use-action.js';

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

/** A one-time link opened without its token: nothing can be done here, so say why and where to go. */
function MissingToken({ title, message }: { title: string; message: string }) {
  return (
    <AuthFrame title={title}>
      <ErrorBanner error={new Error(message)} />
      <p>
        <a href="#/login">Go to sign in</a>
      </p>
    </AuthFrame>
  );
}

/**
 * The form that sets a new password (accepting an invitation, resetting a password). The two fields
 * must agree before anything is sent, so a typo cannot lock the person out; `children` are extra
 * fields shown above them.
 */
function NewPasswordForm({
  submitLabel,
  busyLabel,
  onSubmit,
  children,
}: {
  submitLabel: string;
  busyLabel: string;
  onSubmit: (password: string) => Promise<unknown>;
  children?: ReactNode;
}) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const save = useAction();
  const hintId = useId();
  const submit = save.onSubmit(async () => {
    if (password !== confirm) throw new Error('The two passwords differ.');
    await onSubmit(password);
  });
  return (
    <>
      <ErrorBanner error={save.error} />
      <form onSubmit={submit} className="form-stack">
        {children}
        <Field label="New password">
          <input type="password" required autoComplete="new-password" value={password} maxLength={256} aria-describedby={hintId} onChange={(e) => setPassword(e.target.value)} />
          <span className="field-hint" id={hintId}>
            At least 12 characters. A passphrase of several words is easy to remember and hard to guess.
          </span>
        </Field>
        <Field label="Repeat the password">
          <input type="password" required autoComplete="new-password" value={confirm} maxLength={256} onChange={(e) => setConfirm(e.target.value)} />
        </Field>
        <SubmitButton busy={save.busy} busyLabel={busyLabel}>
          {submitLabel}
        </SubmitButton>
      </form>
    </>
  );
}

export function LoginPage({ api, onSession, expired }: { api: ApiClient; onSession: (s: SessionView) => void; expired: boolean }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useAction();
  const submit = signIn.onSubmit(async () => {
    try {
      onSession(await api.login({ email: email.trim(), password }));
    } catch (err) {
      setPassword('');
      throw err;
    }
  });

  return (
    <AuthFrame title="Sign in">
      {expired && !signIn.error && <Notice tone="warn">Your session has ended. Sign in again to continue.</Notice>}
      <ErrorBanner error={signIn.error} />
      <form onSubmit={submit} className="form-stack">
        <Field label="Email">
          <input type="email" required autoComplete="username" autoFocus value={email} maxLength={254} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field label="Password">
          <input type="password" required autoComplete="current-password" value={password} maxLength={256} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <SubmitButton busy={signIn.busy} busyLabel="Signing in…">
          Sign in
        </SubmitButton>
      </form>
      <p className="muted small">Forgot your password? Ask an administrator for a reset link.</p>
    </AuthFrame>
  );
}

export function AcceptInvitationPage({ api, token, onSession }: { api: ApiClient; token: string; onSession: (s: SessionView) => void }) {
  const [displayName, setDisplayName] = useState('');
  if (!token) return <MissingToken title="Accept invitation" message="This invitation link has no token. Use the full link you were sent." />;
  return (
    <AuthFrame title="Accept invitation">
      <p>Choose a password to activate your account.</p>
      <NewPasswordForm
        submitLabel="Activate account"
        busyLabel="Activating…"
        onSubmit={async (password) => {
          const name = displayName.trim();
          onSession(await api.acceptInvitation({ token, password, ...(name ? { displayName: name } : {}) }));
        }}
      >
        <Field label="Display name" optional>
          <input type="text" autoComplete="name" value={displayName} maxLength={100} onChange={(e) => setDisplayName(e.target.value)} />
        </Field>
      </NewPasswordForm>
    </AuthFrame>
  );
}

export function ResetPasswordPage({ api, token }: { api: ApiClient; token: string }) {
  const [done, setDone] = useState(false);
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
  if (!token) return <MissingToken title="Reset password" message="This reset link has no token. Use the full link an administrator gave you." />;
  return (
    <AuthFrame title="Reset password">
      <NewPasswordForm
        submitLabel="Set new password"
        busyLabel="Saving…"
        onSubmit={async (password) => {
          await api.resetPassword({ token, password });
          setDone(true);
        }}
      />
    </AuthFrame>
  );
}
