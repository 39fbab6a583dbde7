import Database from "better-sqlite3";
import { applyDurabilitySettings, type SqlDatabase, type SqliteFile } from "./database.ts";
import { migrate } from "./migrations.ts";

/** Opens (creating if needed) and migrates a SQLite file with better-sqlite3, for Node. */
export function openBetterSqlite(
  path: string,
  synchronous: "FULL" | "NORMAL" = "FULL",
): SqliteFile {
  const db = new Database(path) as unknown as SqlDatabase;
  const file = applyDurabilitySettings(db, path, synchronous);
  migrate(db);
  return file;
}
