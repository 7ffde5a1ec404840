import { Readable } from 'node:stream';
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

/**
 * The decompressed bytes of `source`: gzip is recognised by its magic bytes (not the file name), so a
 * `.gz` without the suffix, or a plain file named `.gz`, both work. Counts raw bytes for progress.
 */
export async function* decodedChunks(source: AsyncIterable<Buffer | string>, onRawBytes?: (n: number) => void): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]();
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
  const gunzip = createGunzip();
  const input = Readable.from(raw());
  input.on('error', (err) => gunzip.destroy(err));
  input.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (err) {
    input.destroy();
    if (err instanceof Error && 'code' in err && String((err as { code: unknown }).code).startsWith('Z_')) {
      throw new CompressedInputError('gzip data is truncated or corrupt');
    }
    throw err;
  }
}

function toBuf(v: Buffer | string): Buffer {
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}
