import type { SimClock } from "../control/clock.ts";

/** How often the garbage collector runs, and how long a queued deletion waits for it. */
export const GARBAGE_COLLECTION_INTERVAL_MS = 10 * 60_000;
export const DELETION_GRACE_MS = 10 * 60_000;

/** Test and video-kiosk rooms are permanent: the collector leaves them alone. */
const PERMANENT_ROOM = /^(test_|vkiosk_)/;

/**
 * Rooms MaxConf was asked to delete but could not (Pexip failed): the garbage collector deletes
 * them once they have waited out the grace period.
 */
export class DeletionQueue {
  readonly #queuedAtMs = new Map<string, number>();
  readonly #clock: SimClock;

  constructor(clock: SimClock) {
    this.#clock = clock;
  }

  /** Keeps the first queuing time when a room is queued again. */
  add(name: string): void {
    if (!this.#queuedAtMs.has(name)) this.#queuedAtMs.set(name, this.#clock.now());
  }

  remove(name: string): void {
    this.#queuedAtMs.delete(name);
  }

  names(): string[] {
    return [...this.#queuedAtMs.keys()];
  }

  /** Rooms the collector may delete now. */
  due(): string[] {
    const cutoffMs = this.#clock.now() - DELETION_GRACE_MS;
    return [...this.#queuedAtMs]
      .filter(([name, queuedAtMs]) => queuedAtMs < cutoffMs && !PERMANENT_ROOM.test(name))
      .map(([name]) => name);
  }

  clear(): void {
    this.#queuedAtMs.clear();
  }
}

/** Runs `collect` every interval on the simulator's clock, for the simulator's lifetime. */
export function scheduleGarbageCollection(clock: SimClock, collect: () => void): void {
  const run = () => {
    collect();
    clock.setTimer(GARBAGE_COLLECTION_INTERVAL_MS, run);
  };
  clock.setTimer(GARBAGE_COLLECTION_INTERVAL_MS, run);
}
