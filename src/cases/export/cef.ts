import type { Severity } from '../../contracts/finding.js';
import type { IssueDocument } from './payload.js';
import { clip } from './text.js';

/**
 * ArcSight Common Event Format (CEF 0) lines for a SIEM, as a pure function. Header fields escape `\` and
 * `|`; extension values escape `\`, `=` and line breaks (`\n`, `\r`), as the CEF specification requires.
 * Values are bounded, so a hostile title or path cannot make a line without end.
 *
 * @example
 * formatCef({ deviceVersion: '0.1.0', signatureId: 'sqli-union', name: 'SQL injection', severity: 8,
 *   extensions: [['cs1Label', 'caseRef'], ['cs1', 'C-7']] })
 * // 'CEF:0|Bulwark|Bulwark|0.1.0|sqli-union|SQL injection|8|cs1Label=caseRef cs1=C-7'
 */

export interface CefEvent {
  deviceVersion: string;
  /** Device Event Class ID: the detector id. */
  signatureId: string;
  name: string;
  /** 0 to 10. */
  severity: number;
  /** In order; a key must be letters and digits (others are dropped from it). */
  extensions: ReadonlyArray<readonly [key: string, value: string | number]>;
}

/** Issue severity on CEF's 0-10 scale (0-3 low, 4-6 medium, 7-8 high, 9-10 very high). */
export const CEF_SEVERITY: Record<Severity, number> = { info: 1, low: 3, medium: 5, high: 7, critical: 10 };

const MAX_HEADER_CHARS = 200;
const MAX_EXTENSION_CHARS = 512;

/** A header field: `\` and `|` escaped; line breaks and other control characters become spaces. */
export function escapeCefHeader(value: string): string {
  return clip(value, MAX_HEADER_CHARS)
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/[\\|]/g, (c) => '\\' + c);
}

/** An extension value: `\` and `=` escaped, line breaks as `\n` / `\r`, other control characters as spaces. */
export function escapeCefExtension(value: string): string {
  return clip(value, MAX_EXTENSION_CHARS)
    .replace(/[\\=]/g, (c) => '\\' + c)
    .replace(/\r\n|\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/[\u0000-\u001f\u007f]/g, ' ');
}

export function formatCef(e: CefEvent): string {
  const severity = Math.min(Math.max(Math.round(e.severity), 0), 10);
  const header = ['CEF:0', 'Bulwark', 'Bulwark', e.deviceVersion, e.signatureId, e.name].map((f, i) => (i === 0 ? f : escapeCefHeader(f)));
  const extensions = e.extensions
    .map(([key, value]) => [key.replace(/[^A-Za-z0-9]/g, ''), String(value)] as const)
    .filter(([key]) => key !== '')
    .map(([key, value]) => `${key}=${escapeCefExtension(value)}`)
    .join(' ');
  return `${header.join('|')}|${severity}|${extensions}`;
}

/** Epoch milliseconds for CEF date fields; null when the time does not parse (the field is then left out). */
function epochMs(iso: string): number | null {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/**
 * The CEF fields of an issue. No `src`: CEF wants an IP address there, and Bulwark exports the actor
 * only as its keyed digest (`suid`), never the address. `request` is the method's target as the
 * inventory names it (host and path template), never the raw URL.
 */
export function issueCefEvent(doc: IssueDocument, deviceVersion: string): CefEvent {
  const i = doc.issue;
  const ext: Array<readonly [string, string | number]> = [];
  const push = (key: string, value: string | number | null) => {
    if (value !== null && value !== '') ext.push([key, value]);
  };
  push('rt', epochMs(i.lastSeen));
  push('start', epochMs(i.firstSeen));
  push('end', epochMs(i.lastSeen));
  push('cat', i.category);
  push('act', 'observed');
  push('cnt', i.count);
  push('externalId', i.id);
  push('requestMethod', i.method);
  push('request', `${i.host}${i.pathTemplate}`);
  push('dhost', i.host);
  push('suid', i.actor.id);
  push('cs1Label', 'caseRef');
  push('cs1', doc.case.ref);
  push('cs2Label', 'caseStatus');
  push('cs2', doc.case.status);
  push('cs3Label', 'owasp');
  push('cs3', i.owasp);
  push('cs4Label', 'actorKind');
  push('cs4', i.actor.kind);
  push('cs5Label', 'eventId');
  push('cs5', doc.event_id);
  push('cs6Label', 'caseId');
  push('cs6', doc.case.id);
  push('cfp1Label', 'confidence');
  push('cfp1', i.confidence);
  push('flexString1Label', 'cwe');
  push('flexString1', i.cwe);
  push('flexString2Label', 'mitre');
  push('flexString2', i.mitre);
  push('msg', i.evidence);
  return { deviceVersion, signatureId: i.detector, name: i.title, severity: CEF_SEVERITY[i.severity], extensions: ext };
}
