import type {
  Call,
  Destination,
  DeviceIdentity,
  RoomAssignment,
  Session,
  SessionEvent,
  SessionState,
} from "./model.ts";
import type { ServiceHours } from "./service-hours.ts";
import type { Cause, SessionHistory, TimelineRecord } from "./timeline.ts";

/** The one time source: the system's, or a virtual one in tests, which moves only when told to. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** A clock that can also wake us, on its own time. */
export interface Timers extends Clock {
  /** Runs `fn` once after `ms`; returns a function that cancels it. Never keeps a process up. */
  setTimer(ms: number, fn: () => void): () => void;
}

export interface Ids {
  /** An opaque, unguessable session id (≥128 bits of randomness). */
  sessionId(): string;
  callId(): string;
}

/** A bearer token for MaxConf. */
export interface AccessTokens {
  get(): Promise<string>;
  /** The upstream refused this token: forget it so the next get() fetches a new one. */
  invalidate(token: string): void;
}

/** One exchange with an upstream, as the adapter that made it tells it. */
export interface UpstreamExchange {
  upstream: "token-server" | "maxconf";
  /** e.g. "token", "room create", "room delete". */
  operation: string;
  /** The HTTP status it answered, or how it failed without one ("timeout", "ECONNRESET"…). */
  outcome: number | string;
  ms: number;
  /** 1 for the first try of the operation, 2 for its first retry… */
  attempt: number;
}

/** Told of each upstream exchange (the composition root keeps them in the session's timeline). */
export type ExchangeObserver = (exchange: UpstreamExchange) => void;

/**
 * Runs `work` on a session's behalf: what it asks of the upstreams meanwhile is recorded in that
 * session's timeline.
 */
export type OnBehalfOf = <T>(sessionId: string, cause: Cause, work: () => Promise<T>) => Promise<T>;

/** A room MaxConf holds, as its list shows it. */
export interface ListedRoom {
  name: string;
  /** The uuiData text (decoded) the room was created with; absent when its tag names none. */
  uuiText?: string;
}

export interface Rooms {
  create(uuiData: string): Promise<RoomAssignment>;
  /** Deleting a room that is already gone succeeds. */
  delete(roomName: string): Promise<void>;
  /** Every room handed out on the tenant: ours, and rooms others made. */
  list(): Promise<ListedRoom[]>;
}

export interface Destinations {
  all(): Destination[];
  /** Where a new session goes. */
  forNewSession(identity: DeviceIdentity): Destination;
}

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

/** The service hours in force now (configuration). */
export type CurrentServiceHours = () => ServiceHours;

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

export type RateVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** How many requests a caller may make: a budget per key, the same for every process. */
export interface RateLimiter {
  /** Takes one request from `key`'s budget, or says how long until there is one. */
  take(key: string): Promise<RateVerdict>;
}

/** Background work that one process at a time may do (reconciling MaxConf's rooms, say). */
export interface JobLocks {
  /** Runs `work` unless another process is running `job` now; then answers undefined. */
  exclusively<T>(job: string, work: () => Promise<T>): Promise<T | undefined>;
}

/** Who a bearer token proves the caller to be, or why it proves nothing. */
export type Authentication =
  | { ok: true; identity: DeviceIdentity }
  | { ok: false; reason: "missing" | "malformed" | "unknown_client" | "bad_signature" | "expired" };

export interface DeviceAuthenticator {
  authenticate(bearerToken: string): Promise<Authentication>;
}

/** A member of the support staff, as their token proves them. */
export interface Staff {
  /** Their directory object id (Entra `oid`, else `sub`). */
  id: string;
  /** A name to show and audit (their username, or the app's id for an app token). */
  name: string;
}

/** Why a staff token proves nothing: none, not a valid token of the tenant's, or not support's. */
export type StaffAuthentication =
  | { ok: true; staff: Staff }
  | { ok: false; reason: "missing" | "invalid" | "expired" | "not_support" };

export interface StaffAuthenticator {
  authenticate(bearerToken: string): Promise<StaffAuthentication>;
}

export type PublicJwk = JsonWebKey & { kid?: string };

/** The public keys registered for a mobile-app client id (empty when the client is unknown). */
export interface ClientKeys {
  /** `kid` names the key the token was signed with: a hint that a cached key set may be stale. */
  keysFor(clientId: string, kid?: string): Promise<PublicJwk[]>;
}
