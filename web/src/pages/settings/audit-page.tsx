import { useState } from 'react';
import { exportUrls, type AuditVerification } from '../../api.js';
import { useApp } from '../../app-context.js';
import { ErrorBanner, Loading, Notice } from '../../components/feedback.js';
import { FilterBar, FilterSelect, FilterText, intParam } from '../../components/filters.js';
import { PageHeader } from '../../components/page.js';
import { Pager, TableScroll } from '../../components/table.js';
import { formatDateTime, formatNumber, prettyJson } from '../../format.js';
import { updateQuery, useRoute } from '../../router.js';
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
  const route = useRoute();
  const q = route.query;
  const filters = Object.fromEntries(FILTER_KEYS.map((k) => [k, q.get(k) ?? ''])) as Record<(typeof FILTER_KEYS)[number], string>;
  const query = { ...filters, limit: intParam(q.get('limit'), 50, 500) || 50, offset: intParam(q.get('offset'), 0) };
  const page = useLoad(() => api.audit(query), JSON.stringify(query));
  const [verification, setVerification] = useState<AuditVerification | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [verifyError, setVerifyError] = useState<unknown>();
  const active = FILTER_KEYS.filter((k) => filters[k] !== '').length;

  async function verify() {
    setVerifying(true);
    setVerifyError(undefined);
    setVerification(null);
    try {
      setVerification(await api.verifyAudit());
    } catch (err) {
      setVerifyError(err);
    } finally {
      setVerifying(false);
    }
  }

  return (
    <div className="page">
      <PageHeader
        title="Audit log"
        subtitle="Every change, append-only and hash-chained: each entry's hash covers the previous one."
        actions={
          <>
            <button type="button" className="btn" onClick={verify} disabled={verifying}>
              {verifying ? 'Verifying…' : 'Verify chain'}
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
      <ErrorBanner error={verifyError} />
      <FilterBar label="Filter audit entries" active={active} onClear={() => updateQuery({ action: null, actor: null, targetType: null, offset: null })}>
        <FilterText name="action" label="Action" value={filters.action} type="text" placeholder="e.g. user.invite" />
        <FilterText name="actor" label="Actor id" value={filters.actor} type="text" />
        <FilterSelect
          name="targetType"
          label="Target type"
          value={filters.targetType}
          options={['user', 'application', 'token', 'case'].map((t) => ({ value: t, label: t }))}
        />
      </FilterBar>
      <ErrorBanner error={page.error} onRetry={page.reload} />
      {!page.data && page.loading && <Loading />}
      {page.data && (
        <div className={page.loading ? 'results is-loading' : 'results'} aria-busy={page.loading}>
          <TableScroll label="Audit entries">
            <table className="table">
              <caption className="visually-hidden">Audit entries, newest first</caption>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    #
                  </th>
                  <th scope="col">Time</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Client</th>
                  <th scope="col">Change</th>
                  <th scope="col">Hash</th>
                </tr>
              </thead>
              <tbody>
                {page.data.items.length === 0 && (
                  <tr>
                    <td colSpan={8} className="empty-cell">
                      No audit entry matches.
                    </td>
                  </tr>
                )}
                {page.data.items.map((e) => (
                  <tr key={e.seq}>
                    <th scope="row" className="num">
                      {e.seq}
                    </th>
                    <td className="nowrap">{formatDateTime(e.at)}</td>
                    <td>
                      <span className="muted small">{e.actor.kind}</span> <span className="mono small">{e.actor.id ?? ''}</span>
                    </td>
                    <td className="mono">{e.action}</td>
                    <td>{e.target ? <span className="mono small">{`${e.target.type}:${e.target.id}`}</span> : <span className="muted">—</span>}</td>
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
                ))}
              </tbody>
            </table>
          </TableScroll>
          <Pager
            label="Audit log pages"
            total={page.data.total}
            limit={query.limit}
            offset={query.offset}
            onChange={(offset, limit) => updateQuery({ offset: offset || null, limit: limit === 50 ? null : limit })}
          />
        </div>
      )}
    </div>
  );
}
