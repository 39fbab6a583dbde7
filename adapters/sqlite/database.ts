import { WalSync } from "./wal-sync.ts";

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

/** An open SQLite file: its connection, and what makes a commit survive power loss. */
export interface SqliteFile {
  db: SqlDatabase;
  /** With synchronous=FULL: syncs what was committed to disk. */
  log?: WalSync;
}

/**
 * WAL lets readers proceed during writes. The connection commits as NORMAL (the log reaches the
 * operating system, which a killed process does not lose); with synchronous=FULL, the group commit
 * syncs the log after the commits that hold an acknowledged write, answering the others first.
 */
export function applyDurabilitySettings(
  db: SqlDatabase,
  path: string,
  synchronous: "FULL" | "NORMAL",
): SqliteFile {
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA busy_timeout = 5000");
  return { db, log: synchronous === "FULL" ? new WalSync(`${path}-wal`) : undefined };
}
