import type { Clock, Destinations, Sessions, StaleSessions } from "../ports.ts";
import type { OneAtATime } from "./coordination.ts";
import { sessionChangeFor } from "./session-transition.ts";

/** Expires sessions idle past their destination's max_inactive_seconds; returns how many. */
export class ExpireIdleSessions {
  constructor(
    private readonly ports: {
      sessions: Sessions;
      staleSessions: StaleSessions;
      destinations: Destinations;
      clock: Clock;
    },
    /** A session's changes in this process take turns. */
    private readonly turns: OneAtATime,
  ) {}

  async execute(): Promise<number> {
    const { staleSessions, destinations, clock } = this.ports;
    let expired = 0;
    for (const destination of destinations.all()) {
      const at = clock.now();
      const cutoff = at - destination.maxInactiveSeconds * 1000;
      for (const session of await staleSessions.idleSince(destination.name, cutoff)) {
        const expire = () => this.expireIfIdle(session.id, cutoff, at);
        if (await this.turns.run(session.id, expire)) expired++;
      }
    }
    return expired;
  }

  /** Read again in its turn: an update since the search may have woken it. */
  private async expireIfIdle(id: string, cutoff: number, at: number): Promise<boolean> {
    const { sessions } = this.ports;
    const session = await sessions.get(id);
    if (!session || session.lastActivityAt >= cutoff) return false;
    const change = await sessionChangeFor(sessions, session, { type: "EXPIRE" }, "system", at);
    // Refused or lost a race with an update: the session is no longer idle, leave it.
    return change !== undefined && (await sessions.save(change));
  }
}
