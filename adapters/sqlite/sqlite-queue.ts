import type { Session } from "../../core/model.ts";
import type { Queue } from "../../core/ports.ts";
import { placesOf } from "../../core/queue-order.ts";
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
  // Those behind, counted up to a limit, with everyone waiting and whether the session itself
  // still waits; and those ahead, up to a limit. Behind first: a session that just joined (every
  // create asks) has nobody behind it, and one statement answers.
  private readonly behind;
  private readonly ahead;
  /** The waiting sessions of a destination from one place in the queue to another, in order. */
  private readonly between;

  constructor(db: SqlDatabase) {
    this.between = db.prepare(
      `SELECT id FROM sessions
       WHERE ${waitingAt} AND (created_at, id) >= (?, ?) AND (created_at, id) <= (?, ?)
       ORDER BY created_at, id`,
    );
    this.behind = db.prepare(
      `SELECT
         (SELECT COUNT(*) FROM (SELECT 1 FROM sessions
            WHERE ${waitingAt} AND (created_at, id) > (?, ?) LIMIT ?)) AS behind,
         (SELECT waiting FROM waiting_counts WHERE destination_name = ?) AS total,
         (SELECT COUNT(*) FROM sessions
            WHERE id = ? AND state IN ${waiting} AND agent_reached_at IS NULL) AS self`,
    );
    this.ahead = db.prepare(
      `SELECT COUNT(*) AS ahead FROM (SELECT 1 FROM sessions
         WHERE ${waitingAt} AND (created_at, id) < (?, ?) LIMIT ?)`,
    );
  }

  async position(session: Session): Promise<number> {
    const isWaiting =
      (session.state === "session_granted" || session.state === "session_started") &&
      session.agentReachedAt === undefined;
    if (!isWaiting) return 0;
    const { destinationName: destination, createdAt, id } = session;
    for (let limit = 64; ; limit *= 4) {
      const counts = this.behind.get(destination, createdAt, id, limit, destination, id);
      const behind = Number(counts?.behind);
      // Everyone waiting, less those behind, less the session itself if it still waits.
      if (behind < limit) return Number(counts?.total ?? 0) - behind - Number(counts?.self) + 1;
      const ahead = Number(this.ahead.get(destination, createdAt, id, limit)?.ahead);
      if (ahead < limit) return ahead + 1;
    }
  }

  positions(sessions: Session[]): Promise<number[]> {
    return placesOf(
      sessions,
      (session) => this.position(session),
      async (first, last) =>
        this.between
          .all(first.destinationName, first.createdAt, first.id, last.createdAt, last.id)
          .map((row) => String(row.id)),
    );
  }
}
