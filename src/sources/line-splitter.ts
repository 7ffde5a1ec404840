/**
 * Split a byte stream into lines (LF or CRLF) with 1-based line numbers. Works on bytes, not strings,
 * so invalid UTF-8 is reported per line instead of being silently replaced by U+FFFD, and a line longer
 * than `maxLineBytes` is skipped (as a reject) without ever being held in memory whole.
 */
export type LineItem = { kind: 'line'; line: number; bytes: Buffer } | { kind: 'too-long'; line: number; bytes: number };

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
    for (let nl = chunk.indexOf(0x0a, start); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      lineNo++;
      const piece = chunk.subarray(start, nl);
      start = nl + 1;
      if (overflow) {
        batch.push({ kind: 'too-long', line: lineNo, bytes: overflowBytes + piece.length });
        overflow = false;
        overflowBytes = 0;
        continue;
      }
      let bytes: Buffer;
      if (pendingLen > 0) {
        pending.push(piece);
        bytes = Buffer.concat(pending, pendingLen + piece.length);
        pending = [];
        pendingLen = 0;
      } else {
        bytes = piece;
      }
      if (bytes.length > maxLineBytes) {
        batch.push({ kind: 'too-long', line: lineNo, bytes: bytes.length });
        continue;
      }
      if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
      batch.push({ kind: 'line', line: lineNo, bytes });
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
    let bytes = Buffer.concat(pending, pendingLen);
    if (bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    yield [{ kind: 'line', line: lineNo + 1, bytes }];
  }
}
