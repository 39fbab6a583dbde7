import type pg from "pg";
import type { Session } from "../../core/model.ts";
import type { Queue } from "../../core/ports.ts";
import { placesOf } from "../../core/queue-order.ts";
import { Batches } from "./batches.ts";
import { run } from "./queries.ts";

const waiting = "state IN ('session_granted', 'session_started') AND agent_reached_at IS NULL";
const waitingAt = `destination_name = q.destination AND ${waiting}`;

/** Counts asked in one statement at most. */
const batchSize = 128;

// For each session asked (one row of the arrays, with a limit): those behind, and those ahead only
// when too many are behind, each counted up to the limit, walking the queue's index away from the
// session (ordered so, or a plan cached for any parameters read the whole table); everyone waiting
// (kept by a trigger); whether the session itself still waits, found by its id alone (beside the
// queue's conditions, a planner without statistics yet walked the whole queue for it). A new
// session is at the tail: nobody behind it, and those ahead not counted. (OFFSET 0: the counts are
// made once, not once for each mention.) The counts of requests arriving together go in one
// statement, as the reads do (session-reads.ts).
const counts = `SELECT behind, total, self, CASE WHEN behind >= q.lim THEN
    (SELECT count(*)::int FROM (SELECT FROM sessions WHERE ${waitingAt}
       AND (created_at, id) < (q.at, q.id) ORDER BY created_at DESC, id DESC LIMIT q.lim) a) END AS ahead
  FROM unnest($1::text[], $2::bigint[], $3::text[], $4::int[]) WITH ORDINALITY
    AS q(destination, at, id, lim, ord),
  LATERAL (SELECT
    (SELECT count(*)::int FROM (SELECT FROM sessions WHERE ${waitingAt}
       AND (created_at, id) > (q.at, q.id) ORDER BY created_at, id LIMIT q.lim) b) AS behind,
    (SELECT sum(waiting)::int FROM waiting_counts WHERE destination_name = q.destination) AS total,
    (SELECT (${waiting})::int FROM sessions WHERE id = q.id) AS self
    OFFSET 0) counted
  ORDER BY q.ord`;

/** One count asked: the session's place in its destination's queue, each side counted up to `limit`. */
interface Asked {
  session: Session;
  limit: number;
}
type Counted = Record<"ahead" | "behind" | "total" | "self", number | null>;

// The waiting sessions of a destination from one place in the queue to another, in order.
const between = `SELECT id FROM sessions
  WHERE destination_name = $1 AND ${waiting}
    AND (created_at, id) >= ($2, $3) AND (created_at, id) <= ($4, $5)
  ORDER BY created_at, id`;

/**
 * Places in the queue on PostgreSQL: the shorter side of the queue is counted, a little of each
 * side at a time, so neither the head nor the tail counts the whole queue.
 */
export class PostgresQueue implements Queue {
  private readonly counts: Batches<Asked, Counted>;

  constructor(private readonly pool: pg.Pool) {
    this.counts = new Batches(async (asked) => {
      const { rows } = await run(pool, "queue_counts", counts, [
        asked.map((a) => a.session.destinationName),
        asked.map((a) => a.session.createdAt),
        asked.map((a) => a.session.id),
        asked.map((a) => a.limit),
      ]);
      return rows as Counted[];
    }, batchSize);
  }

  async position(session: Session): Promise<number> {
    const isWaiting =
      (session.state === "session_granted" || session.state === "session_started") &&
      session.agentReachedAt === undefined;
    if (!isWaiting) return 0;
    for (let limit = 64; ; limit *= 4) {
      const { ahead, behind, total, self } = await this.counts.run({ session, limit });
      // Everyone waiting, less those behind, less the session itself if it still waits.
      if (Number(behind) < limit) return Number(total ?? 0) - Number(behind) - Number(self) + 1;
      if (Number(ahead) < limit) return Number(ahead) + 1;
    }
  }

  positions(sessions: Session[]): Promise<number[]> {
    return placesOf(
      sessions,
      (session) => this.position(session),
      async (first, last) => {
        const { rows } = await run(this.pool, "queue_between", between, [
          first.destinationName,
          first.createdAt,
          first.id,
          last.createdAt,
          last.id,
        ]);
        return rows.map((row) => String(row.id));
      },
    );
  }
}
