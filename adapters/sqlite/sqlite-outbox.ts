import type { PendingRoomDeletion, RoomDeletionOutbox } from "../../core/ports.ts";
import { columnsOf } from "./columns.ts";
import type { Row, SqlDatabase } from "./database.ts";
import type { GroupCommit } from "./group-commit.ts";

/** A room_deletions row as the outbox hands it out. */
function pending(row: Row): PendingRoomDeletion {
  const c = columnsOf(row, "room_deletions");
  return {
    id: c.int("id"),
    roomName: c.text("room_name"),
    attempts: c.int("attempts"),
    sessionId: c.textOrNull("session_id") ?? undefined,
  };
}

/** The room deletions owed to MaxConf, on SQLite; rows are written by SqliteSessions.save. */
export class SqliteRoomDeletionOutbox implements RoomDeletionOutbox {
  private readonly sql;

  private readonly listeners: (() => void)[] = [];

  constructor(
    db: SqlDatabase,
    private readonly commits: GroupCommit,
  ) {
    this.sql = {
      claim: db.prepare(
        `UPDATE room_deletions SET claimed_until = ? WHERE id IN (
           SELECT id FROM room_deletions
           WHERE delivered_at IS NULL AND next_attempt_at <= ?
             AND (claimed_until IS NULL OR claimed_until <= ?)
           ORDER BY next_attempt_at, id LIMIT ?)
         RETURNING id, room_name, attempts, session_id, next_attempt_at`,
      ),
      delivered: db.prepare(
        `UPDATE room_deletions SET delivered_at = ?, claimed_until = NULL WHERE id = ?`,
      ),
      failed: db.prepare(
        `UPDATE room_deletions SET attempts = attempts + 1, next_attempt_at = ?,
           claimed_until = NULL WHERE id = ?`,
      ),
    };
  }

  async claim(now: number, limit: number, leaseMs: number): Promise<PendingRoomDeletion[]> {
    const rows = await this.commits.write(true, () =>
      this.sql.claim.all(now + leaseMs, now, now, limit),
    );
    // RETURNING gives no order: oldest first, as claimed.
    return rows
      .map((row) => ({ row: pending(row), due: Number(row.next_attempt_at) }))
      .sort((a, b) => a.due - b.due || a.row.id - b.row.id)
      .map(({ row }) => row);
  }

  async delivered(id: number, at: number): Promise<void> {
    await this.commits.write(true, () => this.sql.delivered.run(at, id));
  }

  async failed(id: number, retryAt: number): Promise<void> {
    await this.commits.write(true, () => this.sql.failed.run(retryAt, id));
  }

  whenOwed(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** SqliteSessions committed a change that owes deletions. */
  owed(): void {
    for (const listener of this.listeners) listener();
  }
}
