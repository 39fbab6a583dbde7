import { ok, type Result } from "../errors.ts";
import type { DeviceIdentity, Session } from "../model.ts";
import type { Queue, Sessions } from "../ports.ts";
import { loadOwnedSession } from "./owned-session.ts";

/** A session as the app sees it: its record and its place in the destination's queue. */
export interface SessionView {
  session: Session;
  queuePosition: number;
}

export async function viewOf(queue: Queue, session: Session): Promise<SessionView> {
  return { session, queuePosition: await queue.position(session) };
}

/** The app reads its session (GET). */
export class GetSession {
  constructor(private readonly ports: { sessions: Sessions; queue: Queue }) {}

  async execute(identity: DeviceIdentity, sessionId: string): Promise<Result<SessionView>> {
    const loaded = await loadOwnedSession(this.ports.sessions, identity, sessionId);
    if (!loaded.ok) return loaded;
    return ok(await viewOf(this.ports.queue, loaded.value));
  }
}
