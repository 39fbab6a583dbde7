import type { Session } from "../../core/model.ts";
import type { StaleSessions } from "../../core/ports.ts";
import type { SqlDatabase } from "./database.ts";
import { sessionColumns, toSession, waiting } from "./rows.ts";

/** The sessions the background jobs look for, on SQLite (each query has a partial index). */
export class SqliteStaleSessions implements StaleSessions {
  private readonly sql;

  constructor(db: SqlDatabase) {
    this.sql = {
      idleSince: db.prepare(
        `SELECT ${sessionColumns} FROM sessions
         WHERE destination_name = ? AND state IN ${waiting} AND last_activity_at < ?`,
      ),
      allocatingSince: db.prepare(
        `SELECT ${sessionColumns} FROM sessions WHERE state = 'allocating' AND created_at < ?`,
      ),
    };
  }

  async idleSince(destinationName: string, cutoff: number): Promise<Session[]> {
    return this.sql.idleSince.all(destinationName, cutoff).map(toSession);
  }

  async allocatingSince(cutoff: number): Promise<Session[]> {
    return this.sql.allocatingSince.all(cutoff).map(toSession);
  }
}
