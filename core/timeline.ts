import type { Session } from "./model.ts";

/** Who a timeline row is about, beyond its session: the side of the seed's diagram it came from. */
export type Party = "app" | "api" | "token-server" | "maxconf" | "pexip";

/** A request of the app's about one session, as answered (never its body or its credentials). */
export interface RequestRecord {
  kind: "request";
  sessionId: string;
  at: number;
  requestId: string;
  method: string;
  route: string;
  status: number;
  /** The problem's `type` when the answer was a problem. */
  problem?: string;
  ms: number;
}

/** One exchange with an upstream made on a session's behalf (or that a create waited on). */
export interface UpstreamRecord {
  kind: "upstream";
  sessionId: string;
  at: number;
  requestId?: string;
  upstream: "token-server" | "maxconf";
  /** e.g. "token", "room create", "room delete". */
  operation: string;
  /** The HTTP status it answered, or how it failed without one (timeout, reset…). */
  outcome: number | string;
  ms: number;
  attempt: number;
  /** Why it was made: a request of the app's, the outbox, reconciliation. */
  cause: "request" | "outbox" | "reconciliation";
}

/** What is recorded as it happens. */
export type TimelineRecord = RequestRecord | UpstreamRecord;

/** A status the session or one of its calls took (the audit trail), as a timeline row. */
export interface StatusRecord {
  kind: "status";
  sessionId: string;
  at: number;
  subject: "session" | "call";
  status: string;
  /** The client id of the app that sent it, or "system". */
  actor: string;
  callId?: string;
}

export type TimelineEntry = (TimelineRecord | StatusRecord) & { seq: number };

/** A room deletion the session owes, as the outbox has it now. */
export interface OwedDeletion {
  roomName: string;
  attempts: number;
  deliveredAt?: number;
  nextAttemptAt: number;
}

/** Everything known of one session, for support staff. */
export interface SessionHistory {
  session: Session;
  entries: TimelineEntry[];
  deletions: OwedDeletion[];
}
