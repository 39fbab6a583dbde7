import { CreateSession } from "./create-session.ts";
import { DeliverRoomDeletions } from "./deliver-room-deletions.ts";
import type { UseCaseDeps } from "./deps.ts";
import { ExpireIdleSessions } from "./expire-idle-sessions.ts";
import { ReconcileRooms, type ReconcileSettings } from "./reconcile-rooms.ts";
import { ReportCall } from "./report-call.ts";
import { GetSession } from "./session-views.ts";
import { UpdateSession } from "./update-session.ts";

export type { CreatedSession } from "./create-session.ts";
export type { UseCaseDeps } from "./deps.ts";
export type { ReconcileSettings, Reconciliation } from "./reconcile-rooms.ts";
export type { CallTarget, ReportedCall } from "./report-call.ts";
export type { SessionView } from "./session-views.ts";
export type { SessionCommand } from "./update-session.ts";

/** Everything the service does, built once from its ports. */
export function videoSessionUseCases(deps: UseCaseDeps, reconcile: ReconcileSettings) {
  // Shared: reconciliation must not fail a create that is only slow (slower than its grace).
  const allocatingHere = new Set<string>();
  return {
    createSession: new CreateSession(deps, allocatingHere),
    getSession: new GetSession(deps),
    updateSession: new UpdateSession(deps),
    reportCall: new ReportCall(deps),
    expireIdleSessions: new ExpireIdleSessions(deps),
    deliverRoomDeletions: new DeliverRoomDeletions(deps),
    reconcileRooms: new ReconcileRooms(deps, reconcile, allocatingHere),
    /** What the app reads before asking for a session. */
    destinations: () => deps.destinations.all(),
    serviceHours: deps.serviceHours,
  };
}

export type VideoSessionUseCases = ReturnType<typeof videoSessionUseCases>;
