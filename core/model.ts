/** Session statuses the app sees. `requested` and `allocating` are internal and never answered. */
export const sessionStatuses = [
  "session_granted",
  "session_started",
  "session_ended",
  "session_not_granted",
  "session_failed",
  "session_expired",
] as const;
export type SessionStatus = (typeof sessionStatuses)[number];
/** Every state a stored session can be in. */
export const sessionStates = ["requested", "allocating", ...sessionStatuses] as const;
export type SessionState = (typeof sessionStates)[number];

/** The app's call vocabulary. */
export const callStatuses = [
  "call_ringing",
  "call_media_pending",
  "call_in_call",
  "call_ended",
  "call_error",
  "call_dropped",
  "call_reconnected",
] as const;
export type CallStatus = (typeof callStatuses)[number];
export const callStates = ["new", ...callStatuses] as const;
export type CallState = (typeof callStates)[number];

/** The caller, as proven by its credentials. */
export interface DeviceIdentity {
  clientId: string;
  deviceCode: string;
}

export interface RoomAssignment {
  name: string;
  alias: string;
  guestPin: string;
}

export interface Destination {
  name: string;
  priority: number;
  host: string;
  maxActiveSessions: number;
  maxInactiveSeconds: number;
  /** How long a session waiting for an agent (its call ringing or pending media) may go quiet. */
  maxQueueWaitSeconds: number;
  numberOfAgents?: number;
}

/** All times are milliseconds since the epoch. */
export interface Session {
  id: string;
  clientId: string;
  deviceCode: string;
  destinationName: string;
  destinationHost: string;
  state: SessionState;
  /** Why a session was not granted or failed; machine-readable. */
  reason?: string;
  /** Hex of the UTF-8 text handed to MaxConf so the agent side can identify the session. */
  uuiData: string;
  room?: RoomAssignment;
  createdAt: number;
  statusAt: number;
  lastActivityAt: number;
  /** When one of its calls first reached an agent; until then the session waits in the queue. */
  agentReachedAt?: number;
  version: number;
}

export interface Call {
  sessionId: string;
  callId: string;
  clientCallId: string;
  state: CallState;
  createdAt: number;
  statusAt: number;
}

/** Something a caller did or the system decided, kept for the audit trail. */
export interface SessionEvent {
  sessionId: string;
  callId?: string;
  kind: "session" | "call";
  status: string;
  actor: string;
  at: number;
}

const liveStates: readonly SessionState[] = ["allocating", "session_granted", "session_started"];
export const isLive = (state: SessionState) => liveStates.includes(state);
export const liveSessionStates = liveStates;

/** A call in these states waits for the agent: the app sends nothing until the agent answers. */
export const waitingCallStates: readonly CallState[] = ["call_ringing", "call_media_pending"];
