import { isUtf8 } from 'node:buffer';

/**
 * Split a byte stream into lines (LF or CRLF) with 1-based line numbers. Works on bytes, not strings,
 * so invalid UTF-8 is reported per line instead of being silently replaced by U+FFFD, and a line longer
 * than `maxLineBytes` is skipped (as a reject) without ever being held in memory whole.
 *
 * A line is a byte range of a buffer (`buf[start, end)`, CR removed), not a buffer of its own: a view per line
 * costs an allocation on the hot path. `utf8` is true when the range is known to be valid UTF-8: the lines
 * of a chunk are validated together, in one native call, and only a chunk that fails is checked line by line.
 */
export type LineItem = { kind: 'line'; line: number; buf: Buffer; start: number; end: number; utf8: boolean } | { kind: 'too-long'; line: number; bytes: number };

/** Whether a line is valid UTF-8 (checked now unless its chunk was found valid as a whole). */
export function lineIsUtf8(item: Extract<LineItem, { kind: 'line' }>): boolean {
  return item.utf8 || isUtf8(item.buf.subarray(item.start, item.end));
}

function lineOf(line: number, buf: Buffer, start: number, end: number, utf8: boolean): LineItem {
  // CRLF: the CR belongs to the line break.
  if (end > start && buf[end - 1] === 0x0d) end--;
  return { kind: 'line', line, buf, start, end, utf8 };
}

/** Yields the lines of each chunk as one batch: one await per chunk, not per line, on the hot path. */
export async function* splitLines(chunks: AsyncIterable<Buffer>, maxLineBytes: number): AsyncGenerator<LineItem[]> {
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let overflow = false;
  let overflowBytes = 0;
  let lineNo = 0;
  for await (const chunk of chunks) {
    const batch: LineItem[] = [];
    let start = 0;
    // The chunk's own lines (those that start in it) run from the first line start to the last newline.
    let ownFrom = -1;
    let ownTo = -1;
    for (let nl = chunk.indexOf(0x0a, start); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      lineNo++;
      const from = start;
      start = nl + 1;
      if (overflow) {
        batch.push({ kind: 'too-long', line: lineNo, bytes: overflowBytes + nl - from });
        overflow = false;
        overflowBytes = 0;
        continue;
      }
      if (pendingLen > 0) {
        // A line that began in an earlier chunk: its bytes are joined, and it is validated on its own.
        pending.push(chunk.subarray(from, nl));
        const joined = Buffer.concat(pending, pendingLen + nl - from);
        pending = [];
        pendingLen = 0;
        batch.push(joined.length > maxLineBytes ? { kind: 'too-long', line: lineNo, bytes: joined.length } : lineOf(lineNo, joined, 0, joined.length, false));
        continue;
      }
      if (nl - from > maxLineBytes) {
        batch.push({ kind: 'too-long', line: lineNo, bytes: nl - from });
        continue;
      }
      if (ownFrom < 0) ownFrom = from;
      ownTo = nl;
      batch.push(lineOf(lineNo, chunk, from, nl, false));
    }
    if (ownFrom >= 0 && isUtf8(chunk.subarray(ownFrom, ownTo))) {
      // Newlines never occur inside a multi-byte character, so every line of a valid range is valid.
      for (let i = 0; i < batch.length; i++) {
        const item = batch[i]!;
        if (item.kind === 'line' && item.buf === chunk) item.utf8 = true;
      }
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      if (overflow) {
        overflowBytes += rest.length;
      } else if (pendingLen + rest.length > maxLineBytes) {
        overflow = true;
        overflowBytes = pendingLen + rest.length;
        pending = [];
        pendingLen = 0;
      } else {
        // Copy: the stream may reuse the chunk's memory.
        pending.push(Buffer.from(rest));
        pendingLen += rest.length;
      }
    }
    if (batch.length) yield batch;
  }
  if (overflow) {
    yield [{ kind: 'too-long', line: lineNo + 1, bytes: overflowBytes }];
  } else if (pendingLen > 0) {
    const bytes = Buffer.concat(pending, pendingLen);
    yield [lineOf(lineNo + 1, bytes, 0, bytes.length, false)];
  }
}
