import type { Destination, DeviceIdentity, RoomAssignment } from "./model.ts";
import type { ServiceHours } from "./service-hours.ts";
import type { Cause } from "./timeline.ts";

export type * from "./store-ports.ts";

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

/**
 * Whom upstream work is done for: what it asks of the upstreams is recorded in that session's
 * timeline, with why and, when a request caused it, that request's id (sent upstream too).
 */
export interface OnBehalf {
  sessionId: string;
  cause: Cause;
  requestId?: string;
}

/** A bearer token for MaxConf. */
export interface AccessTokens {
  /** `on`: the work the token is for, told of the fetch should it have to wait for one. */
  get(on?: OnBehalf): Promise<string>;
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

/**
 * Told of each upstream exchange, and whom it was for (the composition root keeps those in the
 * session's timeline).
 */
export type ExchangeObserver = (exchange: UpstreamExchange, on?: OnBehalf) => void;

/** A room MaxConf holds, as its list shows it. */
export interface ListedRoom {
  name: string;
  /** The uuiData text (decoded) the room was created with; absent when its tag names none. */
  uuiText?: string;
}

/** `on`: whom the work is for; without it, it is recorded nowhere. */
export interface Rooms {
  create(uuiData: string, on?: OnBehalf): Promise<RoomAssignment>;
  /** Deleting a room that is already gone succeeds. */
  delete(roomName: string, on?: OnBehalf): Promise<void>;
  /** Every room handed out on the tenant: ours, and rooms others made. */
  list(): Promise<ListedRoom[]>;
}

export interface Destinations {
  all(): Destination[];
  /** Where a new session goes. */
  forNewSession(identity: DeviceIdentity): Destination;
}

/** The service hours in force now (configuration). */
export type CurrentServiceHours = () => ServiceHours;

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
