import type { Direction } from '../contracts/data-class.js';
import { recordHits } from './core.js';
import type { HitSet, RedactCore, Redaction } from './core.js';
import { decodeFormComponent as decodeComponent, isWholePlaceholder } from './form-body.js';
import { credentialClassForQuery } from './names.js';

function isParamSeparator(c: number): boolean {
  return c === 63 || c === 35 || c === 38; // ? # &
}

/**
 * One URL: each query and fragment parameter is redacted with the rules of the request query (credential
 * names such as `code`, `access_token`, `X-Amz-Signature` go whatever their value; other values are
 * classified under their name; a name that is itself data is replaced), the password of a userinfo goes,
 * and the rest is scanned as text (an email in the path).
 */
function redactUrl(core: RedactCore, hits: HitSet, direction: Direction, header: string, url: string): string {
  let firstSep = -1;
  for (let i = 0; i < url.length; i++) {
    if (url.charCodeAt(i) === 63 || url.charCodeAt(i) === 35) {
      firstSep = i;
      break;
    }
  }
  const base = firstSep === -1 ? url : url.slice(0, firstSep);
  // `scheme://user:password@host`: the userinfo is handled on its own, so that the text scan below never
  // sees a placeholder (`[REDACTED:password:…]` reads like a `password:` pair).
  let head = '';
  let rest = base;
  const scheme = base.indexOf('://');
  if (scheme !== -1) {
    const authorityEnd = base.indexOf('/', scheme + 3);
    const at = base.lastIndexOf('@', authorityEnd === -1 ? base.length : authorityEnd);
    if (at > scheme + 3) {
      const userinfo = base.slice(scheme + 3, at);
      const colon = userinfo.indexOf(':');
      const user = colon === -1 ? userinfo : userinfo.slice(0, colon);
      const ur = user.length === 0 ? null : core.scalar(decodeComponent(user));
      head = base.slice(0, scheme + 3) + (ur === null ? user : recordHits(hits, ur, direction, 'header', header));
      if (colon !== -1) {
        const pw = decodeComponent(userinfo.slice(colon + 1));
        head += `:${pw.length === 0 ? '' : recordHits(hits, core.forced(pw, 'password', 'password'), direction, 'header', header)}`;
      }
      head += '@';
      rest = base.slice(at + 1);
    }
  }
  if (rest.length >= 12) {
    const r = core.text(rest);
    if (r !== null) rest = recordHits(hits, r, direction, 'header', header);
  }
  if (firstSep === -1) return head + rest;

  let out = head + rest;
  let i = firstSep;
  while (i < url.length) {
    // `url[i]` is a separator; the parameter runs to the next one.
    let end = i + 1;
    while (end < url.length && !isParamSeparator(url.charCodeAt(end))) end++;
    out += url[i]!;
    const param = url.slice(i + 1, end);
    out += param.length === 0 ? param : redactParam(core, hits, direction, header, param);
    i = end;
  }
  return out;
}

function redactParam(core: RedactCore, hits: HitSet, direction: Direction, header: string, param: string): string {
  const eq = param.indexOf('=');
  const rawName = eq === -1 ? param : param.slice(0, eq);
  const name = decodeComponent(rawName);
  const nr = core.key(name);
  const outName = nr === null ? rawName : recordHits(hits, nr, direction, 'header', header);
  if (eq === -1) return outName;
  const value = decodeComponent(param.slice(eq + 1));
  const keyName = nr === null ? name : undefined;
  let r: Redaction | null = null;
  if (value.length > 0) {
    const forcedClass = keyName === undefined ? undefined : credentialClassForQuery(keyName, value);
    r = forcedClass !== undefined ? core.forced(value, keyName, forcedClass) : core.scalar(value, keyName);
  }
  if (r === null) return `${outName}${param.slice(eq)}`;
  const redacted = recordHits(hits, r, direction, 'header', header);
  return `${outName}=${isWholePlaceholder(redacted) ? redacted : encodeURIComponent(redacted)}`;
}

/**
 * `Location`, `Content-Location`, `Referer` (one URL), `Link` (`<URL>; rel="next", <URL>; …`) and
 * `Refresh` (`5; url=URL`): the URLs in them are redacted like the request URL, hits named after the header.
 */
export function redactUrlHeader(core: RedactCore, hits: HitSet, direction: Direction, name: string, value: string): string {
  if (name === 'link') {
    let out = '';
    let pos = 0;
    for (;;) {
      const open = value.indexOf('<', pos);
      const close = open === -1 ? -1 : value.indexOf('>', open + 1);
      if (close === -1) break;
      out += value.slice(pos, open + 1) + redactUrl(core, hits, direction, name, value.slice(open + 1, close));
      pos = close;
    }
    const rest = value.slice(pos);
    const r = rest.length >= 12 ? core.text(rest) : null;
    return out + (r === null ? rest : recordHits(hits, r, direction, 'header', name));
  }
  if (name === 'refresh') {
    const at = value.toLowerCase().indexOf('url=');
    return at === -1 ? value : value.slice(0, at + 4) + redactUrl(core, hits, direction, name, value.slice(at + 4));
  }
  const lead = value.length - value.trimStart().length;
  return value.slice(0, lead) + redactUrl(core, hits, direction, name, value.slice(lead));
}
