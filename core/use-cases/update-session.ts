import { fail, ok, type Result } from "../errors.ts";
import { type DeviceIdentity, isLive, type SessionStatus } from "../model.ts";
import type { Clock, Queue, Sessions } from "../ports.ts";
import type { OneAtATime } from "./coordination.ts";
import { loadOwnedSession, retryOnConflict } from "./owned-session.ts";
import { sessionChangeFor } from "./session-transition.ts";
import { type SessionView, viewOf } from "./session-views.ts";

/** `close` is DELETE: it ends the session, and a session already over counts as closed. */
export type SessionCommand = "start" | "end" | "close";

const eventFor = { start: "START", end: "END", close: "END" } as const;
const reachedBy: Record<SessionCommand, SessionStatus> = {
  start: "session_started",
  end: "session_ended",
  close: "session_ended",
};

/** The app starts or ends its session (PUT status, DELETE). */
export class UpdateSession {
  constructor(
    private readonly ports: {
      sessions: Sessions;
      queue: Queue;
      clock: Clock;
    },
    /** A session's changes in this process take turns. */
    private readonly turns: OneAtATime,
  ) {}

  execute(
    identity: DeviceIdentity,
    sessionId: string,
    command: SessionCommand,
  ): Promise<Result<SessionView>> {
    return this.turns.run(sessionId, () =>
      retryOnConflict(() => this.attempt(identity, sessionId, command)),
    );
  }

  private async attempt(
    identity: DeviceIdentity,
    sessionId: string,
    command: SessionCommand,
  ): Promise<Result<SessionView> | "conflict"> {
    const { sessions, queue, clock } = this.ports;
    const loaded = await loadOwnedSession(sessions, identity, sessionId);
    if (!loaded.ok) return loaded;
    const session = loaded.value;
    // Repeating the request that ended the session is answered as success.
    const alreadyDone =
      command === "close" ? !isLive(session.state) : session.state === reachedBy[command];
    if (alreadyDone && command !== "start") return ok(await viewOf(queue, session));
    const at = clock.now();
    const change = await sessionChangeFor(
      sessions,
      session,
      { type: eventFor[command] },
      identity.clientId,
      at,
    );
    if (!change) {
      return fail({
        kind: "refused_transition",
        subject: "session",
        current: session.state,
        requested: reachedBy[command],
      });
    }
    change.session.lastActivityAt = at;
    if (!(await sessions.save(change))) return "conflict";
    return ok(await viewOf(queue, change.session));
  }
}
