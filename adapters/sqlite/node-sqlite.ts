import process from "node:process";
import { applyDurabilitySettings, type SqlDatabase, type SqliteFile } from "./database.ts";
import { migrate } from "./migrations.ts";

/** The little of node:sqlite used here: its DatabaseSync already fits SqlDatabase. */
interface NodeSqliteModule {
  DatabaseSync: new (path: string) => SqlDatabase;
}

/**
 * Opens (creating if needed) and migrates a SQLite file with node:sqlite, for Deno (better-sqlite3
 * is a native Node addon). The module is fetched at run time rather than imported: Node 20 has no
 * node:sqlite (it arrives in 22.5) and @types/node 20 no types for it.
 */
export function openNodeSqlite(path: string, synchronous: "FULL" | "NORMAL" = "FULL"): SqliteFile {
  const sqlite = process.getBuiltinModule("node:sqlite") as NodeSqliteModule | undefined;
  if (!sqlite) throw new Error("node:sqlite is not available: run on Deno or Node ≥ 22.5");
  const db = new sqlite.DatabaseSync(path);
  const file = applyDurabilitySettings(db, path, synchronous);
  migrate(db);
  return file;
}
