import type pg from "pg";
import { z } from "zod";
import type { PendingRoomDeletion, RoomDeletionOutbox } from "../../core/ports.ts";
import { run } from "./queries.ts";

const claimed = z.object({
  id: z.number().int(),
  roomName: z.string(),
  attempts: z.number().int(),
  sessionId: z
    .string()
    .nullable()
    .transform((id) => id ?? undefined),
  due: z.number().int(),
});

/**
 * The room deletions owed to MaxConf, on PostgreSQL; rows are written by PostgresSessions.save.
 * A claim locks the rows it takes and skips those another replica is claiming at that moment, so
 * two replicas never take the same deletion; the lease hands it on if the claimer dies.
 */
export class PostgresRoomDeletionOutbox implements RoomDeletionOutbox {
  private readonly listeners: (() => void)[] = [];

  constructor(private readonly pool: pg.Pool) {}

  async claim(now: number, limit: number, leaseMs: number): Promise<PendingRoomDeletion[]> {
    const { rows } = await run(
      this.pool,
      "claim_deletions",
      `UPDATE room_deletions SET claimed_until = $1::bigint + $3 WHERE id IN (
         SELECT id FROM room_deletions
         WHERE delivered_at IS NULL AND next_attempt_at <= $1
           AND (claimed_until IS NULL OR claimed_until <= $1)
         ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id, room_name AS "roomName", attempts, session_id AS "sessionId",
         next_attempt_at AS due`,
      [now, limit, leaseMs],
    );
    return rows
      .map((row) => claimed.parse(row))
      .sort((a, b) => a.due - b.due || a.id - b.id)
      .map(({ id, roomName, attempts, sessionId }) => ({ id, roomName, attempts, sessionId }));
  }

  async delivered(id: number, at: number): Promise<void> {
    await run(
      this.pool,
      "deletion_delivered",
      "UPDATE room_deletions SET delivered_at = $1, claimed_until = NULL WHERE id = $2",
      [at, id],
    );
  }

  async failed(id: number, retryAt: number): Promise<void> {
    await run(
      this.pool,
      "deletion_failed",
      `UPDATE room_deletions SET attempts = attempts + 1, next_attempt_at = $1,
         claimed_until = NULL WHERE id = $2`,
      [retryAt, id],
    );
  }

  whenOwed(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** PostgresSessions committed a change that owes deletions. */
  owed(): void {
    for (const listener of this.listeners) listener();
  }
}
