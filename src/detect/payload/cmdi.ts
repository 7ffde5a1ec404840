import type { InspectedValue } from '../types.js';
import { CHAR, conf, isAsciiDigit, isAsciiLetter, isSpaceChar, type PayloadDetector, type PayloadMatch } from './detector.js';

/**
 * OS command injection: a value that ends the command an application builds (`;`, `|`, `||`, `&&`, `&`, a
 * newline) or substitutes into it (`$(…)`, backticks) and then names a command. The command word is read the
 * way a shell reads it: quotes and backslashes inside it are dropped (`c'a't`, `w\hoami`), `${IFS}` is a
 * space, a path prefix (`/bin/`, `C:\Windows\System32\`) is skipped. Commands that are also English words
 * (`id`, `type`, `more`, `sleep`) need shell-looking surroundings: the end of the value or an argument such
 * as `-la`, `/etc`, `5`. "Tom & Jerry", "salt; pepper" and "R&D | Sales" are not commands.
 */

/** Commands that are not words of any language: naming one after a separator is enough. */
const STRONG = new Set([
  'whoami', 'uname', 'ifconfig', 'ipconfig', 'netstat', 'wget', 'curl', 'ncat', 'netcat', 'zsh', 'ksh', 'csh',
  'tcsh', 'powershell', 'pwsh', 'cmd', 'certutil', 'bitsadmin', 'nslookup', 'systeminfo', 'tasklist', 'taskkill', 'chmod',
  'chown', 'busybox', 'telnet', 'nmap', 'mkfifo', 'tftp', 'xterm', 'xxd', 'sudo', 'useradd', 'usermod', 'crontab', 'wmic',
  'regsvr32', 'rundll32', 'mshta', 'cscript', 'wscript', 'icacls', 'schtasks', 'getent', 'lsb_release', 'hostnamectl',
  'nohup', 'socat', 'openssl', 'traceroute', 'tracert', 'printenv', 'uptime', 'dir',
]);
/**
 * Commands that are also words or names ("cat", "id", "Java", "echo"): they need a shell-looking argument
 * (`-la`, `/etc/passwd`, `5`), or, for the few that make sense alone, the end of the value in lower case
 * (`| id`; "Name | ID" is a table header).
 */
const WORD_COMMANDS = new Set([
  'cat', 'id', 'ls', 'rm', 'cp', 'mv', 'cd', 'ps', 'sh', 'nc', 'env', 'ping', 'dig', 'arp', 'tar', 'grep', 'awk', 'sed', 'host',
  'java', 'node', 'ruby', 'perl', 'php', 'python', 'python2', 'python3', 'bash', 'gzip', 'base64', 'echo', 'type', 'sleep', 'set', 'net', 'find',
  'more', 'less', 'head', 'tail', 'kill', 'touch', 'who', 'date', 'time', 'hostname', 'export', 'print', 'start', 'call',
  'copy', 'del', 'erase', 'move', 'ren', 'shutdown', 'reboot', 'exit', 'timeout', 'whois', 'w', 'last', 'mail', 'expr',
  'eval', 'exec', 'source', 'history', 'xargs', 'sort', 'ftp', 'ssh', 'su', 'passwd', 'route', 'mount', 'df', 'du', 'free',
  'top', 'file', 'which', 'whereis', 'locate', 'od', 'strings', 'ver', 'pwd', 'reg', 'netsh', 'systemctl', 'service',
]);
/** Word commands that do something useful with no argument at all. */
const STANDALONE = new Set(['id', 'ls', 'pwd', 'ps', 'env', 'ver', 'w', 'who', 'set', 'hostname', 'date', 'history', 'df', 'free', 'top']);

