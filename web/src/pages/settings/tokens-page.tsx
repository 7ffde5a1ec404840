import { useState } from 'react';
import type { TokenView } from '../../../../src/contracts/api.js';
import type { CreatedToken, TokenScope } from '../../api.js';
import { useApp } from '../../app-context.js';
import { ErrorBanner, Notice } from '../../components/feedback.js';
import { ConfirmButton, Field, SubmitButton } from '../../components/form.js';
import { OneTimeSecret } from '../../components/one-time-secret.js';
import { PageHeader, Section } from '../../components/page.js';
import { TableSection } from '../../components/table-section.js';
import { useAction } from '../../components/use-action.js';
import { formatAgo, formatDateTime } from '../../format.js';
import { scopeLabel, TOKEN_SCOPES } from '../../labels.js';
import { useLoad } from '../../use-load.js';

export function TokensPage() {
  const { api, can } = useApp();
  const manage = can('tokens:manage');
  const tokens = useLoad(() => api.tokens(), 'tokens');
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const revocation = useAction();
  const [notice, setNotice] = useState<string | null>(null);

  const revoke = (t: TokenView) =>
    revocation.run(async () => {
      await api.revokeToken(t.id);
      setConfirming(null);
      setNotice(`Revoked ${t.name}. Clients using it are refused from now on.`);
      tokens.reload();
    });

  return (
    <div className="page">
      <PageHeader title="API tokens" subtitle="Machine credentials for the ingest and read APIs. Bulwark keeps only a hash of each secret." />
      {created && (
        <OneTimeSecret
          title={`Token ${created.name}`}
          explanation="Copy the token now and store it in your secret manager. Send it as `Authorization: Bearer <token>`."
          secret={created.token}
          onDismiss={() => setCreated(null)}
        />
      )}
      {notice && <Notice tone="success">{notice}</Notice>}
      <ErrorBanner error={revocation.error} />
      {manage && (
        <CreateToken
          onCreated={(t) => {
            setNotice(null);
            setCreated(t);
            tokens.reload();
          }}
        />
      )}
      <TableSection title="Tokens" label="API tokens" load={tokens} columns={['Name', 'Scopes', 'Created', 'Last used', 'Status', manage && 'Actions']} empty="No tokens yet.">
        {(t) => (
          <tr key={t.id} className={t.revoked ? 'row-muted' : undefined}>
            <th scope="row">
              {t.name}
              <div className="small muted mono">{t.id}</div>
            </th>
            <td>
              <span className="tags">
                {t.scopes.map((s) => (
                  <span key={s} className={s === 'admin' ? 'tag tag-warn' : 'tag'}>
                    {s}
                  </span>
                ))}
              </span>
            </td>
            <td title={formatDateTime(t.createdAt)}>{formatAgo(t.createdAt)}</td>
            <td title={formatDateTime(t.lastUsedAt)}>{t.lastUsedAt ? formatAgo(t.lastUsedAt) : <span className="muted">never</span>}</td>
            <td>
              <span className={`pill status-${t.revoked ? 'disabled' : 'active'}`}>{t.revoked ? 'revoked' : 'active'}</span>
            </td>
            {manage && (
              <td className="actions">
                {!t.revoked && (
                  <ConfirmButton verb="Revoke" subject={t.name} asking={confirming === t.id} onAsk={(yes) => setConfirming(yes ? t.id : null)} onConfirm={() => revoke(t)} />
                )}
              </td>
            )}
          </tr>
        )}
      </TableSection>
    </div>
  );
}

function CreateToken({ onCreated }: { onCreated: (t: CreatedToken) => void }) {
  const { api } = useApp();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<TokenScope[]>(['ingest']);
  const create = useAction();

  const submit = create.onSubmit(async () => {
    if (scopes.length === 0) throw new Error('Choose at least one scope.');
    onCreated(await api.createToken({ name: name.trim(), scopes }));
    setName('');
  });

  return (
    <Section title="Create a token">
      <ErrorBanner error={create.error} />
      <form className="form-grid" onSubmit={submit}>
        <Field label="Name">
          <input type="text" required maxLength={100} value={name} placeholder="e.g. gateway-eu" autoComplete="off" onChange={(e) => setName(e.target.value)} />
        </Field>
        <fieldset className="fieldset">
          <legend>Scopes</legend>
          <div className="checkbox-grid">
            {TOKEN_SCOPES.map((s) => (
              <label key={s} className="checkbox">
                <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))} />
                {scopeLabel(s)}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="form-actions">
          <SubmitButton busy={create.busy} busyLabel="Creating…">
            Create token
          </SubmitButton>
        </div>
      </form>
    </Section>
  );
}
