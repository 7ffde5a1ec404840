/**
 * The time, as a dependency: services that expire things take a `Clock` so that tests move time forward
 * instead of sleeping.
 *
 * @example
 * const clock = manualClock('2026-03-01T09:00:00.000Z');
 * clock.advance(31 * 60_000); // 31 minutes later, at once
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = Object.freeze({ now: () => new Date() });

export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(at: string | Date): void;
}

/** A clock that moves only when told to (tests, replays). */
export function manualClock(start: string | Date = '2026-01-01T00:00:00.000Z'): ManualClock {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    advance(ms) {
      t += ms;
    },
    set(at) {
      t = new Date(at).getTime();
    },
  };
}
