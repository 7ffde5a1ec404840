import { useEffect, useMemo, useState } from 'react';
import type { SpecGenerateFormat, SpecGenerateResult, SpecReviewDecision, SpecReviewEntry, SpecReviewList } from '../../../src/contracts/spec-generate.js';
import { useApp } from '../app-context.js';
import { MethodBadge } from '../components/badges.js';
import { ErrorBanner, Loading } from '../components/feedback.js';
import { Field, SubmitButton } from '../components/form.js';
import { PageHeader, Section } from '../components/page.js';
import { useAction } from '../components/use-action.js';
import { useApplications } from '../components/use-directory.js';
import { formatNumber } from '../format.js';
import { href, navigate, pathOf } from '../router.js';

/**
 * Generate an OpenAPI 3.1 document from the inventory: choose the endpoints (host, application), review
 * them one by one (include or skip, rename path parameters, merge into another endpoint), preview, then
 * download the document or import it as a new spec. Decisions live in the page until then; the same
 * decisions can be kept in a review file with `bulwark spec generate --write-review` (docs/spec-generate.md).
 */

interface Decision {
  include: boolean;
  /** Old path parameter name -> new name, as typed (blank: unchanged). */
  rename: Record<string, string>;
  mergeInto: string;
}

const PREVIEW_CHARS = 200_000;

function decisionsOf(entries: readonly SpecReviewEntry[], decided: Record<string, Decision>): SpecReviewDecision[] {
  const out: SpecReviewDecision[] = [];
  for (const e of entries) {
    const d = decided[e.id];
    if (!d) continue;
    if (!d.include) {
      out.push({ id: e.id, action: 'skip' });
      continue;
    }
    const rename = Object.fromEntries(Object.entries(d.rename).filter(([from, to]) => to.trim() !== '' && to.trim() !== from).map(([from, to]) => [from, to.trim()]));
    if (Object.keys(rename).length === 0 && !d.mergeInto) continue;
    out.push({ id: e.id, action: 'accept', ...(Object.keys(rename).length ? { rename } : {}), ...(d.mergeInto ? { mergeInto: d.mergeInto } : {}) });
  }
  return out;
}

/** Endpoints `e` may merge into: same method, same number of segments, included. */
function mergeTargets(e: SpecReviewEntry, entries: readonly SpecReviewEntry[], decided: Record<string, Decision>): SpecReviewEntry[] {
  const n = e.template.split('/').length;
  return entries.filter((t) => t.id !== e.id && t.method === e.method && t.template.split('/').length === n && decided[t.id]?.include !== false);
}

