/**
 * A redacted request/response sample. Evidence is attacker-controlled: everything here is rendered as
 * React text (escaped), never as HTML, and bodies are only pretty-printed as JSON text.
 */
import type { ApiEvent } from '../../../src/contracts/api-event.js';
import { formatDateTime, prettyBody } from '../format.js';
import { MethodBadge } from './badges.js';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : null);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

function entries(v: unknown): Array<[string, string]> {
  const r = rec(v);
  if (!r) return [];
  return Object.entries(r).map(([k, val]) => [k, Array.isArray(val) ? val.map((x) => String(x)).join(', ') : (str(val) ?? JSON.stringify(val))]);
}

function NameValues({ caption, rows }: { caption: string; rows: Array<[string, string]> }) {
  if (rows.length === 0) return null;
  return (
    <div className="table-scroll">
      <table className="table table-compact table-kv">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([k, v], i) => (
            <tr key={`${k}-${i}`}>
              <th scope="row" className="mono">
                {k}
              </th>
              <td className="mono break">{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function BodyView({ body, label }: { body: unknown; label: string }) {
  const b = rec(body) as Partial<NonNullable<ApiEvent['request']['body']>> | null;
  if (!b) return <p className="muted small">{label}: none recorded.</p>;
  const text = str(b.text);
  const meta = [b.contentType, typeof b.size === 'number' ? `${b.size} bytes` : undefined, b.truncated ? 'truncated' : undefined, b.encoding === 'base64' ? 'base64' : undefined]
    .filter(Boolean)
    .join(' · ');
  return (
    <div className="sample-body">
      <div className="small muted">
        {label}
        {meta && ` (${meta})`}
      </div>
      {text === undefined || text === '' ? <p className="muted small">Empty.</p> : <pre className="code-block">{b.encoding === 'base64' ? text : prettyBody(text, b.contentType)}</pre>}
    </div>
  );
}

export function SampleView({ timestamp, event, index }: { timestamp: string; event: unknown; index: number }) {
  const e = rec(event);
  const req = rec(e?.request);
  const res = rec(e?.response);
  if (!e || !req) {
    return (
      <details className="sample">
        <summary>
          Sample {index + 1} · {formatDateTime(timestamp)}
        </summary>
        <pre className="code-block">{JSON.stringify(event, null, 2)}</pre>
      </details>
    );
  }
  const method = str(req.method) ?? '?';
  const query = rec(req.query);
  const queryText = query
    ? Object.entries(query)
        .flatMap(([k, vs]) => (Array.isArray(vs) ? vs : [vs]).map((v) => `${k}=${String(v)}`))
        .join('&')
    : '';
  const url = `${str(req.scheme) ?? 'https'}://${str(req.host) ?? ''}${str(req.path) ?? ''}${queryText ? `?${queryText}` : ''}`;
  const status = str(res?.status);
  return (
    <details className="sample">
      <summary>
        <MethodBadge method={method} /> <span className="mono break">{str(req.path) ?? ''}</span>
        {status && <span className={`pill status-code status-${status.charAt(0)}xx`}>{status}</span>}
        <span className="muted small"> {formatDateTime(timestamp)}</span>
      </summary>
      <div className="sample-grid">
        <section aria-label={`Request of sample ${index + 1}`}>
          <h4>Request</h4>
          <p className="mono break small">
            {method} {url}
            {str(req.httpVersion) && ` ${str(req.httpVersion)}`}
          </p>
          <p className="small muted">
            {str(req.clientAddress) && <>Client {str(req.clientAddress)} · </>}
            {str(req.tlsVersion) ?? (str(req.scheme) === 'http' ? 'plain HTTP' : 'TLS')}
            {typeof e.latencyMs === 'number' && <> · {e.latencyMs} ms</>}
          </p>
          <NameValues caption="Request headers" rows={entries(req.headers)} />
          <NameValues caption="Cookies" rows={entries(req.cookies)} />
          <BodyView body={req.body} label="Request body" />
        </section>
        <section aria-label={`Response of sample ${index + 1}`}>
          <h4>Response</h4>
          {res ? (
            <>
              <p className="mono small">Status {status}</p>
              <NameValues caption="Response headers" rows={entries(res.headers)} />
              <BodyView body={res.body} label="Response body" />
            </>
          ) : (
            <p className="muted small">No response recorded.</p>
          )}
        </section>
      </div>
    </details>
  );
}
