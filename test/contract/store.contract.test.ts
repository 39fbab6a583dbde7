import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPostgresStore } from "../../adapters/postgres/postgres-store.ts";
import { openBetterSqlite } from "../../adapters/sqlite/better-sqlite3.ts";
import {
  applyDurabilitySettings,
  type SqlDatabase,
  type SqliteFile,
} from "../../adapters/sqlite/database.ts";
import { migrate } from "../../adapters/sqlite/migrations.ts";
import { sqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import { storeInThread } from "../../adapters/sqlite/store-thread.ts";
import type { Store } from "../../core/ports.ts";
import { emptiedDatabase } from "../support/postgres.ts";
import { InMemoryData } from "./fakes/in-memory-sessions.ts";
import { inMemoryStore } from "./fakes/in-memory-store.ts";
import type { Instance } from "./harness.ts";
import { outboxContract } from "./store/outbox.contract.ts";
import { queueContract } from "./store/queue.contract.ts";
import { savesAtOnceContract } from "./store/saves-at-once.contract.ts";
import { sessionsContract } from "./store/sessions.contract.ts";
import { staleSessionsContract } from "./store/stale-sessions.contract.ts";
import type { StoreControls } from "./store/store-fixtures.ts";
import { storeStatusContract } from "./store/store-status.contract.ts";
import { timelineContract } from "./store/timeline.contract.ts";
import { contractTargets } from "./targets.ts";

/** The store, and the other stores a case opens on its database, all closed afterwards. */
async function instance(
  open: () => Promise<Store>,
  cleanUp: () => Promise<void> = async () => {},
): Promise<Instance<Store, StoreControls>> {
  const opened = [await open()];
  return {
    subject: opened[0] as Store,
    controls: {
      anotherProcess: async () => {
        const another = await open();
        opened.push(another);
        return another;
      },
    },
    close: async () => {
      // A case may have closed one already (a process that went away).
      await Promise.all(opened.map((store) => store.close().catch(() => {})));
      await cleanUp();
    },
  };
}

/** A fresh database file per case, in a folder removed afterwards. */
function sqliteTarget(open: (path: string) => Promise<Store>) {
  return async (): Promise<Instance<Store, StoreControls>> => {
    const dir = mkdtempSync(join(tmpdir(), "contract-store-"));
    return instance(
      () => open(join(dir, "sessions.db")),
      async () => rmSync(dir, { recursive: true, force: true }),
    );
  };
}
const inThisThread = (open: (path: string) => SqliteFile) => async (path: string) =>
  sqliteStore(open(path));

const postgresDatabase = emptiedDatabase();

const targets = contractTargets<Store, StoreControls>("store", {
  "store-fake": async () => {
    const data = new InMemoryData();
    return instance(async () => inMemoryStore(data));
  },
  "store-postgres": async () => {
    const settings = { url: await postgresDatabase(), poolSize: 4, statementTimeoutMs: 5000 };
    return instance(async () => (await openPostgresStore(settings, () => {})).store);
  },
  // FULL: acknowledged writes are answered once the log is synced (adapters/sqlite/group-commit.ts).
  "store-sqlite": sqliteTarget(inThisThread((path) => openBetterSqlite(path, "FULL"))),
  // As the service has it: the same store on a thread of its own.
  "store-sqlite-thread": sqliteTarget((path) =>
    storeInThread({ driver: "better-sqlite3", path, synchronous: "FULL" }),
  ),
  // Opened as adapters/sqlite/node-sqlite.ts does, which only the Deno entry may import.
  "store-node-sqlite": sqliteTarget(
    inThisThread((path) => {
      const sqlite = process.getBuiltinModule("node:sqlite") as {
        DatabaseSync: new (path: string) => SqlDatabase;
      };
      const db = new sqlite.DatabaseSync(path);
      const file = applyDurabilitySettings(db, path, "NORMAL");
      migrate(db);
      return file;
    }),
  ),
});

for (const target of targets) {
  sessionsContract(target);
  savesAtOnceContract(target);
  staleSessionsContract(target);
  queueContract(target);
  outboxContract(target);
  storeStatusContract(target);
  timelineContract(target);
}
