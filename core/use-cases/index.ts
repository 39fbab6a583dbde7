import type { Destination } from "../model.ts";
import type { ServiceHours } from "../service-hours.ts";
import type { CreateSession } from "./create-session.ts";
import type { DeliverRoomDeletions } from "./deliver-room-deletions.ts";
import type { ExpireIdleSessions } from "./expire-idle-sessions.ts";
import type { ReconcileRooms } from "./reconcile-rooms.ts";
import type { ReportCall } from "./report-call.ts";
import type { GetSession } from "./session-views.ts";
import type { ReadTimeline, SearchSessions } from "./support.ts";
import type { UpdateSession } from "./update-session.ts";

export { OneAtATime, SingleFlight } from "./coordination.ts";
export { type CreatedSession, CreateSession } from "./create-session.ts";
export { DeliverRoomDeletions } from "./deliver-room-deletions.ts";
export { ExpireIdleSessions } from "./expire-idle-sessions.ts";
export { ReconcileRooms, type Reconciliation } from "./reconcile-rooms.ts";
export { type CallTarget, ReportCall, type ReportedCall } from "./report-call.ts";
export { GetSession, type SessionView } from "./session-views.ts";
export { ReadTimeline, SearchSessions, type SessionSummary } from "./support.ts";
export { type SessionCommand, UpdateSession } from "./update-session.ts";

/** What the app can ask of the service (the HTTP adapter drives these). */
export interface VideoSessionUseCases {
  createSession: CreateSession;
  getSession: GetSession;
  updateSession: UpdateSession;
  reportCall: ReportCall;
  /** What the app reads before asking for a session. */
  destinations(): Destination[];
  serviceHours(): ServiceHours;
}

/** What support staff can ask (the ops API drives these). */
export interface SupportUseCases {
  searchSessions: SearchSessions;
  readTimeline: ReadTimeline;
  /** How many sessions the store holds, by state. */
  counts(): Promise<Record<string, number>>;
  /** Keeps who of the staff read what. */
  recordRead(read: { at: number; staff: string; what: string }): void;
}

/** What the service does on its own, in the background. */
export interface BackgroundJobs {
  deliverRoomDeletions: DeliverRoomDeletions;
  expireIdleSessions: ExpireIdleSessions;
  reconcileRooms: ReconcileRooms;
}
