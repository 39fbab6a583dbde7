import type { Sessions } from "../ports.ts";
import type { UseCaseDeps } from "./deps.ts";
import type { OneAtATime } from "./owned-session.ts";
import { sessionChangeFor } from "./session-transition.ts";

/** Expires sessions idle past their destination's max_inactive_seconds; returns how many. */
export class ExpireIdleSessions {
  constructor(
    private readonly deps: UseCaseDeps,
    /** A session's changes in this process take turns. */
    private readonly turns: OneAtATime,
  ) {}

  async execute(): Promise<number> {
    const { sessions, clock } = this.deps;
    let expired = 0;
    for (const destination of this.deps.destinations.all()) {
      const at = clock.now();
      const idle = await sessions.idleSince(
        destination.name,
        at - destination.maxInactiveSeconds * 1000,
      );
      for (const session of idle) {
        if (await this.turns.run(session.id, () => expire(sessions, session.id, at))) expired++;
      }
    }
    if (expired > 0) this.deps.roomDeletionOwed();
    return expired;
  }
}

async function expire(sessions: Sessions, id: string, at: number): Promise<boolean> {
  const session = await sessions.get(id);
  if (!session) return false;
  const change = await sessionChangeFor(sessions, session, { type: "EXPIRE" }, "system", at);
  // Refused or lost a race with an update: the session is no longer idle, leave it.
  return change !== undefined && (await sessions.save(change));
}