/** Signatures that are command injection wherever they appear. */
export const CMDI_SIGNATURES =
  /\(\)\s{0,4}\{\s{0,4}[:;]|\s-e\s{1,4}(?:\/bin\/(?:ba|z|da|k)?sh|cmd(?:\.exe)?)\b|\/dev\/(?:tcp|udp)\/|\bbash\s{1,4}-i\b|\bnc(?:at)?\s{1,4}-[a-z]{0,4}e\s|\bmkfifo\s{1,4}\/tmp|\/bin\/(?:ba|z|k|da)?sh\s{1,4}-c\b|\bcmd(?:\.exe)?\s{1,4}\/[ck]\s|\bpowershell(?:\.exe)?\s{1,4}-(?:e|ec|enc|encodedcommand|c|command|nop|noni|w|windowstyle)\b|\biex\s{0,4}\(\s{0,4}new-object|\binvoke-expression\b|\b(?:wget|curl)\s[^|;&]{1,200}\|\s{0,4}(?:ba|z|da)?sh\b|\$\{IFS\}|\b(?:os\.system|os\.popen|subprocess\.(?:call|run|popen|check_output)|runtime\.getruntime\(\)\.exec|processbuilder|child_process|__import__\s{0,4}\(\s{0,4}['"]os['"])/i;
/** Server-side includes: `<!--#exec cmd="ls" -->`, `<!--#include file="…" -->`. */
export const SSI_DIRECTIVE = /<!--\s{0,8}#\s{0,4}(exec|include|echo|config|fsize|flastmod|printenv|set|if|elif)\b/i;

interface Cmd {
  word: string;
  start: number;
  end: number;
}

function isCommandChar(c: number): boolean {
  return isAsciiLetter(c) || isAsciiDigit(c) || c === 95 || c === 46 || c === 45 || c === 58 || c === 39 || c === 34 || c === 92 || c === 47;
}

/** Read the command word at `i` the way a shell would, skipping quotes, backslashes, `${IFS}` and path prefixes. */
function commandAt(s: string, i: number): Cmd | null {
  const n = s.length;
  let j = i;
  while (j < n && (isSpaceChar(s.charCodeAt(j)) || s.charCodeAt(j) === 123 || s.charCodeAt(j) === 40)) j++;
  if (s.startsWith('${IFS}', j)) j += 6;
  const start = j;
  while (j < n && j - start < 80 && isCommandChar(s.charCodeAt(j))) j++;
  if (j === start) return null;
  let span = s.slice(start, j);
  let obfuscated = false;
  if (span.indexOf("'") >= 0 || span.indexOf('"') >= 0) {
    // Quote obfuscation inside a word: c'a't, "i"d.
    span = span.replaceAll("'", '').replaceAll('"', '');
    obfuscated = true;
  }
  let word = span.slice(span.lastIndexOf('/') + 1).toLowerCase();
  if (word.indexOf('\\') >= 0) {
    // w\hoami is whoami to a shell; C:\Windows\System32\cmd.exe is cmd.exe.
    const joined = word.replaceAll('\\', '');
    word = STRONG.has(joined) || WORD_COMMANDS.has(joined) ? joined : word.slice(word.lastIndexOf('\\') + 1);
    obfuscated = true;
  }
  if (word.endsWith('.exe') || word.endsWith('.com')) word = word.slice(0, -4);
  if (word === '' || (!obfuscated && word.length > 20)) return null;
  return { word, start, end: j };
}

/** What follows a command word: nothing (`end`), something a shell argument looks like (`arg`), or prose. */
function argumentAfter(s: string, end: number): 'end' | 'arg' | 'none' {
  let j = end;
  while (j < s.length && (s[j] === ' ' || s[j] === '\t')) j++;
  if (j >= s.length) return 'end';
  const c = s[j]!;
  if ('-/\\~.$><`\'"%'.indexOf(c) >= 0) return 'arg';
  if (isAsciiDigit(s.charCodeAt(j))) return 'arg';
  // C:\
  if (isAsciiLetter(s.charCodeAt(j)) && s[j + 1] === ':' && s[j + 2] === '\\') return 'arg';
  return 'none';
}

interface Hit {
  confidence: number;
  start: number;
  end: number;
}

/** Separators after which a shell starts a new command, with how strongly each says "shell". */
function separatorAt(s: string, i: number): { len: number; strong: boolean } | null {
  const c = s.charCodeAt(i);
  const d = s.charCodeAt(i + 1);
  switch (c) {
    case 59: // ;
      return SEP_STRONG_1;
    case 10:
    case 13:
      return SEP_WEAK_1;
    case 124: // |
      return d === 124 ? SEP_STRONG_2 : SEP_WEAK_1;
    case 38: // &
      return d === 38 ? SEP_STRONG_2 : SEP_WEAK_1;
    case 36: // $(
      return d === 40 ? SEP_STRONG_2 : null;
    case 96: // `
      return SEP_STRONG_1;
    default:
      return null;
  }
}
const SEP_STRONG_1 = Object.freeze({ len: 1, strong: true });
const SEP_STRONG_2 = Object.freeze({ len: 2, strong: true });
const SEP_WEAK_1 = Object.freeze({ len: 1, strong: false });

/** Many words and few symbols: free text, where backticks are code spans and newlines are line breaks. */
function looksLikeProse(s: string): boolean {
  if (s.length < 60) return false;
  let spaces = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 32) spaces++;
  return spaces >= 8 && spaces * 12 >= s.length;
}

export function analyseCommand(s: string): Hit | null {
  let best: Hit | null = null;
  const sig = CMDI_SIGNATURES.exec(s);
  if (sig) best = { confidence: 0.9, start: sig.index, end: sig.index + sig[0].length + 40 };
  let seps = 0;
  let prose: boolean | undefined;
  for (let i = 0; i < s.length && seps < 64; i++) {
    const sep = separatorAt(s, i);
    if (sep === null) continue;
    seps++;
    const cmd = commandAt(s, i + sep.len);
    // `&cmd=login` is a query parameter named like a command, not a command.
    if (cmd === null || s.charCodeAt(cmd.end) === 61) continue;
    const strong = STRONG.has(cmd.word);
    if (!strong && !WORD_COMMANDS.has(cmd.word)) continue;
    const arg = argumentAfter(s, cmd.end);
    // Linux commands are lower case; `ID` or `Cat` after a `|` is a word.
    const lower = s.slice(cmd.start, cmd.end).toLowerCase() === s.slice(cmd.start, cmd.end);
    const alone = arg === 'end' && STANDALONE.has(cmd.word) && lower;
    let c = 0;
    if (sep.strong) c = strong || arg === 'arg' ? 0.9 : alone ? 0.85 : arg === 'end' ? 0.5 : 0;
    else if (strong) c = 0.8;
    else if (arg === 'arg') c = 0.75;
    else if (alone && s[i] !== '&') c = 0.7;
    if (c === 0) continue;
    prose ??= looksLikeProse(s);
    // Markdown code spans (`ls -la`) and line breaks in free text are documentation, not injection.
    if (prose && (s[i] === '`' || !sep.strong)) c *= 0.5;
    if (best === null || c > best.confidence) best = { confidence: c, start: i, end: Math.min(s.length, cmd.end + 40) };
  }
  return best;
}

export const CMDI_SHELL_SYNTAX: PayloadDetector = {
  id: 'cmdi-shell-syntax',
  title: 'OS command injection',
  category: 'command-injection',
  severity: 'critical',
  owasp: 'API8:2023',
  cwe: 'CWE-78',
  mitre: 'T1059',
  rationale:
    'A value that ends a shell command and starts another (`; cat /etc/passwd`, `| id`, `$(whoami)`, `& dir`) runs arbitrary commands with the privileges of the application if the endpoint passes it to a shell (image converters, ping or DNS tools, PDF renderers, backup scripts). It is the shortest path from one request to full control of the server.',
  remediation:
    'Do not call a shell with request data: use the language\'s process API with an argument array (`execFile`, `subprocess.run([...], shell=False)`), or a library instead of a command. Where a command is unavoidable, allow-list the values (e.g. a host name pattern) and pass them after `--`. Run the service with least privilege and no outbound network access it does not need.',
  gate: CHAR.SEMI | CHAR.PIPE | CHAR.AMP | CHAR.NEWLINE | CHAR.BACKTICK | CHAR.DOLLAR | CHAR.SLASH | CHAR.PAREN,
  detect(v: InspectedValue): PayloadMatch | null {
    const hit = analyseCommand(v.value);
    if (hit === null) return null;
    return { confidence: conf(hit.confidence), fragment: v.value.slice(hit.start, hit.end) };
  },
};

export const CMDI_SSI_DIRECTIVE: PayloadDetector = {
  id: 'cmdi-ssi-directive',
  title: 'Server-side include injection',
  category: 'command-injection',
  severity: 'high',
  owasp: 'API8:2023',
  cwe: 'CWE-97',
  mitre: 'T1059',
  rationale:
    'Server-side include directives (`<!--#exec cmd="…" -->`, `<!--#include file="…" -->`) are executed by web servers with SSI enabled (Apache mod_include, IIS, some embedded servers) when the value is written into a page they serve: commands run, local files are disclosed. Probes for them are part of every web scanner\'s run.',
  remediation:
    'Disable server-side includes where they are not needed (`Options -Includes`, IIS: remove the SSI handler), never write request data into `.shtml`/`.stm` pages, and HTML-encode output so `<!--#` is inert.',
  gate: CHAR.LT,
  detect(v: InspectedValue): PayloadMatch | null {
    const m = SSI_DIRECTIVE.exec(v.value);
    if (m === null) return null;
    const kind = m[1]!.toLowerCase();
    const c = kind === 'exec' ? 0.95 : kind === 'include' ? 0.9 : 0.8;
    return { confidence: c, fragment: v.value.slice(m.index, m.index + 120) };
  },
};
