import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openBetterSqlite } from "../../adapters/sqlite/better-sqlite3.ts";
import { applyDurabilitySettings, type SqlDatabase } from "../../adapters/sqlite/database.ts";
import { migrate } from "../../adapters/sqlite/migrations.ts";
import { sqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import type { Store } from "../../core/ports.ts";
import { inMemoryStore } from "./fakes/in-memory-store.ts";
import type { Instance } from "./harness.ts";
import { outboxContract } from "./store/outbox.contract.ts";
import { queueContract } from "./store/queue.contract.ts";
import { sessionsContract } from "./store/sessions.contract.ts";
import { staleSessionsContract } from "./store/stale-sessions.contract.ts";
import { storeStatusContract } from "./store/store-status.contract.ts";
import { contractTargets } from "./targets.ts";

/** A fresh database file per case, in a folder removed afterwards. */
function sqliteTarget(open: (path: string) => SqlDatabase) {
  return async (): Promise<Instance<Store, never>> => {
    const dir = mkdtempSync(join(tmpdir(), "contract-store-"));
    const store = sqliteStore(open(join(dir, "sessions.db")));
    return {
      subject: store,
      close: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}

const targets = contractTargets<Store, never>("store", {
  "store-fake": async () => ({ subject: inMemoryStore(), close: async () => {} }),
  "store-sqlite": sqliteTarget((path) => openBetterSqlite(path, "NORMAL")),
  // Opened as adapters/sqlite/node-sqlite.ts does, which only the Deno entry may import.
  "store-node-sqlite": sqliteTarget((path) => {
    const sqlite = process.getBuiltinModule("node:sqlite") as {
      DatabaseSync: new (path: string) => SqlDatabase;
    };
    const db = new sqlite.DatabaseSync(path);
    applyDurabilitySettings(db, "NORMAL");
    migrate(db);
    return db;
  }),
});

for (const target of targets) {
  sessionsContract(target);
  staleSessionsContract(target);
  queueContract(target);
  outboxContract(target);
  storeStatusContract(target);
}
