import type { Call, Session, SessionEvent } from "../model.ts";
import type { SessionChange, Sessions } from "../ports.ts";
import type { SessionEventType } from "../session-machine.ts";
import { stepCall, stepSession } from "../statechart.ts";

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
  const events: SessionEvent[] = [];
  const change: SessionChange = {
    session: { ...session, state: step.next, version: session.version + 1 },
    expectedVersion: session.version,
    events,
  };
  if (step.next !== session.state) change.session.statusAt = at;
  events.push({ sessionId: session.id, kind: "session", status: step.next, actor, at });
  if (step.effects.includes("deleteRoom") && session.room) {
    change.roomDeletions = [session.room.name];
  }
  if (step.effects.includes("endLiveCall")) {
    const live = await sessions.liveCall(session.id);
    if (live) change.calls = [hangUp(live, actor, at, events)];
  }
  return change;
}

function hangUp(call: Call, actor: string, at: number, events: SessionEvent[]): Call {
  const step = stepCall(call.state, { type: "HANG_UP" });
  if (!step.allowed) return call;
  events.push({
    sessionId: call.sessionId,
    callId: call.callId,
    kind: "call",
    status: step.next,
    actor,
    at,
  });
  return { ...call, state: step.next, statusAt: at };
}
