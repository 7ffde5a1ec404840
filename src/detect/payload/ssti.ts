import type { InspectedValue } from '../types.js';
import { CHAR, conf, type PayloadDetector, type PayloadMatch } from './detector.js';

/**
 * Server-side template injection: template syntax whose content is an expression, not a placeholder. The
 * detector finds template delimiters (`{{ }}`, `${ }`, `#{ }`, `*{ }`, `<%= %>`, `{% %}`, `[[ ]]`) and scores
 * what is inside: arithmetic probes (`{{7*7}}`, `${7*7}`), Python object walking (`__class__`, `__globals__`,
 * `__import__`), framework globals (`config`, `self`, `request.application`, `lipsum`), Java/EL reflection
 * (`T(java.lang.Runtime)`, `.getClass()`), and command execution reached from a template. A bare placeholder
 * (`Hello {{first_name}}`) is template text a user may legitimately send and scores low.
 */

/** Opening delimiters and their closers. `${jndi:` is Log4Shell's, `${IFS}` the shell's: not counted here. */
const DELIMITERS: ReadonlyArray<[string, string]> = [
  ['{{', '}}'], ['${', '}'], ['#{', '}'], ['*{', '}'], ['@{', '}'], ['<%=', '%>'], ['<%', '%>'], ['{%', '%}'], ['[[', ']]'], ['{php}', '{/php}'],
];
export const SSTI_ARITHMETIC = /^\s{0,8}['"]?\d{1,6}['"]?\s{0,8}[*+\-/%]\s{0,8}['"]?\d{1,6}['"]?\s{0,8}$/;
export const SSTI_DUNDER = /__(?:class|mro|subclasses|globals|builtins|import|init|base|bases|dict|getattribute|reduce|code|func_globals|self)__/i;
export const SSTI_FRAMEWORK = /^\s{0,8}(?:config|self|request|lipsum|cycler|joiner|namespace|url_for|get_flashed_messages|settings|app|application|session|g|range|dict|_self|this|constructor|smarty)\b(?:\s{0,4}[.|[(]|\s{0,8}$)/i;
export const SSTI_JAVA = /\bT\s{0,4}\(\s{0,4}java\.|java\.lang\.(?:Runtime|ProcessBuilder|System|Class)|\.getClass\s{0,4}\(|\.forName\s{0,4}\(|getRuntime\s{0,4}\(|freemarker\.template\.utility\.(?:Execute|ObjectConstructor)|\?new\s{0,4}\(|\.getDeclaredMethod|\.invoke\s{0,4}\(|javax\.script\.ScriptEngineManager|new\s{1,4}java\.|#_memberAccess|@java\.lang/;
export const SSTI_EXEC = /\b(?:popen|system|exec|eval|spawn|subprocess|os\.|child_process|require\s{0,4}\(|import\s{0,4}\(|process\.(?:mainModule|binding))/i;
/** `|attr(…)`: how Jinja payloads reach dunder attributes past filters; ordinary filters (`|join`, `|safe`) are template use. */
export const SSTI_FILTERS = /\|\s{0,4}attr\s{0,4}\(/i;
/** Directive syntaxes outside the braces: Velocity, FreeMarker, Smarty, ERB-like. */
export const SSTI_DIRECTIVE = /#set\s{0,4}\(\s{0,4}\$|#foreach\s{0,4}\(|\$class\.inspect|<#assign\b|<#import\b|\{\$smarty\.|\{system\s{0,4}\(|\{php\}/i;

interface Expr {
  open: string;
  inner: string;
  start: number;
  end: number;
}

/** Template expressions in `s`: at most 16, each at most 1 KiB. */
function expressions(s: string): Expr[] {
  const out: Expr[] = [];
  for (const [open, close] of DELIMITERS) {
    let at = s.indexOf(open);
    let guard = 0;
    while (at >= 0 && guard++ < 16 && out.length < 16) {
      const from = at + open.length;
      const end = s.indexOf(close, from);
      if (end < 0 || end - from > 1024) break;
      const inner = s.slice(from, end);
      if (!(open === '${' && /^\s{0,4}(?:jndi|ifs|lower|upper|env|sys|::-|date|java|main|ctx|base64|k8s|docker|web|spring|log4j|bundle|marker|sd|map|jvmrunargs|event)\b/i.test(inner))) {
        out.push({ open, inner, start: at, end: end + close.length });
      }
      at = s.indexOf(open, end + close.length);
    }
  }
  return out;
}

function scoreInner(e: Expr): number {
  const x = e.inner;
  if (x.trim() === '') return 0;
  if (SSTI_DUNDER.test(x)) return 0.95;
  if (SSTI_JAVA.test(x)) return 0.95;
  if (SSTI_EXEC.test(x) && /[.(]/.test(x)) return 0.9;
  if (SSTI_ARITHMETIC.test(x)) return e.open === '[[' || e.open === '@{' ? 0.6 : 0.9;
  if (SSTI_FILTERS.test(x)) return 0.8;
  if (SSTI_FRAMEWORK.test(x)) return e.open === '{{' || e.open === '{%' ? 0.8 : 0.55;
  // A placeholder: template text a user may type ("Hi {{name}}").
  return 0.2;
}

export const SSTI_EXPRESSION: PayloadDetector = {
  id: 'ssti-expression',
  title: 'Server-side template injection',
  category: 'ssti',
  severity: 'high',
  owasp: 'API8:2023',
  cwe: 'CWE-1336',
  mitre: 'T1190',
  rationale:
    'When a value is rendered as part of a template (Jinja2, Twig, Freemarker, Velocity, Thymeleaf, ERB, Spring EL), template expressions in it run on the server. `{{7*7}}` is how attackers find such endpoints; `{{config}}` leaks secrets; `__class__.__mro__` walks and `T(java.lang.Runtime)` reach arbitrary code execution.',
  remediation:
    'Never build templates from request data: pass values as template variables, not template source. Use sandboxed environments (Jinja2 `SandboxedEnvironment`) where users must author templates, and logic-less template engines for user content.',
  gate: CHAR.BRACE | CHAR.LT | CHAR.BRACKET | CHAR.HASH,
  detect(v: InspectedValue): PayloadMatch | null {
    const s = v.value;
    let best = 0;
    let frag = '';
    for (const e of expressions(s)) {
      const c = scoreInner(e);
      if (c > best) {
        best = c;
        frag = s.slice(e.start, Math.min(e.end, e.start + 200));
      }
    }
    if (best < 0.9) {
      const d = SSTI_DIRECTIVE.exec(s);
      if (d && 0.8 > best) {
        best = 0.8;
        frag = s.slice(d.index, d.index + 120);
      }
    }
    return best > 0 ? { confidence: conf(best), fragment: frag } : null;
  },
};
