/**
 * The redacted request and response that triggered an issue, as raw HTTP (the way an analyst reads a
 * proxy capture), with the detector's evidence marked wherever it occurs. Everything is attacker-controlled
 * and is rendered as React text: never as HTML. Bodies are pretty-printed only as JSON text.
 */
import type { ReactNode } from 'react';
import type { ApiEvent } from '../../../src/contracts/api-event.js';
import { formatDateTime, prettyBody } from '../format.js';

type Body = NonNullable<ApiEvent['request']['body']>;

/** The forms the evidence may take in the raw text: as decoded, percent-encoded, form-encoded. */
function needlesOf(evidence: string): string[] {
  const core = evidence.replace(/(…|\.\.\.)$/, '').trim();
  if (core.length < 3) return [];
  const encoded = encodeURIComponent(core);
  return [...new Set([core, encoded, encoded.replace(/%20/g, '+')])].map((n) => n.toLowerCase());
}

/** `text` with every case-insensitive occurrence of a needle wrapped in `<mark>`. Linear in the text's length per needle. */
function marked(text: string, needles: readonly string[]): ReactNode {
  if (needles.length === 0) return text;
  const lower = text.toLowerCase();
  const ranges: Array<[number, number]> = [];
  for (const n of needles) {
    for (let at = lower.indexOf(n); at !== -1; at = lower.indexOf(n, at + n.length)) ranges.push([at, at + n.length]);
  }
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0]);
  const parts: ReactNode[] = [];
  let pos = 0;
  for (const [start, end] of ranges) {
    if (start < pos) continue;
    if (start > pos) parts.push(text.slice(pos, start));
    parts.push(
      <mark key={start} className="evidence-mark">
        {text.slice(start, end)}
      </mark>,
    );
    pos = end;
  }
  if (pos < text.length) parts.push(text.slice(pos));
  return parts;
}

function bodyText(body: Body | undefined): string {
  if (!body?.text) return '';
  const note = body.truncated ? `\n… (truncated; ${body.size} bytes sent)` : '';
  return (body.encoding === 'base64' ? `[base64] ${body.text}` : prettyBody(body.text, body.contentType)) + note;
}

function headerLines(headers: Record<string, string>): string[] {
  return Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
}

/** The request as HTTP/1.1 text; the query decoded (as the detectors read it). */
function requestText(e: ApiEvent): string {
  const r = e.request;
  const query = Object.entries(r.query)
    .flatMap(([k, vs]) => vs.map((v) => `${k}=${v}`))
    .join('&');
  const lines = [`${r.method} ${r.path}${query ? `?${query}` : ''} HTTP/${r.httpVersion?.replace(/^HTTP\//i, '') ?? '1.1'}`];
  if (!Object.keys(r.headers).some((k) => k.toLowerCase() === 'host')) lines.push(`host: ${r.host}${r.port ? `:${r.port}` : ''}`);
  lines.push(...headerLines(r.headers));
  const cookies = Object.entries(r.cookies);
  if (cookies.length > 0 && !Object.keys(r.headers).some((k) => k.toLowerCase() === 'cookie')) lines.push(`cookie: ${cookies.map(([k, v]) => `${k}=${v}`).join('; ')}`);
  const body = bodyText(r.body);
  return `${lines.join('\n')}\n${body ? `\n${body}` : ''}`;
}

function responseText(e: ApiEvent): string | null {
  const r = e.response;
  if (!r) return null;
  const body = bodyText(r.body);
  return `${[`HTTP/1.1 ${r.status}`, ...headerLines(r.headers)].join('\n')}\n${body ? `\n${body}` : ''}`;
}

/**
 * @example <ExchangeView exchange={issue.exchange} evidence={issue.evidence} label="Issue 1" />
 */
export function ExchangeView({ exchange, evidence, label }: { exchange: ApiEvent; evidence: string; label: string }) {
  const needles = needlesOf(evidence);
  const req = exchange.request;
  const response = responseText(exchange);
  return (
    <div className="exchange">
      <p className="small muted exchange-meta">
        {formatDateTime(exchange.timestamp)} · {req.scheme === 'http' ? 'plain HTTP' : (req.tlsVersion ?? 'TLS')} · <span className="mono">{req.host}</span>
        {req.clientAddress && (
          <>
            {' '}
            · client <span className="mono">{req.clientAddress}</span>
          </>
        )}
        {exchange.latencyMs !== undefined && <> · {Math.round(exchange.latencyMs)} ms</>}
      </p>
      <div className="exchange-grid">
        <section aria-label={`Request of ${label}`}>
          <h4 className="exchange-title">Request</h4>
          <pre className="code-block exchange-raw">{marked(requestText(exchange), needles)}</pre>
        </section>
        <section aria-label={`Response of ${label}`}>
          <h4 className="exchange-title">
            Response
            {exchange.response && (
              <span className={`pill status-code status-${String(exchange.response.status).charAt(0)}xx`}>{exchange.response.status}</span>
            )}
          </h4>
          {response === null ? <p className="muted small">No response recorded.</p> : <pre className="code-block exchange-raw">{marked(response, needles)}</pre>}
        </section>
      </div>
    </div>
  );
}
