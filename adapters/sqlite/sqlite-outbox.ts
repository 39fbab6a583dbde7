import { z } from "zod";
import type { PendingRoomDeletion, RoomDeletionOutbox } from "../../core/ports.ts";
import type { SqlDatabase } from "./database.ts";
import type { GroupCommit } from "./group-commit.ts";

const pendingRow = z
  .object({ id: z.number().int(), room_name: z.string(), attempts: z.number().int() })
  .transform((row) => ({ id: row.id, roomName: row.room_name, attempts: row.attempts }));

/** The room deletions owed to MaxConf, on SQLite; rows are written by SqliteSessions.save. */
export class SqliteRoomDeletionOutbox implements RoomDeletionOutbox {
  private readonly sql;

  private readonly listeners: (() => void)[] = [];

  constructor(
    db: SqlDatabase,
    private readonly commits: GroupCommit,
  ) {
    this.sql = {
      due: db.prepare(
        `SELECT id, room_name, attempts FROM room_deletions
         WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`,
      ),
      delivered: db.prepare(`UPDATE room_deletions SET delivered_at = ? WHERE id = ?`),
      failed: db.prepare(
        `UPDATE room_deletions SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?`,
      ),
    };
  }

  async due(now: number, limit: number): Promise<PendingRoomDeletion[]> {
    return this.sql.due.all(now, limit).map((row) => pendingRow.parse(row));
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
