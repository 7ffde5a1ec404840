import { useState, type ReactNode } from 'react';
import type { UserView } from '../../../../src/contracts/api.js';
import { exportUrls, type AuditVerification } from '../../api.js';
import { useApp } from '../../app-context.js';
import { ErrorBanner, Notice } from '../../components/feedback.js';
import { FilterBar, FilterSelect, FilterText } from '../../components/filters.js';
import { listFromQuery } from '../../components/list-query.js';
import { PageHeader } from '../../components/page.js';
import { PagedTable } from '../../components/paged-table.js';
import { numHead, TableHead } from '../../components/table.js';
import { useAction } from '../../components/use-action.js';
import { userLabel, useUsers } from '../../components/use-directory.js';
import { formatDateTime, formatNumber, prettyJson } from '../../format.js';
import { useRoute } from '../../router.js';
import { useLoad } from '../../use-load.js';

const FILTER_KEYS = ['action', 'actor', 'targetType'] as const;

const REASONS: Record<NonNullable<AuditVerification['reason']>, string> = {
  'hash-mismatch': 'an entry was changed',
  'link-mismatch': 'an entry does not link to its predecessor',
  'seq-gap': 'entries are missing',
  'anchor-mismatch': 'the chain does not start where it should',
};

export function AuditPage() {
  const { api } = useApp();
  const { filters, limit, offset, active, clear } = listFromQuery(useRoute().query, FILTER_KEYS);
  const query = { ...filters, limit, offset };
  const page = useLoad(() => api.audit(query), JSON.stringify(query));
  const users = useUsers();
  const [verification, setVerification] = useState<AuditVerification | null>(null);
  const verify = useAction();

  return (
    <div className="page">
      <PageHeader
        title="Audit log"
        subtitle="Every change, append-only and hash-chained: each entry's hash covers the previous one."
        actions={
          <>
            <button
              type="button"
              className="btn"
              disabled={verify.busy}
              onClick={() =>
                verify.run(async () => {
                  setVerification(null);
                  setVerification(await api.verifyAudit());
                })
              }
            >
              {verify.busy ? 'Verifying…' : 'Verify chain'}
            </button>
            <a className="btn" href={exportUrls.auditJsonLines()} download>
              Export JSON lines
            </a>
          </>
        }
      />
      <div aria-live="polite">
        {verification &&
          (verification.ok ? (
            <Notice tone="success">
              Chain intact: {formatNumber(verification.checked)} entries verified, each hash covers its predecessor.
              {verification.head && (
                <>
                  {' '}
                  Newest entry #{verification.head.seq}, hash <code className="break">{verification.head.hash}</code>: keep it outside Bulwark to detect a cut-off tail
                  later.
                </>
              )}
            </Notice>
          ) : (
            <div className="alert alert-error" role="alert">
              <span>
                <strong>Chain broken</strong>
                {verification.firstBrokenSeq !== undefined && <> at entry #{verification.firstBrokenSeq}</>}
                {verification.reason && <> ({REASONS[verification.reason]})</>}: the log has been changed since it was written. {formatNumber(verification.checked)} entries
                were checked.
              </span>
            </div>
          ))}
      </div>
      <ErrorBanner error={verify.error} />
      <FilterBar label="Filter audit entries" active={active} onClear={clear}>
        <FilterText name="action" label="Action" value={filters.action} type="text" placeholder="e.g. user.invite" />
        <FilterText name="actor" label="Actor id" value={filters.actor} type="text" />
        <FilterSelect
          name="targetType"
          label="Target type"
          value={filters.targetType}
          options={['user', 'application', 'token', 'case'].map((t) => ({ value: t, label: t }))}
        />
      </FilterBar>
      <PagedTable
        page={page}
        label="Audit entries"
        pagerLabel="Audit log pages"
        caption="Audit entries, newest first"
        columns={8}
        empty="No audit entry matches."
        limit={limit}
        offset={offset}
        head={<TableHead columns={[numHead('#'), 'Time', 'Actor', 'Action', 'Target', 'Client', 'Change', 'Hash']} />}
      >
        {(e) => (
          <tr key={e.seq}>
            <th scope="row" className="num">
              {e.seq}
            </th>
            <td className="nowrap">{formatDateTime(e.at)}</td>
            <td>
              <Person kind={e.actor.kind} user={e.actor.kind === 'user' && e.actor.id ? users.byId.get(e.actor.id) : undefined}>
                <span className="muted small">{e.actor.kind}</span> <span className="mono small">{e.actor.id ?? ''}</span>
              </Person>
            </td>
            <td className="mono">{e.action}</td>
            <td>
              {e.target ? (
                <Person kind={e.target.type} user={e.target.type === 'user' ? users.byId.get(e.target.id) : undefined}>
                  <span className="mono small">{`${e.target.type}:${e.target.id}`}</span>
                </Person>
              ) : (
                <span className="muted">—</span>
              )}
            </td>
            <td className="mono small">{e.clientAddress ?? '—'}</td>
            <td>
              {e.before === undefined && e.after === undefined ? (
                <span className="muted">—</span>
              ) : (
                <details className="audit-change">
                  <summary>Show</summary>
                  <div className="audit-diff">
                    <div>
                      <div className="small muted">Before</div>
                      <pre className="code-block">{prettyJson(e.before ?? null)}</pre>
                    </div>
                    <div>
                      <div className="small muted">After</div>
                      <pre className="code-block">{prettyJson(e.after ?? null)}</pre>
                    </div>
                  </div>
                </details>
              )}
            </td>
            <td className="mono small" title={`hash ${e.hash}\nprevious ${e.prevHash}`}>
              {e.hash.slice(0, 12)}…
            </td>
          </tr>
        )}
      </PagedTable>
    </div>
  );
}

/**
 * A user who acted or was acted on, by name when the caller can read users, with the id kept underneath
 * (the "Actor id" filter takes it) and in the title. Any other party (a token, an application, a user
 * the look-up does not know) shows `children`, its raw reference.
 */
function Person({ kind, user, children }: { kind: string; user: UserView | undefined; children: ReactNode }) {
  if (!user) return <>{children}</>;
  return (
    <>
      <span className="muted small">{kind}</span> <span title={`${user.email} (${user.id})`}>{userLabel(user)}</span>
      <div className="small muted mono">{user.id}</div>
    </>
  );
}
