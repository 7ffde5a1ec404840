import type { InspectedValue } from '../types.js';
import { CHAR, type PayloadDetector, type PayloadMatch } from './detector.js';

/**
 * Cookie injection as attackers practise it on APIs: a cookie whose value is a serialized object that the
 * server deserializes (Python pickle, Java serialization, PHP `unserialize`, .NET BinaryFormatter,
 * node-serialize, YAML with Python tags), usually base64-encoded, forged to carry a gadget that runs code
 * when loaded (`builtins.eval`, `os.system`, `Runtime.exec`). Signed session formats (JWT, Flask/Rails
 * sessions holding JSON) are not serialized objects and do not fire.
 */

const B64 = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;
/** Callables and classes that make a deserialized object run code (pickle, Java gadgets, PHP, Node). */
export const GADGET_MARKERS =
  /\b(?:builtins|__builtin__|posix|subprocess|commands|os\s{0,4}\n?\s{0,4}(?:system|popen)|nt\s{0,4}\n\s{0,4}system|exec|eval|__import__|__reduce__|getattr|popen|system|java\.lang\.Runtime|ProcessBuilder|InvokerTransformer|ChainedTransformer|TemplatesImpl|commons\.collections|ysoserial|ObjectDataProvider|Process\.Start|_\$\$ND_FUNC\$\$_|child_process|__destruct|__wakeup|Monolog|GuzzleHttp)\b/;
export const PHP_OBJECT = /(?:^|[;{])O:\d{1,4}:"[A-Za-z_\\][\w\\]{0,200}":\d{1,4}:\{/;
export const PHP_ARRAY = /^a:\d{1,4}:\{/;
export const PY_PROTOCOL0 = /^(?:\(dp\d|\(lp\d|c[a-z_][\w.]{0,60}\n[\w.]{1,60}\n|\(i[a-z_][\w.]{0,60}\n)/;

type Format = 'pickle' | 'java' | 'php-object' | 'php-array' | 'dotnet' | 'node' | 'yaml-python';

/** What serialization format `text` (decoded bytes as latin1) starts with, if any. */
export function serializedFormat(text: string): Format | null {
  const c0 = text.charCodeAt(0);
  const c1 = text.charCodeAt(1);
  if (c0 === 0x80 && c1 >= 2 && c1 <= 5) return 'pickle';
  if (PY_PROTOCOL0.test(text)) return 'pickle';
  if (c0 === 0xac && c1 === 0xed && text.charCodeAt(2) === 0 && text.charCodeAt(3) === 5) return 'java';
  if (c0 === 0 && c1 === 1 && text.charCodeAt(2) === 0 && text.charCodeAt(3) === 0 && text.charCodeAt(4) === 0 && text.charCodeAt(5) === 0xff) return 'dotnet';
  if (PHP_OBJECT.test(text)) return 'php-object';
  if (PHP_ARRAY.test(text)) return PHP_OBJECT.test(text.slice(0, 4096)) ? 'php-object' : 'php-array';
  if (text.indexOf('_$$ND_FUNC$$_') >= 0) return 'node';
  if (text.indexOf('!!python/') >= 0) return 'yaml-python';
  return null;
}

const BASE: Readonly<Record<Format, number>> = Object.freeze({
  pickle: 0.75, java: 0.75, 'php-object': 0.7, 'php-array': 0.3, dotnet: 0.75, node: 0.95, 'yaml-python': 0.9,
});
const LABEL: Readonly<Record<Format, string>> = Object.freeze({
  pickle: 'Python pickle', java: 'Java serialized object', 'php-object': 'PHP serialized object', 'php-array': 'PHP serialized array',
  dotnet: '.NET BinaryFormatter', node: 'node-serialize function', 'yaml-python': 'YAML python object',
});

/** Printable runs of the decoded bytes, for the evidence: `builtins eval (exec('''import os…`. */
function printable(text: string, max = 160): string {
  let out = '';
  let gap = false;
  for (let i = 0; i < text.length && out.length < max; i++) {
    const c = text.charCodeAt(i);
    if (c >= 32 && c < 127) {
      if (gap && out !== '') out += ' ';
      out += text[i];
      gap = false;
    } else {
      gap = true;
    }
  }
  return out;
}

function unquote(s: string): string {
  return s.length >= 2 && s.charCodeAt(0) === 34 && s.charCodeAt(s.length - 1) === 34 ? s.slice(1, -1) : s;
}

export const COOKIE_SERIALIZED_OBJECT: PayloadDetector = {
  id: 'cookie-serialized-object',
  title: 'Serialized object in a cookie',
  category: 'cookie-injection',
  severity: 'high',
  owasp: 'API8:2023',
  cwe: 'CWE-502',
  mitre: 'T1190',
  rationale:
    'Servers that keep state in a cookie as a serialized object (pickle, Java serialization, PHP `serialize`) deserialize whatever the client sends back. A forged cookie carrying a gadget (`builtins.eval`, `os.system`, commons-collections transformers) runs code on the server the moment it is read; even without a gadget, the client controls the object the server trusts.',
  remediation:
    'Never deserialize client-supplied data with native serializers: store state server-side and keep only a random session id in the cookie, or use a signed, data-only format (JSON in a signed or encrypted cookie, JWT with a fixed algorithm). Where legacy code must deserialize, verify an HMAC before loading and use allow-list deserialization filters (Java `ObjectInputFilter`).',
  gate: CHAR.LETTER | CHAR.DIGIT,
  locations: ['cookie'],
  detect(v: InspectedValue): PayloadMatch | null {
    if (v.location !== 'cookie') return null;
    const s = unquote(v.value);
    if (s.length < 8) return null;
    let text: string | null = null;
    let encoded = false;
    if (serializedFormat(s) !== null) {
      text = s;
    } else if (s.length >= 16 && B64.test(s)) {
      // Only the head decides the format; decode the rest only when it is one.
      const head = Buffer.from(s.slice(0, 64), 'base64').toString('latin1');
      if (serializedFormat(head) !== null || head.indexOf('_$$ND_FUNC') >= 0 || head.indexOf('!!python/') >= 0 || /^a:\d|^O:\d/.test(head)) {
        text = Buffer.from(s, 'base64').toString('latin1');
        encoded = true;
      }
    }
    if (text === null) return null;
    const format = serializedFormat(text);
    if (format === null) return null;
    const gadget = GADGET_MARKERS.exec(text);
    const c = gadget ? 0.95 : BASE[format];
    const shown = printable(text);
    return { confidence: c, fragment: `${LABEL[format]}${encoded ? ' (base64)' : ''}: ${shown}` };
  },
};
