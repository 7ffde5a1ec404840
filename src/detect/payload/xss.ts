import type { InspectedValue } from '../types.js';
import { CHAR, conf, isAsciiLetter, isSpaceChar, around, type PayloadDetector, type PayloadMatch } from './detector.js';

/**
 * Cross-site scripting: markup or script a browser would run if the value were echoed into a page. A small
 * tag scanner (no regex over the tag body) reads each `<tag …>`: script-capable tags, event-handler
 * attributes (`onerror=`, `onload=`), script URLs in `href`/`src`/`action`, and style expressions. Outside
 * tags it looks for attribute breakouts (`" onmouseover="…`), `javascript:` URLs and script sinks after a
 * string breakout (`';alert(1)//`). Entity- and percent-encoded variants are decoded before this runs.
 * Harmless formatting (`<b>`, `<p>`) in free text is reported at low confidence only.
 */

const SCRIPT_TAGS: Readonly<Record<string, number>> = Object.freeze({
  script: 0.95, iframe: 0.6, frame: 0.6, frameset: 0.6, object: 0.7, embed: 0.7, applet: 0.8, base: 0.6,
  meta: 0.45, link: 0.45, svg: 0.4, math: 0.4, form: 0.4, isindex: 0.7, xml: 0.4, style: 0.45, template: 0.4,
  portal: 0.6, xss: 0.8, vmlframe: 0.7, import: 0.6,
});
/** Frames and plugins are dangerous with a script or data URL; with an ordinary https URL they are embeds (a video). */
const EMBED_TAGS = new Set(['iframe', 'frame', 'frameset', 'object', 'embed']);
/** Formatting and structure tags: present in rich-text fields, dangerous only with handlers or script URLs. */
const COMMON_TAGS = new Set([
  'a', 'abbr', 'b', 'blockquote', 'br', 'code', 'div', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img',
  'li', 'ol', 'p', 'pre', 'small', 'span', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'u',
  'ul', 'body', 'html', 'head', 'title', 'input', 'button', 'select', 'option', 'textarea', 'video', 'audio',
  'source', 'details', 'summary', 'marquee', 'label', 'font', 'center', 'section', 'article', 'header', 'footer',
  'nav', 'main', 'figure', 'figcaption', 'picture', 'canvas', 'dialog', 'keygen', 'bgsound', 'image', 'animate', 'set',
  'h2', 'strike', 's', 'q', 'cite', 'dl', 'dt', 'dd', 'caption', 'col', 'colgroup', 'tfoot', 'map', 'area', 'track',
]);
const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'background', 'poster', 'lowsrc', 'dynsrc', 'codebase', 'srcdoc', 'content', 'to', 'from', 'values', 'by']);
const SCRIPT_SCHEMES = ['javascript:', 'vbscript:', 'livescript:', 'data:text/html', 'data:application/xhtml', 'data:image/svg'];

