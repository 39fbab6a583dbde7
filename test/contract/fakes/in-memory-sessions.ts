import {
  type Call,
  type DeviceIdentity,
  isLive,
  type Session,
  type SessionEvent,
} from "../../../core/model.ts";
import type {
  Insertion,
  LiveLimits,
  PendingRoomDeletion,
  SessionChange,
  Sessions,
} from "../../../core/ports.ts";
import type { TimelineRecord } from "../../../core/timeline.ts";

interface StoredCall extends Call {
  /** Insertion order, SQLite's rowid: the tie-break between calls created at the same time. */
  seq: number;
}

export interface RoomDeletion extends PendingRoomDeletion {
  nextAttemptAt: number;
  deliveredAt?: number;
  claimedUntil?: number;
}

/** What an in-memory store holds: shared by its ports, as one database would be. */
export class InMemoryData {
  readonly sessions = new Map<string, Session>();
  readonly calls = new Map<string, StoredCall>();
  /** Which store instance (process) wrote each allocating session. */
  readonly allocatedBy = new Map<string, string>();
  readonly deletions: RoomDeletion[] = [];
  /** The audit trail, for a test to read (the ports offer no read of it). */
  readonly events: SessionEvent[] = [];
  /** What the Timeline kept: records, and who of the staff read what. */
  readonly records: TimelineRecord[] = [];
  readonly reads: { at: number; staff: string; what: string }[] = [];
  /** Told when a change owed room deletions (RoomDeletionOutbox.whenOwed). */
  readonly owedListeners: (() => void)[] = [];
  callSeq = 0;

  where(predicate: (session: Session) => boolean): Session[] {
    return [...this.sessions.values()].filter(predicate).map((s) => structuredClone(s));
  }
}

const endedCall = (call: Call) => call.state === "call_ended" || call.state === "call_error";

/**
 * The session store in memory, with SqliteSessions' semantics: one live session per device and
 * the client's and the destination's live limits checked atomically on insert, saves refused on a stale version, all of
 * a change or none of it written, and the same orderings. Answers are copies, as rows would be.
 */
export class InMemorySessions implements Sessions {
  constructor(
    private readonly data: InMemoryData,
    /** The store instance writing: an allocating session it inserts is its own. */
    private readonly owner: string,
  ) {}

  get #sessions() {
    return this.data.sessions;
  }

  get #calls() {
    return this.data.calls;
  }

  async insert(session: Session, event: SessionEvent, limits: LiveLimits = {}): Promise<Insertion> {
    const existing = this.#live(session);
    if (existing) return { kind: "existing", session: structuredClone(existing) };
    const live = [...this.#sessions.values()].filter((s) => isLive(s.state));
    const { perClient, perDestination } = limits;
    if (perClient !== undefined) {
      const ofClient = live.filter((s) => s.clientId === session.clientId);
      if (ofClient.length >= perClient) return { kind: "client_full" };
    }
    if (perDestination !== undefined) {
      const atDestination = live.filter((s) => s.destinationName === session.destinationName);
      if (atDestination.length >= perDestination) return { kind: "destination_full" };
    }
    if (this.#sessions.has(session.id)) throw new Error(`session ${session.id} already exists`);
    if (event.sessionId !== session.id && !this.#sessions.has(event.sessionId))
      throw new Error(`no session ${event.sessionId}`);
    this.#sessions.set(session.id, structuredClone(session));
    if (session.state === "allocating") this.data.allocatedBy.set(session.id, this.owner);
    this.data.events.push({ ...event });
    return { kind: "inserted" };
  }

  async get(id: string): Promise<Session | undefined> {
    return this.#copy(this.#sessions.get(id));
  }

  async save(change: SessionChange): Promise<boolean> {
    const { session } = change;
    const stored = this.#sessions.get(session.id);
    if (!stored || stored.version !== change.expectedVersion) return false;
    // Checked before anything is written, as the transaction would roll back on them.
    const other = isLive(session.state) ? this.#live(stored) : undefined;
    if (other && other.id !== stored.id) throw new Error("the device already has a live session");
    const calls: Call[] = [...this.#calls.values()];
    for (const call of change.calls ?? []) {
      if (!this.#sessions.has(call.sessionId)) throw new Error(`no session ${call.sessionId}`);
      const sameClientId = calls.find(
        (c) =>
          c.sessionId === call.sessionId &&
          c.clientCallId === call.clientCallId &&
          c.callId !== call.callId,
      );
      if (sameClientId) throw new Error(`call ${call.clientCallId} already exists`);
      calls.push(call);
    }
    const orphan = change.events.find((event) => !this.#sessions.has(event.sessionId));
    if (orphan) throw new Error(`no session ${orphan.sessionId}`);

    // Only what an update may change: the session's identity and origin stay as inserted.
    Object.assign(stored, {
      state: session.state,
      reason: session.reason,
      room: structuredClone(session.room),
      statusAt: session.statusAt,
      lastActivityAt: session.lastActivityAt,
      agentReachedAt: session.agentReachedAt,
      version: session.version,
    });
    for (const call of change.calls ?? []) {
      const existing = this.#calls.get(call.callId);
      if (existing) Object.assign(existing, { state: call.state, statusAt: call.statusAt });
      else this.#calls.set(call.callId, { ...call, seq: ++this.data.callSeq });
    }
    this.data.events.push(...change.events.map((event) => ({ ...event })));
    for (const roomName of change.roomDeletions ?? []) {
      this.data.deletions.push({
        id: this.data.deletions.length + 1,
        sessionId: session.id,
        roomName,
        attempts: 0,
        nextAttemptAt: session.statusAt,
      });
    }
    // Told as a store tells it: after the change is committed, not while it is being written.
    if (change.roomDeletions?.length) {
      queueMicrotask(() => {
        for (const listener of this.data.owedListeners) listener();
      });
    }
    return true;
  }

  async getCall(sessionId: string, clientCallId: string): Promise<Call | undefined> {
    const call = [...this.#calls.values()].find(
      (c) => c.sessionId === sessionId && c.clientCallId === clientCallId,
    );
    return call && callOf(call);
  }

  async liveCall(sessionId: string): Promise<Call | undefined> {
    const [latest] = [...this.#calls.values()]
      .filter((c) => c.sessionId === sessionId && !endedCall(c))
      .sort((a, b) => b.createdAt - a.createdAt || b.seq - a.seq);
    return latest && callOf(latest);
  }

  #live(identity: DeviceIdentity): Session | undefined {
    return [...this.#sessions.values()].find(
      (s) =>
        s.clientId === identity.clientId && s.deviceCode === identity.deviceCode && isLive(s.state),
    );
  }

  #copy(session: Session | undefined): Session | undefined {
    return session && structuredClone(session);
  }
}

function callOf({ seq: _, ...call }: StoredCall): Call {
  return call;
}
