import { parentPort } from "node:worker_threads";
import type { Store } from "../../core/ports.ts";
import type { SqliteFile } from "./database.ts";
import { sqliteStore } from "./sqlite-store.ts";
import {
  type Call,
  type Reply,
  type StoreId,
  type StoreThreadOptions,
  thrown,
} from "./thread-messages.ts";

// The SQLite thread (store-thread.ts): opens stores, each on its file, and answers calls in order.
const port = parentPort;
if (!port) throw new Error("store-thread-worker.ts runs as a worker thread");

const stores = new Map<StoreId, Store>();
let nextStore = 1;

let outgoing: Reply[] = [];
function answer(reply: Reply): void {
  if (outgoing.push(reply) > 1) return;
  // The answers ready together go back together, without waiting for the turn's commit: a read
  // answered now is not held behind it.
  queueMicrotask(() => {
    const replies = outgoing;
    outgoing = [];
    port?.postMessage(replies);
  });
}

port.on("message", (calls: Call[]) => {
  for (const [id, store, portName, method, args] of calls) {
    let result: unknown;
    try {
      result = run(store, portName, method, args);
    } catch (error) {
      if (id !== 0) answer([id, undefined, thrown(error)]);
      continue;
    }
    if (id === 0) continue;
    Promise.resolve(result).then(
      (value) => answer([id, value]),
      (error: unknown) => answer([id, undefined, thrown(error)]),
    );
  }
});

function run(id: StoreId, portName: string, method: string, args: unknown[]): unknown {
  if (portName === "" && method === "open") return open(args[0] as StoreThreadOptions);
  const store = stores.get(id);
  if (!store) throw new Error(`store ${id} is not open`);
  if (portName === "" && method === "close") {
    stores.delete(id);
    return store.close();
  }
  const target = store[portName as keyof Store] as unknown as Record<string, unknown> | undefined;
  const fn = target?.[method];
  if (typeof fn !== "function") throw new Error(`no such call: ${portName}.${method}`);
  return fn.apply(target, args);
}

async function open(options: StoreThreadOptions): Promise<StoreId> {
  const store = sqliteStore(await openFile(options));
  const id = nextStore++;
  stores.set(id, store);
  store.outbox.whenOwed(() => answer([0, id]));
  return id;
}

async function openFile({ driver, path, synchronous }: StoreThreadOptions): Promise<SqliteFile> {
  if (driver === "node:sqlite") {
    return (await import("./node-sqlite.ts")).openNodeSqlite(path, synchronous);
  }
  return (await import("./better-sqlite3.ts")).openBetterSqlite(path, synchronous);
}
