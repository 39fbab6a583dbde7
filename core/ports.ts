import type {
  Call,
  Destination,
  DeviceIdentity,
  RoomAssignment,
  Session,
  SessionEvent,
} from "./model.ts";
import type { ServiceHours } from "./service-hours.ts";

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
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
  /** 1-based place among the destination's sessions still waiting for an agent; 0 if not waiting. */
  queuePosition(session: Session): Promise<number>;
  /** Live sessions whose last activity is before `cutoff`, for the given destination. */
  idleSince(destinationName: string, cutoff: number): Promise<Session[]>;
  /** The session a MaxConf room was given to, in any state. */
  findByRoom(roomName: string): Promise<Session | undefined>;
  /** Sessions still allocating a room since before `cutoff`: their create was interrupted. */
  allocatingSince(cutoff: number): Promise<Session[]>;
  pendingRoomDeletions(now: number, limit: number): Promise<PendingRoomDeletion[]>;
  roomDeletionDone(id: number, at: number): Promise<void>;
  roomDeletionFailed(id: number, retryAt: number): Promise<void>;
}

/** Who a bearer token proves the caller to be, or why it proves nothing. */
export type Authentication =
  | { ok: true; identity: DeviceIdentity }
  | { ok: false; reason: "missing" | "malformed" | "unknown_client" | "bad_signature" | "expired" };

export interface DeviceAuthenticator {
  authenticate(bearerToken: string): Promise<Authentication>;
}

export type PublicJwk = JsonWebKey & { kid?: string };

/** The public keys registered for a mobile-app client id (empty when the client is unknown). */
export interface ClientKeys {
  /** `kid` names the key the token was signed with: a hint that a cached key set may be stale. */
  keysFor(clientId: string, kid?: string): Promise<PublicJwk[]>;
}
