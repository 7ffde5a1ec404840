import type { Direction } from '../contracts/data-class.js';
import { recordHits } from './core.js';
import type { HitSet, RedactCore, Redaction } from './core.js';
import { credentialClassForQuery } from './names.js';

/** RFC 2046 allows 70 characters; anything much longer is not a boundary worth trusting. */
const MAX_BOUNDARY = 200;

function pointerToken(key: string): string {
  return key.includes('~') || key.includes('/') ? key.replaceAll('~', '~0').replaceAll('/', '~1') : key;
}

/**
 * The `boundary` parameter of a multipart content type, as written: boundaries are case-sensitive, so the
 * content type must not have been lower-cased. Null when there is none.
 *
 * @example
 * multipartBoundary('multipart/form-data; boundary="----x1"') // '----x1'
 */
export function multipartBoundary(contentType: string): string | null {
  const lower = contentType.toLowerCase();
  let at = lower.indexOf('boundary=');
  // Not `xboundary=`: the parameter starts after `;` or whitespace.
  while (at > 0 && lower.charCodeAt(at - 1) !== 59 && lower.charCodeAt(at - 1) !== 32 && lower.charCodeAt(at - 1) !== 9) {
    at = lower.indexOf('boundary=', at + 9);
  }
  if (at <= 0) return null;
  let v = contentType.slice(at + 9);
  if (v.startsWith('"')) {
    const end = v.indexOf('"', 1);
    v = end === -1 ? v.slice(1) : v.slice(1, end);
  } else {
    const semi = v.indexOf(';');
    v = (semi === -1 ? v : v.slice(0, semi)).trim();
  }
  return v.length > 0 && v.length <= MAX_BOUNDARY ? v : null;
}

/** Start and end of the `name` parameter's value in a part's headers (not `filename`), or null. */
function dispositionName(headers: string): { start: number; end: number; hasFile: boolean } | null {
  const lower = headers.toLowerCase();
  const cd = lower.indexOf('content-disposition:');
  if (cd === -1) return null;
  const lineEnd = lower.indexOf('\n', cd);
  const end = lineEnd === -1 ? lower.length : lineEnd;
  const hasFile = lower.slice(cd, end).includes('filename');
  let at = lower.indexOf('name=', cd);
  while (at !== -1 && at < end) {
    const prev = lower.charCodeAt(at - 1);
    if (prev === 59 || prev === 32 || prev === 9) {
      let start = at + 5;
      let stop: number;
      if (headers.charCodeAt(start) === 34) {
        start++;
        stop = headers.indexOf('"', start);
        if (stop === -1 || stop > end) stop = end;
      } else {
        stop = start;
        while (stop < end && headers.charCodeAt(stop) !== 59 && headers.charCodeAt(stop) > 32) stop++;
      }
      return { start, end: stop, hasFile };
    }
    at = lower.indexOf('name=', at + 5);
  }
  return null;
}

/**
 * `multipart/form-data` (and other multipart bodies), split at the boundary from the content type. A
 * form-data field is redacted like a form field: its `name` is the key (and is replaced itself when it is
 * data), its body the value. File parts, parts without a name and the part headers (a file name can hold an
 * email) are scanned as free text. Hits are named `/<field>`, or `` for unnamed parts. Returns null when
 * the boundary does not occur, so the caller scans the body as text instead.
 */
export function redactMultipartBody(
  core: RedactCore,
  hits: HitSet,
  direction: Direction,
  text: string,
  boundary: string,
): string | null {
  const delim = `--${boundary}`;
  let pos = text.indexOf(delim);
  if (pos === -1) return null;
  let changed = false;

  const free = (s: string, name: string): string => {
    if (s.length === 0) return s;
    const r = core.text(s);
    if (r === null) return s;
    changed = true;
    return recordHits(hits, r, direction, 'body', name);
  };

  const part = (raw: string): string => {
    let sep = raw.indexOf('\r\n\r\n');
    let sepLen = 4;
    if (sep === -1) {
      sep = raw.indexOf('\n\n');
      sepLen = 2;
    }
    if (sep === -1) return free(raw, '');
    const headers = raw.slice(0, sep);
    const bodyAll = raw.slice(sep + sepLen);
    // The line break before the next delimiter belongs to the delimiter.
    const trail = bodyAll.endsWith('\r\n') ? 2 : bodyAll.endsWith('\n') ? 1 : 0;
    const value = bodyAll.slice(0, bodyAll.length - trail);
    const tail = bodyAll.slice(bodyAll.length - trail);
    const disp = dispositionName(headers);
    if (disp === null || disp.end <= disp.start) return free(headers, '') + raw.slice(sep, sep + sepLen) + free(value, '') + tail;

    const name = headers.slice(disp.start, disp.end);
    const nr = core.key(name);
    const hitName = `/${pointerToken(nr === null ? name : nr.value)}`;
    if (nr !== null) {
      recordHits(hits, nr, direction, 'body', hitName);
      changed = true;
    }
    // The rest of the headers is scanned around the name, never over a placeholder.
    const headersOut = free(headers.slice(0, disp.start), hitName) + (nr === null ? name : nr.value) + free(headers.slice(disp.end), hitName);
    let out: string;
    if (disp.hasFile) {
      out = free(value, hitName);
    } else {
      const keyName = nr === null ? name : undefined;
      const forcedClass = keyName === undefined || value.length === 0 ? undefined : credentialClassForQuery(keyName, value);
      let r: Redaction | null = null;
      if (value.length > 0) r = forcedClass !== undefined ? core.forced(value, keyName, forcedClass) : core.scalar(value, keyName);
      if (r === null) out = value;
      else {
        out = recordHits(hits, r, direction, 'body', hitName);
        changed = true;
      }
    }
    return headersOut + raw.slice(sep, sep + sepLen) + out + tail;
  };

  let out = free(text.slice(0, pos), '');
  for (;;) {
    const after = pos + delim.length;
    if (text.startsWith('--', after)) {
      out += `${delim}--${free(text.slice(after + 2), '')}`;
      break;
    }
    const next = text.indexOf(delim, after);
    out += delim + part(text.slice(after, next === -1 ? text.length : next));
    if (next === -1) break;
    pos = next;
  }
  return changed ? out : text;
}
