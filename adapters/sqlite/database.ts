import { WalFlush } from "./wal-flush.ts";

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
  /** With synchronous=FULL: flushes what was committed to disk, off the event loop. */
  flush?: WalFlush;
}

/**
 * WAL lets readers proceed during writes. synchronous=FULL makes every acknowledged commit survive
 * power loss: the connection itself commits as NORMAL does, and the log is flushed after it by
 * WalFlush, whose wait for the disk does not block the event loop as the connection's would.
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
  return { db, flush: synchronous === "FULL" ? new WalFlush(`${path}-wal`) : undefined };
}
