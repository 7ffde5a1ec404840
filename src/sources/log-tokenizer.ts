/**
 * Tokenizer for space-separated access-log lines (nginx, Envoy): bare words, "quoted strings" with
 * backslash escapes (nginx writes `"` as `\x22`), and [bracketed] times. A single left-to-right pass
 * with no backtracking, so its cost is linear in the line whatever an attacker puts in a header.
 */
export interface Token {
  kind: 'bare' | 'quoted' | 'bracket';
  text: string;
}

export function tokenizeLogLine(line: string, maxTokens = 64): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c === 0x20 || c === 0x09) {
      i++;
      continue;
    }
    if (tokens.length >= maxTokens) return undefined;
    if (c === 0x22) {
      let text = '';
      let j = i + 1;
      let seg = j;
      for (; j < n; j++) {
        const d = line.charCodeAt(j);
        if (d === 0x22) break;
        if (d === 0x5c && j + 1 < n) {
          text += line.slice(seg, j);
          const e = line.charCodeAt(j + 1);
          if (e === 0x78 && j + 3 < n) {
            const code = Number.parseInt(line.slice(j + 2, j + 4), 16);
            if (Number.isNaN(code)) {
              text += line.slice(j, j + 2);
              j += 1;
            } else {
              text += String.fromCharCode(code);
              j += 3;
            }
          } else {
            text += line[j + 1];
            j += 1;
          }
          seg = j + 1;
        }
      }
      if (j >= n) return undefined; // unterminated quote
      text += line.slice(seg, j);
      tokens.push({ kind: 'quoted', text });
      i = j + 1;
    } else if (c === 0x5b) {
      const close = line.indexOf(']', i + 1);
      if (close < 0) return undefined;
      tokens.push({ kind: 'bracket', text: line.slice(i + 1, close) });
      i = close + 1;
    } else {
      let j = i + 1;
      while (j < n && line.charCodeAt(j) !== 0x20 && line.charCodeAt(j) !== 0x09) j++;
      tokens.push({ kind: 'bare', text: line.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}
