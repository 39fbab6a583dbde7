import type { Clock, Rooms, Sessions } from "../ports.ts";

const batchSize = 20;
const maxBackoffMs = 5 * 60_000;

/**
 * Delivers the owed room deletions to MaxConf; a failed one is retried later with exponential
 * backoff, never dropped. Returns how many were delivered.
 */
export class DeliverRoomDeletions {
  constructor(private readonly deps: { sessions: Sessions; rooms: Rooms; clock: Clock }) {}

  async execute(): Promise<number> {
    const { sessions, rooms, clock } = this.deps;
    let delivered = 0;
    for (const pending of await sessions.pendingRoomDeletions(clock.now(), batchSize)) {
      try {
        await rooms.delete(pending.roomName);
        await sessions.roomDeletionDone(pending.id, clock.now());
        delivered++;
      } catch {
        const backoff = Math.min(maxBackoffMs, 1000 * 2 ** pending.attempts);
        await sessions.roomDeletionFailed(pending.id, clock.now() + backoff);
      }
    }
    return delivered;
  }
}
