import { closeSync, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createGunzip, gunzipSync, constants as zc } from 'node:zlib';

export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Raised when a gzip stream is corrupt or truncated; readers turn it into a reject, never a crash. */
export class CompressedInputError extends Error {}

/**
 * Decompress the first bytes of a gzip file without needing the rest (for format detection).
 * Z_SYNC_FLUSH makes zlib return what it has instead of failing on the missing tail.
 */
export function peekGunzip(head: Uint8Array, maxOut = 64 * 1024): Buffer {
  try {
    return gunzipSync(head, { finishFlush: zc.Z_SYNC_FLUSH, maxOutputLength: Math.max(maxOut, 1024 * 1024) }).subarray(0, maxOut);
  } catch {
    return Buffer.alloc(0);
  }
}

/** Bytes per chunk a file is read in: about 150 demo events, processed as one batch. */
export const FILE_CHUNK_BYTES = 256 * 1024;

/**
 * A file's bytes in chunks of `chunkBytes` (the last one shorter), each in a buffer of its own: lines and
 * partial lines refer into the chunks, so none is ever reused. Read with `readSync` from one descriptor rather than
 * a read stream, whose every chunk is a round trip through the thread pool and the event loop: on one core that
 * costs about a tenth of what parsing the chunk's JSON does. Between chunks the generator waits for the event
 * loop's next turn, so timers, signals and sockets are served as often as they were with the stream.
 */
export async function* fileChunks(path: string, chunkBytes = FILE_CHUNK_BYTES): AsyncGenerator<Buffer> {
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const buf = Buffer.allocUnsafeSlow(chunkBytes);
      const n = readSync(fd, buf, 0, chunkBytes, null);
      if (n === 0) return;
      yield n === chunkBytes ? buf : buf.subarray(0, n);
      await nextTurn();
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The decompressed bytes of `source`: gzip is recognised by its magic bytes (not the file name), so a
 * `.gz` without the suffix, or a plain file named `.gz`, both work. Counts raw bytes for progress.
 */
export async function* decodedChunks(source: AsyncIterable<Buffer | string>, onRawBytes?: (n: number) => void): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]();
  let input: Readable | undefined;
  let gunzip: ReturnType<typeof createGunzip> | undefined;
  // A consumer that stops early (a break, a throw) must still close the source: the iterator is stepped by hand,
  // so its `return` is called here, or a file's descriptor stays open.
  try {
    let first = await it.next();
    while (!first.done && toBuf(first.value).length === 0) first = await it.next();
    if (first.done) return;
    const head = toBuf(first.value);
    onRawBytes?.(head.length);
    if (!isGzip(head)) {
      yield head;
      for (let r = await it.next(); !r.done; r = await it.next()) {
        const b = toBuf(r.value);
        onRawBytes?.(b.length);
        yield b;
      }
      return;
    }
    async function* raw(): AsyncGenerator<Buffer> {
      yield head;
      for (let r = await it.next(); !r.done; r = await it.next()) {
        const b = toBuf(r.value);
        onRawBytes?.(b.length);
        yield b;
      }
    }
    const unzip = (gunzip = createGunzip());
    input = Readable.from(raw());
    input.on('error', (err) => unzip.destroy(err));
    input.pipe(unzip);
    try {
      for await (const chunk of unzip) yield chunk as Buffer;
    } catch (err) {
      if (err instanceof Error && 'code' in err && String((err as { code: unknown }).code).startsWith('Z_')) {
        throw new CompressedInputError('gzip data is truncated or corrupt');
      }
      throw err;
    }
  } finally {
    input?.destroy();
    gunzip?.destroy();
    await it.return?.();
  }
}

function toBuf(v: Buffer | string): Buffer {
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}
