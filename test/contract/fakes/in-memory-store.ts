import type { Session } from "../../../core/model.ts";
import type {
  PendingRoomDeletion,
  Queue,
  RoomDeletionOutbox,
  StaleSessions,
  Store,
  StoreCounts,
  StoreStatus,
} from "../../../core/ports.ts";
import { InMemoryData, InMemorySessions } from "./in-memory-sessions.ts";

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
}

class InMemoryStaleSessions implements StaleSessions {
  constructor(private readonly data: InMemoryData) {}

  async idleSince(destinationName: string, cutoff: number): Promise<Session[]> {
    return this.data.where(
      (s) =>
        s.destinationName === destinationName &&
        (s.state === "session_granted" || s.state === "session_started") &&
        s.lastActivityAt < cutoff,
    );
  }

  async allocatingSince(cutoff: number): Promise<Session[]> {
    return this.data.where((s) => s.state === "allocating" && s.createdAt < cutoff);
  }
}

class InMemoryOutbox implements RoomDeletionOutbox {
  constructor(private readonly data: InMemoryData) {}

  async due(now: number, limit: number): Promise<PendingRoomDeletion[]> {
    return this.data.deletions
      .filter((d) => d.deliveredAt === undefined && d.nextAttemptAt <= now)
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id)
      .slice(0, limit)
      .map(({ id, roomName, attempts }) => ({ id, roomName, attempts }));
  }

  async delivered(id: number, at: number): Promise<void> {
    const deletion = this.data.deletions.find((d) => d.id === id);
    if (deletion) deletion.deliveredAt = at;
  }

  async failed(id: number, retryAt: number): Promise<void> {
    const deletion = this.data.deletions.find((d) => d.id === id);
    if (!deletion) return;
    deletion.attempts++;
    deletion.nextAttemptAt = retryAt;
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
 * rows would be. `data` is there for a test to read (the audit trail, say).
 */
export function inMemoryStore(data = new InMemoryData()): Store & { data: InMemoryData } {
  return {
    data,
    sessions: new InMemorySessions(data),
    staleSessions: new InMemoryStaleSessions(data),
    queue: new InMemoryQueue(data),
    outbox: new InMemoryOutbox(data),
    status: new InMemoryStoreStatus(data),
    close: async () => {},
  };
}
