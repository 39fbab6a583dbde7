import { CreateSession } from "./create-session.ts";
import { DeliverRoomDeletions } from "./deliver-room-deletions.ts";
import type { UseCaseDeps } from "./deps.ts";
import { ExpireIdleSessions } from "./expire-idle-sessions.ts";
import { OneAtATime } from "./owned-session.ts";
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

export interface UseCaseSettings extends ReconcileSettings {
  /** Live sessions one client (one app installation) may hold at once. */
  livePerClient: number;
}

/** Everything the service does, built once from its ports. */
export function videoSessionUseCases(deps: UseCaseDeps, settings: UseCaseSettings) {
  // Shared: reconciliation must not fail a create that is only slow (slower than its grace).
  const allocatingHere = new Set<string>();
  const sessionTurns = new OneAtATime();
  return {
    createSession: new CreateSession(deps, settings.livePerClient, allocatingHere),
    getSession: new GetSession(deps),
    updateSession: new UpdateSession(deps, sessionTurns),
    reportCall: new ReportCall(deps, sessionTurns),
    expireIdleSessions: new ExpireIdleSessions(deps, sessionTurns),
    deliverRoomDeletions: new DeliverRoomDeletions(deps),
    reconcileRooms: new ReconcileRooms(deps, settings, allocatingHere),
    /** What the app reads before asking for a session. */
    destinations: () => deps.destinations.all(),
    serviceHours: deps.serviceHours,
  };
}

export type VideoSessionUseCases = ReturnType<typeof videoSessionUseCases>;
