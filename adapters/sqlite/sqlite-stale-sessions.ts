import type { Session } from "../../core/model.ts";
import type { IdleCutoffs, StaleSessions } from "../../core/ports.ts";
import type { SqlDatabase } from "./database.ts";
import { sessionColumns, toSession, waiting } from "./rows.ts";

/**
 * The sessions the background jobs look for, on SQLite (each query has a partial index). One
 * process has the file: an allocating session another store instance wrote is orphaned.
 */
export class SqliteStaleSessions implements StaleSessions {
  private readonly sql;

  constructor(
    db: SqlDatabase,
    private readonly owner: string,
  ) {
    this.sql = {
      // Waiting for the agent: a live call ringing or pending media.
      idleSince: db.prepare(
        `SELECT ${sessionColumns} FROM sessions s
         WHERE destination_name = ? AND state IN ${waiting} AND last_activity_at < ?
           AND (last_activity_at < ? OR NOT EXISTS (SELECT 1 FROM calls c
             WHERE c.session_id = s.id AND c.state IN ('call_ringing', 'call_media_pending')))`,
      ),
      orphaned: db.prepare(
        `SELECT ${sessionColumns} FROM sessions
         WHERE state = 'allocating' AND allocated_by IS NOT ?`,
      ),
      isOrphaned: db.prepare(
        `SELECT 1 AS orphaned FROM sessions
         WHERE id = ? AND state = 'allocating' AND allocated_by IS NOT ?`,
      ),
    };
  }

  async idleSince(destinationName: string, cutoffs: IdleCutoffs): Promise<Session[]> {
    return this.sql.idleSince.all(destinationName, cutoffs.idle, cutoffs.waiting).map(toSession);
  }

  async orphanedAllocations(): Promise<Session[]> {
    return this.sql.orphaned.all(this.owner).map(toSession);
  }

  async isOrphaned(sessionId: string): Promise<boolean> {
    return this.sql.isOrphaned.get(sessionId, this.owner) !== undefined;
  }
}
