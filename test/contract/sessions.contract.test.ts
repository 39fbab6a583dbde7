import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openBetterSqlite } from "../../adapters/sqlite/better-sqlite3.ts";
import { applyDurabilitySettings, type SqlDatabase } from "../../adapters/sqlite/database.ts";
import { migrate } from "../../adapters/sqlite/migrations.ts";
import { SqliteSessions } from "../../adapters/sqlite/sqlite-sessions.ts";
import type { Sessions } from "../../core/ports.ts";
import { InMemorySessions } from "./fakes/in-memory-sessions.ts";
import type { Instance } from "./harness.ts";
import { sessionsContract } from "./sessions.contract.ts";
import { contractTargets } from "./targets.ts";

/** A fresh database file per case, in a folder removed afterwards. */
function sqliteTarget(open: (path: string) => SqlDatabase) {
  return async (): Promise<Instance<Sessions, never>> => {
    const dir = mkdtempSync(join(tmpdir(), "contract-sessions-"));
    const db = open(join(dir, "sessions.db"));
    return {
      subject: new SqliteSessions(db),
      close: async () => {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}

const targets = contractTargets<Sessions, never>("sessions", {
  "sessions-fake": async () => ({ subject: new InMemorySessions(), close: async () => {} }),
  "sessions-sqlite": sqliteTarget((path) => openBetterSqlite(path, "NORMAL")),
  // Opened as adapters/sqlite/node-sqlite.ts does, which only the Deno entry may import.
  "sessions-node-sqlite": sqliteTarget((path) => {
    const sqlite = process.getBuiltinModule("node:sqlite") as {
      DatabaseSync: new (path: string) => SqlDatabase;
    };
    const db = new sqlite.DatabaseSync(path);
    applyDurabilitySettings(db, "NORMAL");
    migrate(db);
    return db;
  }),
});

for (const target of targets) sessionsContract(target);
