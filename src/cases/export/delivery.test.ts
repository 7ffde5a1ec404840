import { describe, expect, it } from 'vitest';
import { createDeliveryQueue, SendError, type DeliveryTarget } from './delivery.js';
import { captureLogger } from './fixtures/readers.js';

interface FakeTarget extends DeliveryTarget<string> {
  tries: string[];
  closed: boolean;
}

/** A target that answers each try with the next outcome (`ok` once they run out). */
function fakeTarget(outcomes: Array<'ok' | 'retryable' | 'permanent'> = []): FakeTarget {
  const t: FakeTarget = {
    tries: [],
    closed: false,
    async send(item) {
      t.tries.push(item);
      const outcome = outcomes.shift() ?? 'ok';
      if (outcome === 'retryable') throw new SendError('HTTP 503', true);
      if (outcome === 'permanent') throw new SendError('HTTP 400', false);
    },
    async close() {
      t.closed = true;
    },
  };
  return t;
}

function queueFor(target: DeliveryTarget<string>, over: { capacity?: number; maxRetries?: number; retryBackoffMs?: number } = {}) {
  const { logger, lines } = captureLogger();
  const q = createDeliveryQueue({ name: 'test-sink', kind: 'webhook', capacity: 100, maxRetries: 3, retryBackoffMs: 1, target, logger, eventId: (s) => `evt-${s}`, ...over });
  return { q, lines };
}

describe('createDeliveryQueue', () => {
  it('sends in order and counts', async () => {
    const target = fakeTarget();
    const { q } = queueFor(target);
    for (const s of ['a', 'b', 'c']) q.push(s);
    await q.flush();
    expect(target.tries).toEqual(['a', 'b', 'c']);
    expect(q.stats()).toEqual({ name: 'test-sink', kind: 'webhook', sent: 3, failed: 0, dropped: 0, queued: 0, retries: 0 });
  });

  it('retries a retryable failure and then succeeds', async () => {
    const target = fakeTarget(['retryable', 'retryable', 'ok']);
    const { q } = queueFor(target);
    q.push('a');
    await q.flush();
    expect(target.tries).toEqual(['a', 'a', 'a']);
    expect(q.stats()).toMatchObject({ sent: 1, failed: 0, retries: 2 });
  });

  it('gives up after maxRetries retries, logs the event id and the reason, and goes on with the next item', async () => {
    const target = fakeTarget(['retryable', 'retryable', 'retryable', 'ok']);
    const { q, lines } = queueFor(target, { maxRetries: 2 });
    q.push('a');
    q.push('b');
    await q.flush();
    expect(target.tries).toEqual(['a', 'a', 'a', 'b']);
    expect(q.stats()).toMatchObject({ sent: 1, failed: 1, retries: 2 });
    const failure = JSON.parse(lines.find((l) => l.includes('issue export failed')) ?? '{}');
    expect(failure).toMatchObject({ sink: 'test-sink', eventId: 'evt-a', tries: 3, reason: 'HTTP 503' });
  });

  it('does not retry a failure that is not worth it', async () => {
    const target = fakeTarget(['permanent']);
    const { q } = queueFor(target);
    q.push('a');
    await q.flush();
    expect(target.tries).toEqual(['a']);
    expect(q.stats()).toMatchObject({ sent: 0, failed: 1, retries: 0 });
  });

  it('keeps at most `capacity` waiting: the oldest is dropped and counted, and drops are logged sparingly', async () => {
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const sent: string[] = [];
    const target: DeliveryTarget<string> = {
      async send(item) {
        await gate;
        sent.push(item);
      },
      async close() {},
    };
    const { q, lines } = queueFor(target, { capacity: 3 });
    for (let i = 0; i < 25; i++) q.push(String(i));
    // '0' is being sent, '22'..'24' wait; '1'..'21' were dropped.
    expect(q.stats()).toMatchObject({ queued: 4, dropped: 21, sent: 0 });
    release();
    await q.flush();
    expect(sent).toEqual(['0', '22', '23', '24']);
    expect(q.stats()).toMatchObject({ queued: 0, dropped: 21, sent: 4 });
    expect(lines.filter((l) => l.includes('dropped unsent')).map((l) => JSON.parse(l).dropped)).toEqual([1, 10]);
  });

  it('close sends what is queued, closes the target, and then drops what is pushed', async () => {
    const target = fakeTarget();
    const { q } = queueFor(target);
    q.push('a');
    q.push('b');
    await q.close(10_000);
    expect(target.tries).toEqual(['a', 'b']);
    expect(target.closed).toBe(true);
    q.push('late');
    expect(q.stats()).toMatchObject({ sent: 2, dropped: 1, queued: 0 });
  });

  it('close gives up at its deadline: a retry wait ends, what is left is dropped', async () => {
    const target = fakeTarget(Array(10).fill('retryable'));
    const { q } = queueFor(target, { maxRetries: 10, retryBackoffMs: 60_000 });
    q.push('a');
    q.push('b');
    await q.close(20);
    expect(target.tries).toEqual(['a']);
    expect(q.stats()).toMatchObject({ sent: 0, failed: 1, dropped: 1, queued: 0 });
    expect(target.closed).toBe(true);
  });
});
