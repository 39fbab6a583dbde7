import type pg from "pg";
import type { Session } from "../../core/model.ts";
import type { IdleCutoffs, StaleSessions } from "../../core/ports.ts";
import { run } from "./queries.ts";
import { sessionFields, toSession } from "./rows.ts";

/** An allocating session whose replica's heartbeat has lapsed (or that never had one). */
const orphaned = `state = 'allocating' AND NOT EXISTS (SELECT FROM replicas r
  WHERE r.id = sessions.allocated_by AND r.alive_until > now())`;

/** The sessions the background jobs look for, on PostgreSQL, whichever replica wrote them. */
export class PostgresStaleSessions implements StaleSessions {
  constructor(private readonly pool: pg.Pool) {}

  async idleSince(destinationName: string, cutoffs: IdleCutoffs): Promise<Session[]> {
    // Waiting for the agent: a live call ringing or pending media.
    const { rows } = await run(
      this.pool,
      "idle_since",
      `SELECT ${sessionFields} FROM sessions WHERE destination_name = $1
         AND state IN ('session_granted', 'session_started') AND last_activity_at < $2
         AND (last_activity_at < $3 OR NOT EXISTS (SELECT FROM calls c WHERE c.session_id =
           sessions.id AND c.state IN ('call_ringing', 'call_media_pending')))`,
      [destinationName, cutoffs.idle, cutoffs.waiting],
    );
    return rows.map(toSession);
  }

  async orphanedAllocations(): Promise<Session[]> {
    const { rows } = await run(
      this.pool,
      "orphaned_allocations",
      `SELECT ${sessionFields} FROM sessions WHERE ${orphaned}`,
    );
    return rows.map(toSession);
  }

  async isOrphaned(sessionId: string): Promise<boolean> {
    const { rows } = await run(
      this.pool,
      "is_orphaned",
      `SELECT FROM sessions WHERE id = $1 AND ${orphaned}`,
      [sessionId],
    );
    return rows.length > 0;
  }
}
