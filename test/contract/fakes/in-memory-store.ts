import { type Session, waitingCallStates } from "../../../core/model.ts";
import type {
  IdleCutoffs,
  PendingRoomDeletion,
  Queue,
  RoomDeletionOutbox,
  StaleSessions,
  Store,
  StoreCounts,
  StoreStatus,
} from "../../../core/ports.ts";
import { InMemoryData, InMemorySessions } from "./in-memory-sessions.ts";
import { InMemoryTimeline } from "./in-memory-timeline.ts";

const isWaiting = (s: Session) =>
  (s.state === "session_granted" || s.state === "session_started") &&
  s.agentReachedAt === undefined;

class InMemoryQueue implements Queue {
  constructor(private readonly data: InMemoryData) {}

  async position(session: Session): Promise<number> {
    if (!isWaiting(session)) return 0;
    const ahead = this.data.where(
      (s) =>
        s.destinationName === session.destinationName &&
        isWaiting(s) &&
        (s.createdAt < session.createdAt ||
          (s.createdAt === session.createdAt && s.id < session.id)),
    );
    return ahead.length + 1;
  }

  positions(sessions: Session[]): Promise<number[]> {
    return Promise.all(sessions.map((session) => this.position(session)));
  }
}

class InMemoryStaleSessions implements StaleSessions {
  constructor(
    private readonly data: InMemoryData,
    private readonly owner: string,
  ) {}

  async idleSince(destinationName: string, cutoffs: IdleCutoffs): Promise<Session[]> {
    const waits = (s: Session) =>
      [...this.data.calls.values()].some(
        (c) => c.sessionId === s.id && waitingCallStates.includes(c.state),
      );
    return this.data.where(
      (s) =>
        s.destinationName === destinationName &&
        (s.state === "session_granted" || s.state === "session_started") &&
        s.lastActivityAt < cutoffs.idle &&
        (s.lastActivityAt < cutoffs.waiting || !waits(s)),
    );
  }

  async orphanedAllocations(): Promise<Session[]> {
    return this.data.where((s) => this.#orphaned(s));
  }

  async isOrphaned(sessionId: string): Promise<boolean> {
    const session = this.data.sessions.get(sessionId);
    return session !== undefined && this.#orphaned(session);
  }

  #orphaned(session: Session): boolean {
    return session.state === "allocating" && this.data.allocatedBy.get(session.id) !== this.owner;
  }
}

class InMemoryOutbox implements RoomDeletionOutbox {
  constructor(private readonly data: InMemoryData) {}

  async claim(now: number, limit: number, leaseMs: number): Promise<PendingRoomDeletion[]> {
    const claimed = this.data.deletions
      .filter(
        (d) =>
          d.deliveredAt === undefined &&
          d.nextAttemptAt <= now &&
          (d.claimedUntil === undefined || d.claimedUntil <= now),
      )
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id)
      .slice(0, limit);
    for (const deletion of claimed) deletion.claimedUntil = now + leaseMs;
    return claimed.map(({ id, roomName, attempts, sessionId }) => ({
      id,
      roomName,
      attempts,
      sessionId,
    }));
  }

  async delivered(id: number, at: number): Promise<void> {
    const deletion = this.data.deletions.find((d) => d.id === id);
    if (!deletion) return;
    deletion.deliveredAt = at;
    deletion.claimedUntil = undefined;
  }

  async failed(id: number, retryAt: number): Promise<void> {
    const deletion = this.data.deletions.find((d) => d.id === id);
    if (!deletion) return;
    deletion.attempts++;
    deletion.nextAttemptAt = retryAt;
    deletion.claimedUntil = undefined;
  }

  whenOwed(listener: () => void): void {
    this.data.owedListeners.push(listener);
  }
}

class InMemoryStoreStatus implements StoreStatus {
  constructor(private readonly data: InMemoryData) {}

  async writable(): Promise<boolean> {
    return true;
  }

  async counts(): Promise<StoreCounts> {
    const sessionsByState: Record<string, number> = {};
    for (const s of this.data.sessions.values()) {
      sessionsByState[s.state] = (sessionsByState[s.state] ?? 0) + 1;
    }
    const pending = this.data.deletions.filter((d) => d.deliveredAt === undefined).length;
    return { sessionsByState, pendingRoomDeletions: pending };
  }
}

/**
 * The store in memory, with the SQLite store's semantics (the same contract suites): one live
 * session per device and the live limits checked atomically on insert, saves refused on a stale
 * version, all of a change or none of it written, and the same orderings. Answers are copies, as
 * rows would be. `data` is there for a test to read (the audit trail, say); two stores on one
 * `data` are two processes sharing a database.
 */
export function inMemoryStore(data = new InMemoryData()): Store & { data: InMemoryData } {
  const owner = crypto.randomUUID();
  return {
    data,
    sessions: new InMemorySessions(data, owner),
    staleSessions: new InMemoryStaleSessions(data, owner),
    queue: new InMemoryQueue(data),
    outbox: new InMemoryOutbox(data),
    status: new InMemoryStoreStatus(data),
    timeline: new InMemoryTimeline(data),
    close: async () => {},
  };
}
