import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../util/logger.js';

/**
 * One sink's delivery: a bounded in-memory queue and one worker that sends its items in order, retrying a
 * failure worth retrying with exponential backoff (bounded), and counting what was sent, what failed for
 * good and what was dropped. `push` never blocks and never throws: the ingestion pipeline calls it.
 *
 * Delivery is at most once: an item is sent until one try succeeds or the tries run out; nothing is
 * persisted, so a restart loses what was queued.
 *
 * @example
 * const q = createDeliveryQueue({ name: 'webhooks[0]', kind: 'webhook', capacity: 1000, maxRetries: 3,
 *   retryBackoffMs: 1000, target, logger, eventId: (doc) => doc.event_id });
 * q.push(doc); await q.flush(); q.stats(); // { sent: 1, failed: 0, dropped: 0, queued: 0, … }
 */

export type SinkKind = 'webhook' | 'syslog' | 'jsonl';

export interface SinkStats {
  name: string;
  kind: SinkKind;
  /** Items delivered (a webhook answered 2xx, a syslog message written to the socket, a line appended). */
  sent: number;
  /** Items given up on after their last try (or at once for a failure not worth retrying). */
  failed: number;
  /** Items thrown away unsent: the oldest when the queue was full, or what was left when `close` timed out. */
  dropped: number;
  /** Items waiting, plus the one being sent. */
  queued: number;
  /** Sends tried again after a failure (every try after the first). */
  retries: number;
}

/** A failure with a reason safe to log (no secret, no payload) and whether another try may succeed. */
export class SendError extends Error {
  constructor(
    readonly reason: string,
    readonly retryable: boolean,
  ) {
    super(reason);
    this.name = 'SendError';
  }
}

/** Any error as a `SendError`: node's errors keep only their code (their messages may carry paths or payloads). */
export function toSendError(err: unknown): SendError {
  if (err instanceof SendError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return new SendError(typeof code === 'string' ? code : 'error', true);
}

export interface DeliveryTarget<T> {
  /** Sends one item; throws (preferably a `SendError`) when it did not go out. */
  send(item: T): Promise<void>;
  /** Releases sockets and files; called once, after the queue is done. */
  close(): Promise<void>;
}

export interface DeliveryQueue<T> {
  push(item: T): void;
  /** Resolves when everything pushed so far was sent, failed or dropped. */
  flush(): Promise<void>;
  /** Stops taking items, sends what is queued for at most `timeoutMs` (the rest is dropped), then closes the target. */
  close(timeoutMs: number): Promise<void>;
  stats(): SinkStats;
}

export interface DeliveryQueueOptions<T> {
  name: string;
  kind: SinkKind;
  capacity: number;
  maxRetries: number;
  retryBackoffMs: number;
  target: DeliveryTarget<T>;
  logger: Logger;
  /** For logs: the item's event id (never its content). */
  eventId: (item: T) => string;
}

const MAX_BACKOFF_MS = 60_000;

/** 1, 10, 100, …: drops are logged at these counts, so a flood of drops is a handful of log lines. */
function isPowerOfTen(n: number): boolean {
  while (n >= 10 && n % 10 === 0) n /= 10;
  return n === 1;
}

export function createDeliveryQueue<T>(opts: DeliveryQueueOptions<T>): DeliveryQueue<T> {
  const { name, kind, logger, target } = opts;
  const queue: T[] = [];
  const counts = { sent: 0, failed: 0, dropped: 0, retries: 0 };
  let inFlight = 0;
  let running: Promise<void> | null = null;
  let closed = false;
  let closing: Promise<void> | null = null;
  /** Aborted when `close` runs out of time: backoff waits end, and no further try starts. */
  const giveUp = new AbortController();

  const drop = (n: number, why: string) => {
    for (let i = 0; i < n; i++) {
      counts.dropped += 1;
      if (isPowerOfTen(counts.dropped)) logger.warn({ sink: name, kind, dropped: counts.dropped, why }, 'issue export dropped unsent issues');
    }
  };

  async function deliver(item: T): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      let e: SendError;
      try {
        await target.send(item);
        counts.sent += 1;
        return;
      } catch (err) {
        e = toSendError(err);
      }
      const retry = e.retryable && attempt < opts.maxRetries && !giveUp.signal.aborted;
      if (retry) {
        const base = Math.min(opts.retryBackoffMs * 2 ** attempt, MAX_BACKOFF_MS);
        // Equal jitter: half fixed, half random, so sinks that failed together do not retry together.
        await sleep(base / 2 + Math.random() * (base / 2), undefined, { signal: giveUp.signal }).catch(() => undefined);
      }
      if (!retry || giveUp.signal.aborted) {
        counts.failed += 1;
        logger.warn({ sink: name, kind, eventId: opts.eventId(item), tries: attempt + 1, reason: e.reason }, 'issue export failed');
        return;
      }
      counts.retries += 1;
    }
  }

  async function drain(): Promise<void> {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      if (giveUp.signal.aborted) {
        drop(1, 'closed');
        continue;
      }
      inFlight = 1;
      try {
        await deliver(item);
      } catch {
        counts.failed += 1; // deliver catches send errors; this is a logger that threw
      } finally {
        inFlight = 0;
      }
    }
  }

  function kick(): void {
    if (running !== null) return;
    running = drain().finally(() => {
      running = null;
      if (queue.length > 0) kick();
    });
  }

  async function flush(): Promise<void> {
    while (running !== null) await running;
  }

  return {
    push(item) {
      if (closed) {
        drop(1, 'closed');
        return;
      }
      queue.push(item);
      if (queue.length > opts.capacity) {
        queue.shift();
        drop(1, 'queue full');
      }
      kick();
    },
    flush,
    close(timeoutMs) {
      closing ??= (async () => {
        closed = true;
        const deadline = new AbortController();
        const timer = sleep(timeoutMs, undefined, { signal: deadline.signal }).then(
          () => giveUp.abort(),
          () => undefined,
        );
        await flush();
        deadline.abort();
        await timer;
        await target.close().catch((err: unknown) => logger.warn({ sink: name, kind, reason: toSendError(err).reason }, 'issue export sink did not close cleanly'));
      })();
      return closing;
    },
    stats: () => ({ name, kind, ...counts, queued: queue.length + inFlight }),
  };
}