export function SpecGeneratePage() {
  const { api } = useApp();
  const apps = useApplications();
  const [hosts, setHosts] = useState('');
  const [application, setApplication] = useState('');
  const [list, setList] = useState<SpecReviewList | null>(null);
  const [decided, setDecided] = useState<Record<string, Decision>>({});
  const [title, setTitle] = useState('');
  const [version, setVersion] = useState('');
  const [format, setFormat] = useState<SpecGenerateFormat>('yaml');
  const [result, setResult] = useState<SpecGenerateResult | null>(null);
  const load = useAction();
  const generate = useAction();
  const save = useAction();

  const filters = useMemo(() => {
    const hostList = hosts
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean);
    return { ...(hostList.length ? { hosts: hostList } : {}), ...(application ? { application } : {}) };
  }, [hosts, application]);

  const loadList = () =>
    load.run(async () => {
      const l = await api.specReview(filters);
      setList(l);
      setDecided({});
      setResult(null);
    });
  // The whole inventory (or the owner's applications) at first.
  useEffect(() => {
    void loadList();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps -- once, on arrival

  const update = (id: string, change: Partial<Decision>) => {
    setDecided((d) => ({ ...d, [id]: { include: true, rename: {}, mergeInto: '', ...d[id], ...change } }));
    setResult(null);
  };

  const entries = list?.items ?? [];
  const request = () => ({
    ...filters,
    format,
    decisions: decisionsOf(entries, decided),
    ...(title.trim() || version.trim() ? { info: { ...(title.trim() ? { title: title.trim() } : {}), ...(version.trim() ? { version: version.trim() } : {}) } } : {}),
  });
  const skipped = entries.filter((e) => decided[e.id]?.include === false).length;
  const fileName = `openapi.${format === 'json' ? 'json' : 'yaml'}`;

  function download(r: SpecGenerateResult) {
    const url = URL.createObjectURL(new Blob([r.text], { type: r.format === 'json' ? 'application/json' : 'application/yaml' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  return (
    <div className="page">
      <p className="breadcrumb">
        <a href={href(pathOf('specs'))}>API specifications</a> <span aria-hidden="true">›</span> Generate
      </p>
      <PageHeader title="Generate a spec from traffic" subtitle="An OpenAPI 3.1 document of the discovered endpoints, with inferred schemas and no example values. Review each endpoint before you export it." />

      <Section title="Endpoints">
        <form
          className="form-grid"
          onSubmit={load.onSubmit(async () => {
            await loadList();
          })}
        >
          <Field label="Hosts (comma-separated)" optional>
            <input type="text" value={hosts} placeholder="api.example.com" onChange={(e) => setHosts(e.target.value)} />
          </Field>
          {apps.readable && (
            <Field label="Application" optional>
              <select value={application} onChange={(e) => setApplication(e.target.value)}>
                <option value="">All</option>
                <option value="none">No application</option>
                {apps.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <div className="form-actions">
            <SubmitButton busy={load.busy} busyLabel="Loading…">
              Load endpoints
            </SubmitButton>
          </div>
          <ErrorBanner error={load.error} />
        </form>
      </Section>

      {load.busy && !list && <Loading />}
      {list && (
        <Section title={`Review (${formatNumber(list.total)} endpoints, ${formatNumber(skipped)} skipped)`}>
          {list.total === 0 ? (
            <p className="muted">No endpoint matches. Ingest traffic, or change the hosts or application.</p>
          ) : (
            <div className="table-scroll" tabIndex={0} role="region" aria-label="Endpoints to review">
              <table className="table table-compact">
                <caption className="visually-hidden">Endpoints to review: include or skip, rename path parameters, merge into another endpoint</caption>
                <thead>
                  <tr>
                    <th scope="col">Include</th>
                    <th scope="col">Endpoint</th>
                    <th scope="col" className="num">
                      Calls
                    </th>
                    <th scope="col" className="num">
                      Confidence
                    </th>
                    <th scope="col">Rename path parameters</th>
                    <th scope="col">Merge into</th>
                  </tr>
                </thead>
                <tbody>
                  {entries.map((e) => {
                    const d = decided[e.id];
                    const included = d?.include !== false;
                    const label = `${e.method} ${e.host}${e.template}`;
                    return (
                      <tr key={e.id} className={included ? undefined : 'row-muted'}>
                        <td>
                          <input type="checkbox" checked={included} aria-label={`Include ${label}`} onChange={(ev) => update(e.id, { include: ev.target.checked })} />
                        </td>
                        <th scope="row">
                          <MethodBadge method={e.method} /> <span className="mono">{e.template}</span>
                          <div className="small muted">{e.host}</div>
                        </th>
                        <td className="num">{formatNumber(e.calls)}</td>
                        <td className="num">{Math.round(e.confidence * 100)}%</td>
                        <td>
                          {e.pathParameters.length === 0 ? (
                            <span className="muted">none</span>
                          ) : (
                            e.pathParameters.map((p) => (
                              <label key={p} className="generate-rename small">
                                <span className="mono">{`{${p}}`}</span> <span aria-hidden="true">→</span>
                                <input
                                  type="text"
                                  disabled={!included}
                                  aria-label={`New name of {${p}} in ${label}`}
                                  value={d?.rename[p] ?? ''}
                                  placeholder={p}
                                  onChange={(ev) => update(e.id, { rename: { ...d?.rename, [p]: ev.target.value } })}
                                />
                              </label>
                            ))
                          )}
                        </td>
                        <td>
                          <select className="generate-merge" aria-label={`Merge ${label} into`} disabled={!included} value={d?.mergeInto ?? ''} onChange={(ev) => update(e.id, { mergeInto: ev.target.value })}>
                            <option value="">(keep)</option>
                            {mergeTargets(e, entries, decided).map((t) => (
                              <option key={t.id} value={t.id}>
                                {`${t.host}${t.template}`}
                              </option>
                            ))}
                          </select>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </Section>
      )}

      {list && list.total > 0 && (
        <Section title="Document">
          <form
            className="form-grid"
            onSubmit={generate.onSubmit(async () => {
              setResult(await api.generateSpec(request()));
            })}
          >
            <Field label="Title" optional>
              <input type="text" value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
            </Field>
            <Field label="API version" optional>
              <input type="text" value={version} maxLength={100} placeholder="today's date" onChange={(e) => setVersion(e.target.value)} />
            </Field>
            <Field label="Format">
              <select
                value={format}
                onChange={(e) => {
                  setFormat(e.target.value as SpecGenerateFormat);
                  setResult(null);
                }}
              >
                <option value="yaml">YAML</option>
                <option value="json">JSON</option>
              </select>
            </Field>
            <div className="form-actions">
              <SubmitButton busy={generate.busy} busyLabel="Generating…">
                Preview
              </SubmitButton>
              {result && (
                <>
                  <button type="button" className="btn" onClick={() => download(result)}>
                    Download {fileName}
                  </button>
                  <button
                    type="button"
                    className="btn"
                    disabled={save.busy}
                    onClick={() =>
                      void save.run(async () => {
                        const imported = await api.importSpec({ text: result.text, fileName: `generated-${fileName}` });
                        navigate(href(pathOf('specs', imported.spec.id)));
                      })
                    }
                  >
                    {save.busy ? 'Importing…' : 'Import as a spec'}
                  </button>
                </>
              )}
            </div>
            <ErrorBanner error={generate.error ?? save.error} />
          </form>
          {result && <Preview result={result} />}
        </Section>
      )}
    </div>
  );
}

function Preview({ result }: { result: SpecGenerateResult }) {
  const c = result.counts;
  return (
    <div className="form-stack">
      <p role="status">
        {formatNumber(c.operations)} operations on {formatNumber(c.paths)} paths from {formatNumber(c.endpoints)} endpoints ({formatNumber(c.skipped)} skipped,{' '}
        {formatNumber(c.merged)} merged).
      </p>
      {result.warnings.map((w) => (
        <div key={w} className="alert alert-warn">
          {w}
        </div>
      ))}
      <pre className="code-block" aria-label="Generated document" tabIndex={0}>
        {result.text.length > PREVIEW_CHARS ? `${result.text.slice(0, PREVIEW_CHARS)}\n… (${formatNumber(result.text.length - PREVIEW_CHARS)} more characters in the download)` : result.text}
      </pre>
    </div>
  );
}
