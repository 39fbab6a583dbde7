import type { Session } from "../../core/model.ts";
import type { Queue } from "../../core/ports.ts";
import type { SqlDatabase } from "./database.ts";
import { waiting } from "./rows.ts";

/** Waiting sessions of one destination (the first parameter). */
const waitingAt = `destination_name = ? AND state IN ${waiting} AND agent_reached_at IS NULL`;

/**
 * Places in the queue on SQLite. Counts the shorter side of the queue, a little of each side at a
 * time: behind a session that just joined there is nobody, ahead of the head nobody either;
 * neither counts the whole queue (the total comes from a trigger-kept count, migration 2).
 */
export class SqliteQueue implements Queue {
  // Those ahead and those behind, each counted up to a limit; everyone waiting; and whether the
  // session itself still waits.
  private readonly counts;

  constructor(db: SqlDatabase) {
    this.counts = db.prepare(
      `SELECT
         (SELECT COUNT(*) FROM (SELECT 1 FROM sessions
            WHERE ${waitingAt} AND (created_at, id) < (?, ?) LIMIT ?)) AS ahead,
         (SELECT COUNT(*) FROM (SELECT 1 FROM sessions
            WHERE ${waitingAt} AND (created_at, id) > (?, ?) LIMIT ?)) AS behind,
         (SELECT waiting FROM waiting_counts WHERE destination_name = ?) AS total,
         (SELECT COUNT(*) FROM sessions
            WHERE id = ? AND state IN ${waiting} AND agent_reached_at IS NULL) AS self`,
    );
  }

  async position(session: Session): Promise<number> {
    const isWaiting =
      (session.state === "session_granted" || session.state === "session_started") &&
      session.agentReachedAt === undefined;
    if (!isWaiting) return 0;
    const { destinationName: destination, createdAt, id } = session;
    for (let limit = 64; ; limit *= 4) {
      const side = [destination, createdAt, id, limit];
      const counts = this.counts.get(...side, ...side, destination, id);
      const ahead = Number(counts?.ahead);
      if (ahead < limit) return ahead + 1;
      const behind = Number(counts?.behind);
      // Everyone waiting, less those behind, less the session itself if it still waits.
      if (behind < limit) return Number(counts?.total ?? 0) - behind - Number(counts?.self) + 1;
    }
  }
}
