/**
 * The little of a SQLite driver the store needs. better-sqlite3 (Node) and node:sqlite (Deno)
 * both fit it, so the SQL and the store are written once. Parameters are positional.
 */
export type SqlValue = string | number | bigint | null;
export type Row = Record<string, SqlValue>;

export interface SqlStatement {
  run(...params: SqlValue[]): { changes: number | bigint };
  get(...params: SqlValue[]): Row | undefined;
  all(...params: SqlValue[]): Row[];
}

export interface SqlDatabase {
  exec(sql: string): void;
  prepare(sql: string): SqlStatement;
  close(): void;
}

/** Runs `work` in one immediate transaction: all of it is written, or none. */
export function inTransaction<T>(db: SqlDatabase, work: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = work();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

/** WAL lets readers proceed during writes; FULL makes every acknowledged commit survive power loss. */
export function applyDurabilitySettings(db: SqlDatabase, synchronous: "FULL" | "NORMAL"): void {
  db.exec("PRAGMA journal_mode = WAL");
  db.exec(`PRAGMA synchronous = ${synchronous}`);
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA busy_timeout = 5000");
}
