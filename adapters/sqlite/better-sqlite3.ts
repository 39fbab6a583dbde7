import Database from "better-sqlite3";
import { applyDurabilitySettings, type SqlDatabase, type SqliteFile } from "./database.ts";
import { migrate } from "./migrations.ts";

/**
 * Pages of the database kept in this process, in KiB (negative: a size, not a page count):
 * SQLite's own default, 2 MB, as node:sqlite has it. better-sqlite3 builds SQLite with 16 MB
 * (SQLITE_DEFAULT_CACHE_SIZE=-16000), which the timelines of 10,000 live sessions fill: 16 MB of
 * the process's memory for pages the kernel's file cache holds anyway.
 */
const pageCacheKib = 2000;

/** Opens (creating if needed) and migrates a SQLite file with better-sqlite3, for Node. */
export function openBetterSqlite(
  path: string,
  synchronous: "FULL" | "NORMAL" = "FULL",
): SqliteFile {
  const db = new Database(path) as unknown as SqlDatabase;
  db.exec(`PRAGMA cache_size = -${pageCacheKib}`);
  const file = applyDurabilitySettings(db, path, synchronous);
  migrate(db);
  return file;
}
