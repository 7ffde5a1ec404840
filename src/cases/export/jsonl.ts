import { mkdir, open, rename, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { JsonlSinkConfig } from './config.js';
import type { DeliveryTarget } from './delivery.js';
import { toJsonLine, type IssueDocument } from './payload.js';

/**
 * Appends one JSON document a line to a file (mode 0600: issues describe attacks on your APIs). When the
 * next line would take the file past `maxBytes`, the file becomes `<path>.1` (replacing the previous one)
 * and a new file starts, so the disk holds at most about twice `maxBytes`. A single line larger than
 * `maxBytes` still goes out, alone in a fresh file.
 *
 * @example
 * const target = createJsonlTarget({ path: '/var/log/bulwark/issues.jsonl', maxBytes: 100 * 1024 * 1024, … });
 * await target.send(doc);
 */
export function createJsonlTarget(config: JsonlSinkConfig): DeliveryTarget<IssueDocument> {
  const file = path.resolve(config.path);
  let handle: FileHandle | null = null;
  let size = 0;

  async function ensureOpen(): Promise<FileHandle> {
    if (handle !== null) return handle;
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const h = await open(file, 'a', 0o600);
    size = (await h.stat()).size;
    handle = h;
    return h;
  }

  async function closeHandle(): Promise<void> {
    const h = handle;
    handle = null;
    await h?.close();
  }

  return {
    async send(doc) {
      const line = Buffer.from(toJsonLine(doc), 'utf8');
      try {
        let h = await ensureOpen();
        if (size > 0 && size + line.length > config.maxBytes) {
          await closeHandle();
          await rename(file, `${file}.1`);
          h = await ensureOpen();
        }
        await h.appendFile(line); // loops until every byte is written
        size += line.length;
      } catch (err) {
        // Start from a fresh open next time (the directory may have come back, the disk may have room again).
        await closeHandle().catch(() => undefined);
        throw err;
      }
    },
    close: closeHandle,
  };
}
