import { ok, type Result } from "../errors.ts";
import type { DeviceIdentity, Session } from "../model.ts";
import type { Sessions } from "../ports.ts";
import { loadOwnedSession } from "./owned-session.ts";

/** A session as the app sees it: its record and its place in the destination's queue. */
export interface SessionView {
  session: Session;
  queuePosition: number;
}

export async function viewOf(sessions: Sessions, session: Session): Promise<SessionView> {
  return { session, queuePosition: await sessions.queuePosition(session) };
}

export class GetSession {
  constructor(private readonly deps: { sessions: Sessions }) {}

  async execute(identity: DeviceIdentity, sessionId: string): Promise<Result<SessionView>> {
    const loaded = await loadOwnedSession(this.deps.sessions, identity, sessionId);
    if (!loaded.ok) return loaded;
    return ok(await viewOf(this.deps.sessions, loaded.value));
  }
}
