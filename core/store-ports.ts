import type { Call, Session, SessionEvent, SessionState } from "./model.ts";
import type { SessionHistory, TimelineRecord } from "./timeline.ts";

// The store's ports, one database behind them all; core/ports.ts exports them with the others.

/** A room deletion that must reach MaxConf eventually, even across restarts. */
export interface PendingRoomDeletion {
  id: number;
  roomName: string;
  attempts: number;
  /** The session that owed it (the outbox's work is recorded in its timeline); unknown for
   * deletions owed before that was kept. */
  sessionId?: string;
}

/** One atomic write: the session's next state, a call's, the audit event, the deletions owed. */
export interface SessionChange {
  session: Session;
  /** The version the change was computed from; a mismatch means someone else wrote first. */
  expectedVersion: number;
  /** Calls to insert or update. */
  calls?: Call[];
  events: SessionEvent[];
  roomDeletions?: string[];
}

export type Insertion =
  | { kind: "inserted" }
  /** The device already has a live session: that one. */
  | { kind: "existing"; session: Session }
  /** The client (one app installation) already holds `perClient` live sessions. */
  | { kind: "client_full" }
  /** The destination already holds `perDestination` live sessions. */
  | { kind: "destination_full" };

/** How many live sessions a new one may join; unset, no limit. */
export interface LiveLimits {
  perClient?: number;
  perDestination?: number;
}

/** The session store: sessions, their calls and audit trail, and the deletions a change owes. */
export interface Sessions {
  /**
   * Stores a new session, atomically checking that the device has no live session and, for a live
   * one, that its client and its destination hold fewer live sessions than `limits`. An
   * `allocating` session is an intent, not an answer to anyone: a store may skip flushing it to
   * disk, since a create that a power loss interrupts answered nobody.
   */
  insert(session: Session, event: SessionEvent, limits?: LiveLimits): Promise<Insertion>;
  get(id: string): Promise<Session | undefined>;
  /** Applies the change atomically; false when the session's version moved on. */
  save(change: SessionChange): Promise<boolean>;
  getCall(sessionId: string, clientCallId: string): Promise<Call | undefined>;
  /** The session's most recent call that has not ended, if any. */
  liveCall(sessionId: string): Promise<Call | undefined>;
}

/** Times before which a session counts as idle: the earlier one applies while it waits. */
export interface IdleCutoffs {
  idle: number;
  waiting: number;
}

/**
 * Sessions nobody will move on, which the background jobs look for. An allocating session belongs
 * to the process (the store instance) that wrote it; when that process is gone (it crashed
 * mid-create, or stopped), nobody will finish it: it is orphaned.
 */
export interface StaleSessions {
  /**
   * The destination's live sessions with no update since `cutoffs.idle` — or, while one of their
   * calls is ringing or pending media (the citizen waits for an agent, and the app sends nothing
   * meanwhile), since `cutoffs.waiting`.
   */
  idleSince(destinationName: string, cutoffs: IdleCutoffs): Promise<Session[]>;
  /** Sessions still allocating whose process is gone. */
  orphanedAllocations(): Promise<Session[]>;
  /** Whether this session is allocating and its process is gone. */
  isOrphaned(sessionId: string): Promise<boolean>;
}

/** The queue of sessions waiting for an agent, per destination. */
export interface Queue {
  /** 1-based place among the destination's sessions still waiting for an agent; 0 if not waiting. */
  position(session: Session): Promise<number>;
  /** The places of a page of sessions, in its order: the queue is counted once, not per session. */
  positions(sessions: Session[]): Promise<number[]>;
}

/** The room deletions owed to MaxConf (written with the change that owes them). */
export interface RoomDeletionOutbox {
  /**
   * Claims up to `limit` deletions due at `now`, oldest first, for `leaseMs`: no other process
   * gets them until they are settled or the lease runs out (the claimer died).
   */
  claim(now: number, limit: number, leaseMs: number): Promise<PendingRoomDeletion[]>;
  /** Settles a claim: done. */
  delivered(id: number, at: number): Promise<void>;
  /** Settles a claim: not delivered this time, tried again from `retryAt`. */
  failed(id: number, retryAt: number): Promise<void>;
  /** `listener` is told whenever a committed change owed deletions: delivery need not wait. */
  whenOwed(listener: () => void): void;
}

export interface StoreCounts {
  sessionsByState: Record<string, number>;
  pendingRoomDeletions: number;
  /** A store on a connection pool: its connections now. */
  connections?: { total: number; idle: number; waiting: number };
}

/** What operators are told about the store: readiness and metrics. */
export interface StoreStatus {
  /** Whether it takes writes now. */
  writable(): Promise<boolean>;
  counts(): Promise<StoreCounts>;
}

/** Which sessions support staff look for; every field given must match. */
export interface SessionSearch {
  sessionId?: string;
  /** A request of the app's, or made upstream on its behalf, carried this x-request-id. */
  requestId?: string;
  roomName?: string;
  state?: SessionState;
  /** Allocating, granted or started. */
  live?: boolean;
  createdFrom?: number;
  createdTo?: number;
  limit: number;
  /** Where the previous page ended (newest first). */
  after?: { createdAt: number; id: string };
}

/** What happened to each session, kept for support staff. */
export interface Timeline {
  /** Keeps `record`; written soon after, with other writes. Never fails or waits the caller. */
  record(record: TimelineRecord): void;
  /** The session, its statuses, its requests and upstream calls in order, its owed deletions. */
  history(sessionId: string): Promise<SessionHistory | undefined>;
  /** Sessions that match, newest first. */
  search(query: SessionSearch): Promise<Session[]>;
  /** Forgets timeline rows (and staff reads) from before `cutoff`; answers how many. */
  prune(cutoff: number): Promise<number>;
  /** Keeps who of the staff read what, and when. */
  recordRead(read: { at: number; staff: string; what: string }): void;
}

/** One database behind every store port. */
export interface Store {
  sessions: Sessions;
  staleSessions: StaleSessions;
  queue: Queue;
  outbox: RoomDeletionOutbox;
  status: StoreStatus;
  timeline: Timeline;
  close(): Promise<void>;
}
