import type { Clock, PendingRoomDeletion, RoomDeletionOutbox, Rooms } from "../ports.ts";

/** Owed deletions claimed at a time, and how many of them are sent to MaxConf at once. */
const pageSize = 32;
const concurrency = 8;
/** Long enough for a page to be worked through; past it, another process may take it over. */
const leaseMs = 120_000;
const maxBackoffMs = 5 * 60_000;

/**
 * Delivers the owed room deletions to MaxConf, as fast as it takes them: page after page, a few at
 * a time, until none is due or MaxConf refuses one (then the round ends; the rest keep their turn).
 * Each page is claimed, so several processes share the work without doing any of it twice. A
 * failed one is retried later with exponential backoff, never dropped. Returns how many were
 * delivered.
 */
export class DeliverRoomDeletions {
  constructor(
    private readonly ports: {
      outbox: RoomDeletionOutbox;
      rooms: Rooms;
      clock: Clock;
    },
  ) {}

  async execute(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const due = await this.ports.outbox.claim(this.ports.clock.now(), pageSize, leaseMs);
      const outcomes = await eachAtMost(concurrency, due, (pending) => this.deliver(pending));
      delivered += outcomes.filter(Boolean).length;
      if (due.length < pageSize || outcomes.includes(false)) return delivered;
    }
  }

  private async deliver(pending: PendingRoomDeletion): Promise<boolean> {
    const { outbox, rooms, clock } = this.ports;
    const { roomName, sessionId } = pending;
    try {
      await rooms.delete(roomName, sessionId ? { sessionId, cause: "outbox" } : undefined);
    } catch {
      const backoff = Math.min(maxBackoffMs, 1000 * 2 ** pending.attempts);
      await outbox.failed(pending.id, clock.now() + backoff);
      return false;
    }
    await outbox.delivered(pending.id, clock.now());
    return true;
  }
}

/** `work` on every item, at most `limit` at a time; the outcomes in the items' order. */
async function eachAtMost<T, R>(
  limit: number,
  items: readonly T[],
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const outcomes: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      outcomes[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return outcomes;
}
