import type { Call, Session, SessionEvent } from "../model.ts";
import type { SessionChange } from "../ports.ts";

/** What the audit trail keeps of a session's new status. */
export const sessionEvent = (
  session: Session,
  status: string,
  actor: string,
  at: number,
): SessionEvent => ({ sessionId: session.id, kind: "session", status, actor, at });

/** What the audit trail keeps of a call's new status. */
export const callEvent = (call: Call, status: string, actor: string, at: number): SessionEvent => ({
  sessionId: call.sessionId,
  callId: call.callId,
  kind: "call",
  status,
  actor,
  at,
});

/** The change that saves `changes` over `session`, one version on, checked against its version. */
export function changeOf(
  session: Session,
  changes: Partial<Session>,
  events: SessionEvent[],
): SessionChange {
  return {
    session: { ...session, ...changes, version: session.version + 1 },
    expectedVersion: session.version,
    events,
  };
}
