import type { Call, Session, SessionEvent } from "../model.ts";
import type { SessionChange, Sessions } from "../ports.ts";
import type { SessionEventType } from "../session-machine.ts";
import { stepCall, stepSession } from "../statechart.ts";
import { callEvent, changeOf, sessionEvent } from "./session-changes.ts";

/**
 * Turns a session event into the change to save: the next state, and the machine's effects as
 * data (the live call hung up, the room deletion owed) so they are written in the same transaction.
 * Undefined when the machine refuses the event.
 */
export async function sessionChangeFor(
  sessions: Sessions,
  session: Session,
  event: SessionEventType,
  actor: string,
  at: number,
): Promise<SessionChange | undefined> {
  const step = stepSession(session.state, event);
  if (!step.allowed) return undefined;
  const events = [sessionEvent(session, step.next, actor, at)];
  const change = changeOf(
    session,
    { state: step.next, statusAt: step.next === session.state ? session.statusAt : at },
    events,
  );
  if (step.effects.includes("deleteRoom") && session.room) {
    change.roomDeletions = [session.room.name];
  }
  if (step.effects.includes("endLiveCall")) {
    const live = await sessions.liveCall(session.id);
    if (live) change.calls = [hangUp(live, actor, at, events)];
  }
  return change;
}

/** The call hung up by the system (the session ended, or a new call replaced it). */
export function hangUp(call: Call, actor: string, at: number, events: SessionEvent[]): Call {
  const step = stepCall(call.state, { type: "HANG_UP" });
  if (!step.allowed) return call;
  events.push(callEvent(call, step.next, actor, at));
  return { ...call, state: step.next, statusAt: at };
}

/** An orphaned create (its process is gone) fails as interrupted; false when it moved on. */
export async function failInterrupted(
  sessions: Sessions,
  session: Session,
  at: number,
): Promise<boolean> {
  const step = stepSession(session.state, { type: "ROOM_FAILED" });
  if (!step.allowed) return false;
  const change = changeOf(session, { state: step.next, reason: "interrupted", statusAt: at }, [
    sessionEvent(session, step.next, "system", at),
  ]);
  return sessions.save(change);
}
