import { Readable } from 'node:stream';
import type { ApiEvent, Reject } from '../contracts/api-event.js';
import type { ReadResult } from './types.js';

export async function collect(results: AsyncIterable<ReadResult>): Promise<{ events: Array<{ event: ApiEvent; line?: number }>; rejects: Reject[] }> {
  const events: Array<{ event: ApiEvent; line?: number }> = [];
  const rejects: Reject[] = [];
  for await (const r of results) {
    if (r.kind === 'event') events.push(r.line === undefined ? { event: r.event } : { event: r.event, line: r.line });
    else rejects.push(r.reject);
  }
  return { events, rejects };
}

/** A stream that hands out `data` in chunks of `size` bytes, to exercise every chunk boundary. */
export function chunked(data: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) parts.push(data.subarray(i, i + size));
  return Readable.from(parts);
}
