import type { Session } from "./model.ts";

/** Why the service asks an upstream on a session's behalf. */
export type Cause = "request" | "outbox" | "reconciliation";

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
  cause: Cause;
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

const text = (v: unknown): v is string => typeof v === "string";
const count = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/**
 * A record as a store read it back (JSON), checked field by field: a row that is not a record is a
 * broken store, not evidence.
 */
export function parseRecord(value: unknown): TimelineRecord {
  const r = (value ?? {}) as Record<string, unknown>;
  const common = text(r.sessionId) && count(r.at);
  if (
    common &&
    r.kind === "request" &&
    text(r.requestId) &&
    text(r.method) &&
    text(r.route) &&
    count(r.status) &&
    count(r.ms) &&
    (r.problem === undefined || text(r.problem))
  ) {
    return r as unknown as RequestRecord;
  }
  if (
    common &&
    r.kind === "upstream" &&
    (r.upstream === "token-server" || r.upstream === "maxconf") &&
    text(r.operation) &&
    (count(r.outcome) || text(r.outcome)) &&
    count(r.ms) &&
    count(r.attempt) &&
    (r.cause === "request" || r.cause === "outbox" || r.cause === "reconciliation") &&
    (r.requestId === undefined || text(r.requestId))
  ) {
    return r as unknown as UpstreamRecord;
  }
  throw new Error(`not a timeline record: ${JSON.stringify(value).slice(0, 200)}`);
}

/**
 * A session's history from what a store keeps: statuses (the audit trail) and records merged in
 * time order (a status before a record of the same moment: it is what the request did), numbered.
 * The statuses and records become the entries, each given its `seq`: a long call's thousands of
 * rows are not copied again.
 */
export function mergeHistory(
  session: Session,
  statuses: StatusRecord[],
  records: TimelineRecord[],
  deletions: OwedDeletion[],
): SessionHistory {
  // Array#sort is stable: rows of one moment keep their order, the statuses' first.
  const entries = [...statuses, ...records].sort((a, b) => a.at - b.at) as TimelineEntry[];
  for (let seq = 0; seq < entries.length; seq++) (entries[seq] as TimelineEntry).seq = seq;
  return { session, entries, deletions };
}
