import { waitingCallStates } from "../model.ts";
import type { Clock, Destinations, IdleCutoffs, Sessions, StaleSessions } from "../ports.ts";
import type { OneAtATime } from "./coordination.ts";
import { sessionChangeFor } from "./session-transition.ts";

/**
 * Expires sessions idle past their destination's max_inactive_seconds, or, while a call of theirs
 * waits for the agent (the app sends nothing in the queue), past its max_queue_wait_seconds.
 * Returns how many.
 */
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
      const cutoffs: IdleCutoffs = {
        idle: at - destination.maxInactiveSeconds * 1000,
        waiting: at - destination.maxQueueWaitSeconds * 1000,
      };
      for (const session of await staleSessions.idleSince(destination.name, cutoffs)) {
        const expire = () => this.expireIfIdle(session.id, cutoffs, at);
        if (await this.turns.run(session.id, expire)) expired++;
      }
    }
    return expired;
  }

  /** Read again in its turn: an update since the search may have woken it. */
  private async expireIfIdle(id: string, cutoffs: IdleCutoffs, at: number): Promise<boolean> {
    const { sessions } = this.ports;
    const session = await sessions.get(id);
    if (!session) return false;
    const live = await sessions.liveCall(id);
    const waiting = live !== undefined && waitingCallStates.includes(live.state);
    if (session.lastActivityAt >= (waiting ? cutoffs.waiting : cutoffs.idle)) return false;
    const change = await sessionChangeFor(sessions, session, { type: "EXPIRE" }, "system", at);
    // Refused or lost a race with an update: the session is no longer idle, leave it.
    return change !== undefined && (await sessions.save(change));
  }
}
