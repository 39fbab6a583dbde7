import type { Session } from "../../core/model.ts";
import type { Queue } from "../../core/ports.ts";
import { placeInQueue, placesOf, type SideCount } from "../../core/queue-order.ts";
import type { SqlDatabase } from "./database.ts";
import { waiting } from "./rows.ts";

/** Waiting sessions of one destination (the first parameter). */
const waitingAt = `destination_name = ? AND state IN ${waiting} AND agent_reached_at IS NULL`;

/**
 * Places in the queue on SQLite: each side of a session counted up to a limit, walking the queue's
 * index away from it (`placeInQueue` chooses which side, how far); everyone waiting comes from a
 * trigger-kept count (migration 2).
 */
export class SqliteQueue implements Queue {
  private readonly counts;
  private readonly ends;
  /** The waiting sessions of a destination from one place in the queue to another, in order. */
  private readonly between;

  constructor(db: SqlDatabase) {
    const withTotals = (side: "<" | ">") =>
      db.prepare(
        `SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM sessions
             WHERE ${waitingAt} AND (created_at, id) ${side} (?, ?) LIMIT ?)) AS counted,
           (SELECT waiting FROM waiting_counts WHERE destination_name = ?) AS total,
           (SELECT COUNT(*) FROM sessions
              WHERE id = ? AND state IN ${waiting} AND agent_reached_at IS NULL) AS self`,
      );
    this.counts = { ahead: withTotals("<"), behind: withTotals(">") };
    const end = (order: "ASC" | "DESC") =>
      `(SELECT created_at FROM sessions WHERE ${waitingAt} ORDER BY created_at ${order} LIMIT 1)`;
    this.ends = db.prepare(`SELECT ${end("ASC")} AS first, ${end("DESC")} AS last`);
    this.between = db.prepare(
      `SELECT id FROM sessions
       WHERE ${waitingAt} AND (created_at, id) >= (?, ?) AND (created_at, id) <= (?, ?)
       ORDER BY created_at, id`,
    );
  }

  position(session: Session): Promise<number> {
    return placeInQueue(session, async (s, side, limit) => this.count(s, side, limit));
  }

  private count(session: Session, side: "ahead" | "behind", limit: number): SideCount {
    const { destinationName: destination, createdAt, id } = session;
    const row = this.counts[side].get(destination, createdAt, id, limit, destination, id);
    const counted = Number(row?.counted);
    const sideCount = { counted, total: Number(row?.total ?? 0), self: Number(row?.self) };
    if (counted < limit) return sideCount;
    const ends = this.ends.get(destination, destination);
    return { ...sideCount, ends: { first: Number(ends?.first), last: Number(ends?.last) } };
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
