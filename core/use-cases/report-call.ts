import { fail, ok, type Result } from "../errors.ts";
import type { Call, CallStatus, DeviceIdentity, Session, SessionEvent } from "../model.ts";
import type { SessionChange } from "../ports.ts";
import { stepCall, stepSession } from "../statechart.ts";
import type { UseCaseDeps } from "./deps.ts";
import { loadOwnedSession, type OneAtATime, retryOnConflict } from "./owned-session.ts";

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
    private readonly deps: UseCaseDeps,
    /** A session's changes in this process take turns. */
    private readonly turns: OneAtATime,
  ) {}

  execute(
    identity: DeviceIdentity,
    sessionId: string,
    target: CallTarget,
    status: CallStatus,
  ): Promise<Result<ReportedCall>> {
    return this.turns.run(sessionId, () => this.attempt(identity, sessionId, target, status));
  }

  private attempt(
    identity: DeviceIdentity,
    sessionId: string,
    target: CallTarget,
    status: CallStatus,
  ): Promise<Result<ReportedCall>> {
    const { sessions, clock } = this.deps;
    return retryOnConflict(async () => {
      const loaded = await loadOwnedSession(sessions, identity, sessionId);
      if (!loaded.ok) return loaded;
      const session = loaded.value;
      const at = clock.now();
      const activity = stepSession(session.state, { type: "CALL_ACTIVITY" });
      if (!activity.allowed) {
        return fail({
          kind: "refused_transition",
          subject: "session",
          current: session.state,
          requested: status,
        });
      }
      const found = await this.findCall(session, target);
      if (!found.ok) return found;
      const { call, created } = found.value;
      const step = stepCall(call.state, { type: status });
      if (!step.allowed) {
        return fail({
          kind: "refused_transition",
          subject: "call",
          current: call.state,
          requested: status,
        });
      }
      const events: SessionEvent[] = [];
      const next: Call = { ...call, state: step.next, statusAt: at };
      events.push({
        sessionId,
        callId: call.callId,
        kind: "call",
        status,
        actor: identity.clientId,
        at,
      });
      const change: SessionChange = {
        session: {
          ...session,
          state: activity.next,
          statusAt: activity.next === session.state ? session.statusAt : at,
          lastActivityAt: at,
          // The first call to reach the agent takes the session out of the queue.
          agentReachedAt: session.agentReachedAt ?? (step.next === "call_in_call" ? at : undefined),
          version: session.version + 1,
        },
        expectedVersion: session.version,
        calls: [next],
        events,
      };
      if (activity.next !== session.state) {
        events.push({
          sessionId,
          kind: "session",
          status: activity.next,
          actor: identity.clientId,
          at,
        });
      }
      if (created) await this.replaceLiveCall(change, call);
      if (!(await sessions.save(change))) return "conflict";
      return ok({ call: next, created });
    });
  }

  private async findCall(
    session: Session,
    target: CallTarget,
  ): Promise<Result<{ call: Call; created: boolean }>> {
    const { sessions } = this.deps;
    const named = target.clientCallId
      ? await sessions.getCall(session.id, target.clientCallId)
      : undefined;
    if (named) return ok({ call: named, created: false });
    if (target.mode === "existing") return fail({ kind: "not_found" });
    if (target.mode === "named-or-current" && !target.clientCallId) {
      const live = await sessions.liveCall(session.id);
      if (live) return ok({ call: live, created: false });
    }
    const at = this.deps.clock.now();
    const callId = this.deps.ids.callId();
    return ok({
      call: {
        sessionId: session.id,
        callId,
        clientCallId: target.clientCallId ?? callId,
        state: "new",
        createdAt: at,
        statusAt: at,
      },
      created: true,
    });
  }

  /** One live call at a time: a new call hangs up the one before it. */
  private async replaceLiveCall(change: SessionChange, newCall: Call): Promise<void> {
    const previous = await this.deps.sessions.liveCall(newCall.sessionId);
    if (!previous) return;
    const step = stepCall(previous.state, { type: "HANG_UP" });
    if (!step.allowed) return;
    const at = change.session.lastActivityAt;
    change.calls?.unshift({ ...previous, state: step.next, statusAt: at });
    change.events.push({
      sessionId: previous.sessionId,
      callId: previous.callId,
      kind: "call",
      status: step.next,
      actor: "system",
      at,
    });
  }
}
