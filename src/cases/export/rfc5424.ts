import type { Severity } from '../../contracts/finding.js';
import type { IssueDocument } from './payload.js';
import { asciiJson, clip, truncateUtf8 } from './text.js';

/**
 * Syslog messages as RFC 5424 defines them, and how TCP frames them (RFC 6587): pure functions, so the
 * escaping of hostile values (titles, evidence and paths come from attacker traffic) is table-tested.
 *
 * @example
 * formatRfc5424({ facility: 20, severity: 3, timestamp: new Date('2026-03-01T09:00:00Z'), hostname: 'sensor-1',
 *   appName: 'bulwark', procId: '4242', msgId: 'issue', structuredData: [{ id: 'bulwark@32473', params: [['caseRef', 'C-7']] }], msg: 'hi' })
 * // '<163>1 2026-03-01T09:00:00.000Z sensor-1 bulwark 4242 issue [bulwark@32473 caseRef="C-7"] hi'
 */

export interface StructuredDataElement {
  /** SD-ID: `name@<private enterprise number>` for anything not registered with IANA. */
  id: string;
  params: ReadonlyArray<readonly [name: string, value: string]>;
}

export interface Rfc5424Message {
  /** 0 to 23. */
  facility: number;
  /** Syslog severity 0 (emergency) to 7 (debug). */
  severity: number;
  timestamp: Date;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  structuredData: readonly StructuredDataElement[];
  /** Empty for none. Sent as is (no BOM): callers that need exact bytes send ASCII, as `asciiJson` makes. */
  msg: string;
}

/** Issue severity to syslog severity: critical is `crit` (2), info is `informational` (6). */
export const SYSLOG_SEVERITY: Record<Severity, number> = { critical: 2, high: 3, medium: 4, low: 5, info: 6 };

/**
 * The SD-ID of Bulwark's structured data. 32473 is the private enterprise number IANA reserves for
 * documentation (RFC 5612): Bulwark has none of its own, and this one can never clash with a real vendor's.
 */
export const BULWARK_SD_ID = 'bulwark@32473';

/** Longest PARAM-VALUE, in characters, before escaping. */
const MAX_PARAM_CHARS = 256;

const NILVALUE = '-';

/** A header field: PRINTUSASCII only (anything else becomes `_`), bounded, `-` when empty. */
function headerField(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return clean === '' ? NILVALUE : clean;
}

/** SD-NAME: PRINTUSASCII except `=`, space, `]` and `"`, at most 32. */
function sdName(value: string): string {
  return value.replace(/[^\x21-\x7e]|[=\]"]/g, '_').slice(0, 32) || '_';
}

/**
 * PARAM-VALUE (§6.3.3): `"`, `\` and `]` escaped with a backslash. Control characters (newlines
 * included) become spaces: the RFC allows them, but many collectors split messages on them.
 */
export function escapeParamValue(value: string): string {
  return clip(value, MAX_PARAM_CHARS)
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/["\\\]]/g, (c) => '\\' + c);
}

function structuredData(elements: readonly StructuredDataElement[]): string {
  if (elements.length === 0) return NILVALUE;
  return elements
    .map((e) => `[${sdName(e.id)}${e.params.map(([name, value]) => ` ${sdName(name)}="${escapeParamValue(value)}"`).join('')}]`)
    .join('');
}

/**
 * One message, at most `maxBytes` of UTF-8 when given: the MSG is cut first (at a character boundary);
 * if the header and structured data alone are too long, the structured data goes (NILVALUE).
 */
export function formatRfc5424(m: Rfc5424Message, opts: { maxBytes?: number } = {}): string {
  const pri = Math.min(Math.max(Math.trunc(m.facility), 0), 23) * 8 + Math.min(Math.max(Math.trunc(m.severity), 0), 7);
  const timestamp = Number.isNaN(m.timestamp.getTime()) ? NILVALUE : m.timestamp.toISOString();
  const header = `<${pri}>1 ${timestamp} ${headerField(m.hostname, 255)} ${headerField(m.appName, 48)} ${headerField(m.procId, 128)} ${headerField(m.msgId, 32)}`;
  const sd = structuredData(m.structuredData);
  const full = m.msg === '' ? `${header} ${sd}` : `${header} ${sd} ${m.msg}`;
  const max = opts.maxBytes;
  if (max === undefined || Buffer.byteLength(full, 'utf8') <= max) return full;
  const withSd = `${header} ${sd} `;
  const prefix = Buffer.byteLength(withSd, 'utf8') < max ? withSd : `${header} ${NILVALUE} `;
  return truncateUtf8(prefix + m.msg, max).trimEnd();
}

/** TCP and TLS framing: octet counting (RFC 6587 §3.4.1, RFC 5425) or a trailing newline (§3.4.2). */
export function frameSyslog(message: string, framing: 'octet-counting' | 'newline'): Buffer {
  const body = Buffer.from(message, 'utf8');
  return framing === 'newline' ? Buffer.concat([body, Buffer.from('\n')]) : Buffer.concat([Buffer.from(`${body.length} `), body]);
}

/** Bulwark's structured data for an issue: what a SIEM filters on, without parsing the JSON message. */
export function issueStructuredData(doc: IssueDocument): StructuredDataElement {
  const i = doc.issue;
  return {
    id: BULWARK_SD_ID,
    params: [
      ['eventId', doc.event_id],
      ['issueId', i.id],
      ['caseId', doc.case.id],
      ['caseRef', doc.case.ref],
      ['detector', i.detector],
      ['category', i.category],
      ['severity', i.severity],
      ['owasp', i.owasp],
      ['cwe', i.cwe],
      ['actor', `${i.actor.kind}:${i.actor.id}`],
      ['host', i.host],
      ['method', i.method],
      ['path', i.pathTemplate],
      ['count', String(i.count)],
    ],
  };
}

/**
 * The RFC 5424 message body for an issue: the document as ASCII JSON when it fits in `maxBytes`, else a
 * short text line (severity, title, case) so that a too-small datagram still says what happened.
 */
export function issueSyslogMessage(
  doc: IssueDocument,
  header: Omit<Rfc5424Message, 'severity' | 'timestamp' | 'structuredData' | 'msg'>,
  maxBytes: number,
): string {
  const base: Omit<Rfc5424Message, 'msg'> = {
    ...header,
    severity: SYSLOG_SEVERITY[doc.issue.severity],
    timestamp: new Date(doc.issue.lastSeen),
    structuredData: [issueStructuredData(doc)],
  };
  const json = formatRfc5424({ ...base, msg: asciiJson(doc) });
  if (Buffer.byteLength(json, 'utf8') <= maxBytes) return json;
  const text = `${doc.issue.severity} ${clip(doc.issue.title, 200)} (case ${doc.case.ref}, event ${doc.event_id})`.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return formatRfc5424({ ...base, msg: text }, { maxBytes });
}
