import { fail, ok, type Result } from "../errors.ts";
import type { Call, CallStatus, DeviceIdentity, Session } from "../model.ts";
import type { Clock, Ids, SessionChange, Sessions } from "../ports.ts";
import { stepCall, stepSession } from "../statechart.ts";
import type { OneAtATime } from "./coordination.ts";
import { loadOwnedSession, retryOnConflict } from "./owned-session.ts";
import { callEvent, changeOf, sessionEvent } from "./session-changes.ts";
import { hangUp } from "./session-transition.ts";

/**
 * Which call an update is for:
 * - `create`: POST …/calls — a new call (a repeat of the same client_call_id updates it);
 * - `existing`: PUT …/calls/{client_call_id} — that call must exist;
 * - `named-or-current`: the seed's PUT …/calls — the named call, else the live one, else a new one.
 */
export type CallTarget =
  | { mode: "create"; clientCallId: string }
  | { mode: "existing"; clientCallId: string }
  | { mode: "named-or-current"; clientCallId?: string };

export interface ReportedCall {
  call: Call;
  created: boolean;
}

/** The app reports a call status; it also keeps the session alive and starts it. */
export class ReportCall {
  constructor(
    private readonly ports: { sessions: Sessions; clock: Clock; ids: Ids },
    /** A session's changes in this process take turns. */
    private readonly turns: OneAtATime,
  ) {}

  execute(
    identity: DeviceIdentity,
    sessionId: string,
    target: CallTarget,
    status: CallStatus,
  ): Promise<Result<ReportedCall>> {
    return this.turns.run(sessionId, () =>
      retryOnConflict(() => this.attempt(identity, sessionId, target, status)),
    );
  }

  private async attempt(
    identity: DeviceIdentity,
    sessionId: string,
    target: CallTarget,
    status: CallStatus,
  ): Promise<Result<ReportedCall> | "conflict"> {
    const { sessions, clock } = this.ports;
    // The named call is read beside the session (used only once the session proves the caller's).
    const [loaded, named] = await Promise.all([
      loadOwnedSession(sessions, identity, sessionId),
      target.clientCallId ? sessions.getCall(sessionId, target.clientCallId) : undefined,
    ]);
    if (!loaded.ok) return loaded;
    const session = loaded.value;
    const activity = stepSession(session.state, { type: "CALL_ACTIVITY" });
    if (!activity.allowed) {
      return refused("session", session.state, status);
    }
    const found = await this.findCall(session, target, named);
    if (!found.ok) return found;
    const { call, created } = found.value;
    const step = stepCall(call.state, { type: status });
    // A repeat of the status the call has (a retry whose answer was lost) is answered, not refused.
    if (!step.allowed && call.state === status) return ok({ call, created: false });
    if (!step.allowed) return refused("call", call.state, status);

    const at = clock.now();
    const next: Call = { ...call, state: step.next, statusAt: at };
    const events = [callEvent(call, status, identity.clientId, at)];
    if (activity.next !== session.state) {
      events.push(sessionEvent(session, activity.next, identity.clientId, at));
    }
    const change: SessionChange = {
      ...changeOf(
        session,
        {
          state: activity.next,
          statusAt: activity.next === session.state ? session.statusAt : at,
          lastActivityAt: at,
          // The first call to reach the agent takes the session out of the queue.
          agentReachedAt: session.agentReachedAt ?? (step.next === "call_in_call" ? at : undefined),
        },
        events,
      ),
      calls: [next],
    };
    if (created) await this.replaceLiveCall(change, call);
    if (!(await sessions.save(change))) return "conflict";
    return ok({ call: next, created });
  }

  private async findCall(
    session: Session,
    target: CallTarget,
    named: Call | undefined,
  ): Promise<Result<{ call: Call; created: boolean }>> {
    const { sessions, clock, ids } = this.ports;
    if (named) return ok({ call: named, created: false });
    if (target.mode === "existing") return fail({ kind: "not_found" });
    if (target.mode === "named-or-current" && !target.clientCallId) {
      const live = await sessions.liveCall(session.id);
      if (live) return ok({ call: live, created: false });
    }
    const at = clock.now();
    const callId = ids.callId();
    const call: Call = {
      sessionId: session.id,
      callId,
      clientCallId: target.clientCallId ?? callId,
      state: "new",
      createdAt: at,
      statusAt: at,
    };
    return ok({ call, created: true });
  }

  /** One live call at a time: a new call hangs up the one before it. */
  private async replaceLiveCall(change: SessionChange, newCall: Call): Promise<void> {
    const previous = await this.ports.sessions.liveCall(newCall.sessionId);
    if (!previous) return;
    const hungUp = hangUp(previous, "system", change.session.lastActivityAt, change.events);
    if (hungUp !== previous) change.calls?.unshift(hungUp);
  }
}

const refused = (
  subject: "session" | "call",
  current: Session["state"] | Call["state"],
  requested: string,
) => fail<never>({ kind: "refused_transition", subject, current, requested });