/** Attribute-breakout outside a tag: `" onfocus="`, `' autofocus onfocus=`. */
export const XSS_ATTR_BREAKOUT = /["'`][\s/]{0,8}(?:[a-z-]{1,20}\s{1,8}){0,3}(on[a-z]{3,30})\s{0,8}=/i;
/** A string or statement breakout in front of a sink: `';`, `"-`, `</script>`, `");`. */
export const XSS_BREAKOUT_BEFORE = /(?:['"`]\s{0,4}[;+\-*|&,)]|<\/script|\}\s{0,4};|^\s{0,4};)/i;
export const XSS_STYLE_EXPR = /expression\s{0,8}\(|url\s{0,8}\(\s{0,8}['"]?\s{0,8}(?:javascript|vbscript):|@import|-moz-binding|behavior\s{0,8}:/i;
/** Event names (after `on`) of handlers used in payloads; a prefix match, so `onmouseover` and `onanimationstart` count. */
const EVENTS = [
  'load', 'error', 'click', 'dblclick', 'auxclick', 'mouse', 'focus', 'blur', 'toggle', 'animation', 'transition', 'pointer',
  'key', 'change', 'input', 'submit', 'begin', 'end', 'start', 'scroll', 'wheel', 'drag', 'drop', 'copy', 'paste', 'cut',
  'resize', 'pageshow', 'pagehide', 'hashchange', 'message', 'popstate', 'beforeprint', 'afterprint', 'beforeunload', 'unload',
  'show', 'contextmenu', 'select', 'play', 'pause', 'canplay', 'timeupdate', 'volumechange', 'form', 'search', 'invalid',
  'reset', 'touch', 'abort', 'readystatechange', 'storage', 'durationchange', 'emptied', 'ended', 'loadeddata', 'progress',
  'ratechange', 'seek', 'stalled', 'suspend', 'waiting', 'fullscreen', 'webkit', 'repeat', 'finish', 'bounce', 'cuechange',
  'beforeinput', 'beforetoggle', 'content', 'focusin', 'focusout', 'securitypolicyviolation', 'slotchange', 'scrollend',
];
function isEventHandler(attr: string): boolean {
  const a = attr.toLowerCase();
  if (!a.startsWith('on')) return false;
  const ev = a.slice(2);
  return EVENTS.some((e) => ev.startsWith(e));
}

/** Script functions whose call is the classic proof of XSS (JavaScript is case-sensitive: `ALERT(1)` is not one). */
const SINK_CALLS = new Set(['alert', 'prompt', 'confirm', 'eval', 'setTimeout', 'setInterval', 'fetch', 'atob', 'fromCharCode', 'write', 'writeln', 'importScripts', 'Function']);
/** Properties that only script reads or writes. */
const SINK_PROPS = ['document.cookie', 'document.domain', 'document.write', 'document.location', 'window.location', 'location.href', 'location.hash', '.innerHTML', 'String.fromCharCode', 'window.name', 'localStorage.', 'XMLHttpRequest'];

/** The position of a script sink in `s` (a call of `SINK_CALLS` or a `SINK_PROPS` property), or -1. */
function sinkAt(s: string): { at: number; len: number } | null {
  let p = -1;
  for (let k = 0; k < 32; k++) {
    const paren = s.indexOf('(', p + 1);
    const tick = s.indexOf('`', p + 1);
    p = paren < 0 ? tick : tick < 0 ? paren : Math.min(paren, tick);
    if (p < 0) break;
    const e = p;
    let b = e;
    while (b > 0 && (isAsciiLetter(s.charCodeAt(b - 1)) || s.charCodeAt(b - 1) === 95)) b--;
    if (e > b && e - b <= 16 && SINK_CALLS.has(s.slice(b, e))) return { at: b, len: p + 1 - b };
  }
  if (s.indexOf('.') >= 0) {
    for (const prop of SINK_PROPS) {
      const at = s.indexOf(prop);
      if (at >= 0) return { at, len: prop.length };
    }
  }
  return null;
}

/** Where `javascript:`/`vbscript:` (any case, tabs and newlines inside tolerated) starts in `s`, or -1. */
function scriptSchemeAt(s: string): { at: number; end: number } | null {
  let colon = s.indexOf(':');
  for (let k = 0; colon >= 0 && k < 32; k++) {
    // Walk back over "script" and then "java"/"vb"/"live", skipping whitespace and control characters.
    let i = colon - 1;
    while (i >= 0 && s.charCodeAt(i) <= 32) i--;
    if (i < 0 || (s.charCodeAt(i) | 32) !== 116) {
      colon = s.indexOf(':', colon + 1);
      continue;
    }
    let word = '';
    while (i >= 0 && word.length < 10) {
      const c = s.charCodeAt(i);
      if (c <= 32) {
        i--;
        continue;
      }
      if (!isAsciiLetter(c)) break;
      word = String.fromCharCode(c | 32) + word;
      i--;
    }
    const len = word.endsWith('javascript') || word.endsWith('livescript') ? 10 : word.endsWith('vbscript') ? 8 : 0;
    // The scheme must start a word: "xjavascript:" is not one.
    if (len > 0 && word.length === len && !(i >= 0 && isAsciiLetter(s.charCodeAt(i)))) {
      const next = s.charCodeAt(colon + 1);
      if (!Number.isNaN(next) && !isSpaceChar(next)) return { at: Math.max(0, i + 1), end: colon + 1 };
    }
    colon = s.indexOf(':', colon + 1);
  }
  return null;
}

/** The text with whitespace and control characters removed, lower-cased: browsers ignore them inside `java\tscript:`. */
function squeeze(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 32) out += s[i]!.toLowerCase();
  }
  return out;
}

function scriptUrl(value: string): boolean {
  const v = squeeze(value.slice(0, 64)).replace(/^["'`]/, '');
  return SCRIPT_SCHEMES.some((p) => v.startsWith(p));
}

interface TagScan {
  confidence: number;
  start: number;
  end: number;
}

/** Read the tag at `lt` (`<` then a letter), return its danger. Attribute parsing is bounded to 1 KiB. */
function scanTag(s: string, lt: number): TagScan {
  const n = s.length;
  let i = lt + 1;
  while (i < n && (isAsciiLetter(s.charCodeAt(i)) || (s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) || s[i] === '-' || s[i] === ':')) i++;
  const name = s.slice(lt + 1, i).toLowerCase();
  const limit = Math.min(n, i + 1024);
  let best = SCRIPT_TAGS[name] ?? 0;
  let closed = false;
  let sawAttr = false;
  let httpsOnly = true;
  // Attributes: name [= value]. Separators a browser accepts: whitespace, `/`, and quotes ending a value.
  while (i < limit) {
    const c = s.charCodeAt(i);
    if (c === 62) {
      closed = true;
      i++;
      break;
    }
    if (c === 60) break;
    if (isSpaceChar(c) || c === 47 || c === 34 || c === 39) {
      i++;
      continue;
    }
    const an = i;
    while (i < limit) {
      const d = s.charCodeAt(i);
      if (isSpaceChar(d) || d === 61 || d === 62 || d === 47 || d === 60) break;
      i++;
    }
    const attr = s.slice(an, i).toLowerCase();
    sawAttr = true;
    while (i < limit && isSpaceChar(s.charCodeAt(i))) i++;
    let value = '';
    if (s.charCodeAt(i) === 61) {
      i++;
      while (i < limit && isSpaceChar(s.charCodeAt(i))) i++;
      const q = s.charCodeAt(i);
      if (q === 34 || q === 39 || q === 96) {
        const close = s.indexOf(String.fromCharCode(q), i + 1);
        const e = close < 0 || close > limit ? limit : close;
        value = s.slice(i + 1, e);
        i = e + 1;
      } else {
        const vs = i;
        while (i < limit && !isSpaceChar(s.charCodeAt(i)) && s.charCodeAt(i) !== 62) i++;
        value = s.slice(vs, i);
      }
      if (URL_ATTRS.has(attr) && !/^\s{0,4}https:\/\//i.test(value)) httpsOnly = false;
      if (attr.length > 4 && attr.startsWith('on')) best = Math.max(best, 0.95);
      else if (URL_ATTRS.has(attr) && scriptUrl(value)) best = Math.max(best, 0.95);
      else if (attr === 'style' && XSS_STYLE_EXPR.test(value)) best = Math.max(best, 0.85);
      else if (attr === 'srcdoc') best = Math.max(best, 0.85);
      else if (attr === 'http-equiv' && value.toLowerCase() === 'refresh') best = Math.max(best, 0.7);
    } else if (attr.length > 4 && attr.startsWith('on')) {
      best = Math.max(best, 0.6);
    }
  }
  if (SCRIPT_TAGS[name] !== undefined && (closed || sawAttr || i >= n)) best = Math.max(best, SCRIPT_TAGS[name]!);
  if (EMBED_TAGS.has(name) && best === SCRIPT_TAGS[name] && httpsOnly) best = 0.4;
  if (best === 0 && closed) best = COMMON_TAGS.has(name) ? 0.25 : 0.15;
  if (best > 0 && !closed && !sawAttr && SCRIPT_TAGS[name] === undefined) best *= 0.5;
  return { confidence: best, start: lt, end: i };
}

export const XSS_MARKUP: PayloadDetector = {
  id: 'xss-markup',
  title: 'Cross-site scripting payload',
  category: 'xss',
  severity: 'medium',
  owasp: 'API8:2023',
  cwe: 'CWE-79',
  mitre: 'T1189',
  rationale:
    'Script-capable markup, event handlers or `javascript:` URLs in a value run in the browser of whoever views a page that echoes it (reflected) or stores it (stored XSS): session theft, actions on behalf of the victim, credential phishing. APIs feed single-page apps, admin consoles and emails, which often render values without escaping.',
  remediation:
    'Encode output for its context (HTML, attribute, JavaScript, URL) in every client that renders API data; sanitise rich text with an allow-list sanitiser (DOMPurify); return JSON with `Content-Type: application/json` and `X-Content-Type-Options: nosniff`; set a Content-Security-Policy without `unsafe-inline`.',
  gate: CHAR.LT | CHAR.COLON | CHAR.PAREN | CHAR.BACKTICK | CHAR.EQ,
  detect(v: InspectedValue): PayloadMatch | null {
    const s = v.value;
    let best = 0;
    let start = 0;
    let end = 0;
    const take = (c: number, a: number, b: number) => {
      if (c > best) {
        best = c;
        start = a;
        end = b;
      }
    };
    let lt = s.indexOf('<');
    let tags = 0;
    while (lt >= 0 && tags < 64) {
      const c = s.charCodeAt(lt + 1);
      if (isAsciiLetter(c)) {
        tags++;
        const t = scanTag(s, lt);
        take(t.confidence, t.start, t.end);
        lt = s.indexOf('<', Math.max(t.end, lt + 1));
        continue;
      }
      if (c === 47 && s.slice(lt + 2, lt + 8).toLowerCase() === 'script') take(0.8, lt, lt + 9);
      lt = s.indexOf('<', lt + 1);
    }
    if (best >= 0.95) return { confidence: conf(best), fragment: s.slice(start, Math.min(end, start + 200)) };
    // Script URLs: as the whole value (a link field) or inside one. "JavaScript: The Good Parts" is prose.
    const sch = scriptSchemeAt(s);
    if (sch) take(sch.at === 0 ? 0.85 : 0.8, sch.at, sch.end + 40);
    if ((s.indexOf('"') >= 0 || s.indexOf("'") >= 0 || s.indexOf('`') >= 0) && s.indexOf('=') >= 0) {
      const ab = XSS_ATTR_BREAKOUT.exec(s);
      if (ab && isEventHandler(ab[1]!)) take(0.85, ab.index, ab.index + ab[0].length + 30);
    }
    const sink = sinkAt(s);
    if (sink) {
      // After a string or statement breakout it is an injection; alone, `alert(1)` is a probe and "confirm(yes)" prose.
      const before = s.slice(Math.max(0, sink.at - 12), sink.at);
      const arg = s.slice(sink.at + sink.len, sink.at + sink.len + 24);
      const c = XSS_BREAKOUT_BEFORE.test(before) ? 0.85 : /^(?:\d{1,6}|document\.|window\.|String\.fromCharCode|['"`]?xss)/i.test(arg) ? 0.65 : 0.45;
      take(c, Math.max(0, sink.at - 12), sink.at + sink.len + 20);
    }
    if (best === 0) return null;
    return { confidence: conf(best), fragment: around(s, start, Math.min(end, start + 160), 0) };
  },
};
