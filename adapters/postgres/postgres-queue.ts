import type pg from "pg";
import type { Session } from "../../core/model.ts";
import type { Queue } from "../../core/ports.ts";
import { placeInQueue, placesOf, type SideCount } from "../../core/queue-order.ts";
import { Batches } from "./batches.ts";
import { run } from "./queries.ts";

const waiting = "state IN ('session_granted', 'session_started') AND agent_reached_at IS NULL";

/** Counts asked in one statement at most. */
const batchSize = 128;

// Each session's count on its side, with the queue's total and ends: one function
// (schema/v14-generic-queue-counts.ts), whose plan is made once. The counts of requests arriving
// together go in one statement, as the reads do (session-reads.ts).
const counts = "SELECT * FROM queue_counts($1, $2, $3, $4, $5) ORDER BY ord";

/** One count asked: one side of the session, up to `limit`. */
interface Asked {
  session: Session;
  side: "ahead" | "behind";
  limit: number;
}
type Counted = Record<"counted" | "total" | "self" | "first_at" | "last_at", number | null>;

// The waiting sessions of a destination from one place in the queue to another, in order.
const between = `SELECT id FROM sessions
  WHERE destination_name = $1 AND ${waiting}
    AND (created_at, id) >= ($2, $3) AND (created_at, id) <= ($4, $5)
  ORDER BY created_at, id`;

const sideCount = ({ counted, total, self, first_at, last_at }: Counted): SideCount => ({
  counted: Number(counted),
  total: Number(total ?? 0),
  self: Number(self),
  ...(first_at === null ? {} : { ends: { first: Number(first_at), last: Number(last_at) } }),
});

/**
 * Places in the queue on PostgreSQL: each side of a session counted up to a limit
 * (`placeInQueue` chooses which side, how far), so neither the head nor the tail counts the whole
 * queue.
 */
export class PostgresQueue implements Queue {
  private readonly counts: Batches<Asked, SideCount>;

  constructor(private readonly pool: pg.Pool) {
    this.counts = new Batches(async (asked) => {
      const { rows } = await run(pool, "queue_counts", counts, [
        asked.map((a) => a.session.destinationName),
        asked.map((a) => a.session.createdAt),
        asked.map((a) => a.session.id),
        asked.map((a) => a.limit),
        asked.map((a) => a.side === "ahead"),
      ]);
      return (rows as Counted[]).map(sideCount);
    }, batchSize);
  }

  position(session: Session): Promise<number> {
    return placeInQueue(session, (s, side, limit) => this.counts.run({ session: s, side, limit }));
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
