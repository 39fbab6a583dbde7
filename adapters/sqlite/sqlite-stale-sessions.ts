import type { Session } from "../../core/model.ts";
import type { StaleSessions } from "../../core/ports.ts";
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
      idleSince: db.prepare(
        `SELECT ${sessionColumns} FROM sessions
         WHERE destination_name = ? AND state IN ${waiting} AND last_activity_at < ?`,
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

  async idleSince(destinationName: string, cutoff: number): Promise<Session[]> {
    return this.sql.idleSince.all(destinationName, cutoff).map(toSession);
  }

  async orphanedAllocations(): Promise<Session[]> {
    return this.sql.orphaned.all(this.owner).map(toSession);
  }

  async isOrphaned(sessionId: string): Promise<boolean> {
    return this.sql.isOrphaned.get(sessionId, this.owner) !== undefined;
  }
}
