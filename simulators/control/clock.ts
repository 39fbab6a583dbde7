/** The only time source of the simulators, so tests can move time instead of waiting for it. */
export interface SimClock {
  now(): number;
  /** Runs `fn` once after `ms`; returns a function that cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

export const systemClock: SimClock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const handle = setTimeout(fn, ms);
    // A pending simulator timer must never keep a process (or a test worker) alive.
    const unrefable = handle as unknown as { unref?: () => void };
    unrefable.unref?.();
    return () => clearTimeout(handle);
  },
};

interface PendingTimer {
  dueMs: number;
  order: number;
  fn: () => void;
}

/** A clock that only moves when told to; due timers run in time order. */
export class VirtualClock implements SimClock {
  #nowMs: number;
  #timers = new Set<PendingTimer>();
  #created = 0;

  constructor(startMs = Date.parse("2026-01-05T18:00:00Z")) {
    this.#nowMs = startMs;
  }

  now(): number {
    return this.#nowMs;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer: PendingTimer = {
      dueMs: this.#nowMs + Math.max(0, ms),
      order: this.#created++,
      fn,
    };
    this.#timers.add(timer);
    return () => {
      this.#timers.delete(timer);
    };
  }

  pendingTimers(): number {
    return this.#timers.size;
  }

  /** Moves time forward, running every timer that falls due (also ones scheduled meanwhile). */
  async advance(ms: number): Promise<void> {
    const targetMs = this.#nowMs + ms;
    for (let timer = this.#nextDue(targetMs); timer; timer = this.#nextDue(targetMs)) {
      this.#timers.delete(timer);
      this.#nowMs = timer.dueMs;
      timer.fn();
      // A microtask turn, so promise chains the timer started move on before the next timer
      // (a macrotask per timer would make a simulated day of frequent timers take minutes).
      await Promise.resolve();
    }
    this.#nowMs = targetMs;
  }

  #nextDue(targetMs: number): PendingTimer | undefined {
    let next: PendingTimer | undefined;
    for (const timer of this.#timers) {
      if (timer.dueMs > targetMs) continue;
      if (
        !next ||
        timer.dueMs < next.dueMs ||
        (timer.dueMs === next.dueMs && timer.order < next.order)
      ) {
        next = timer;
      }
    }
    return next;
  }
}
