import type { Session } from "../model.ts";
import type { Clock, Queue, SessionSearch, Timeline } from "../ports.ts";
import type { SessionHistory } from "../timeline.ts";
import { type Verdict, verdictOf } from "../verdict.ts";

/** A session as support staff see it in a list. */
export interface SessionSummary {
  session: Session;
  queuePosition: number;
}

/** Support staff look for sessions (by id, request id, room, status, time), newest first. */
export class SearchSessions {
  constructor(private readonly ports: { timeline: Timeline; queue: Queue }) {}

  async execute(query: SessionSearch): Promise<SessionSummary[]> {
    const found = await this.ports.timeline.search(query);
    const places = await this.ports.queue.positions(found);
    return found.map((session, i) => ({ session, queuePosition: places[i] ?? 0 }));
  }
}

/** A session's timeline, with the verdict on where it went wrong; undefined when unknown. */
export class ReadTimeline {
  constructor(private readonly ports: { timeline: Timeline; queue: Queue; clock: Clock }) {}

  async execute(
    sessionId: string,
  ): Promise<(SessionHistory & { verdict: Verdict; queuePosition: number }) | undefined> {
    const history = await this.ports.timeline.history(sessionId);
    if (!history) return undefined;
    return {
      ...history,
      verdict: verdictOf(history, this.ports.clock.now()),
      queuePosition: await this.ports.queue.position(history.session),
    };
  }
}
