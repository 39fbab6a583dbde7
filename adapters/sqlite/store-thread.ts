import { Worker } from "node:worker_threads";
import { StoreUnavailable } from "../../core/errors.ts";
import type { Store } from "../../core/ports.ts";
import {
  type Call,
  calledPorts,
  type Reply,
  revived,
  type StoreId,
  type StoreThreadOptions,
} from "./thread-messages.ts";
import { type HistoryRows, historyOf } from "./timeline-rows.ts";

/**
 * The SQLite store (sqliteStore) on a thread of its own: its statements, commits and JSON run
 * beside the event loop, on the machine's other core, and the requests' thread only passes the
 * calls and their answers. Each port's promises settle as they would in this thread (a durable
 * write once it is on disk). The process has one such thread, started with its first store.
 */
export async function storeInThread(options: StoreThreadOptions): Promise<Store> {
  if (!thread || thread.failure) thread = new StoreThread();
  const on = thread;
  const id = (await on.call(0, "", "open", [options])) as StoreId;
  const store = Object.fromEntries(
    Object.entries(calledPorts).map(([port, methods]) => [
      port,
      Object.fromEntries(
        methods.map((method) => [method, (...args: unknown[]) => on.call(id, port, method, args)]),
      ),
    ]),
  ) as unknown as Store;
  store.timeline.record = (record) => on.tell(id, "timeline", "record", [record]);
  store.timeline.recordRead = (read) => on.tell(id, "timeline", "recordRead", [read]);
  store.outbox.whenOwed = (listener) => on.whenOwed(id, listener);
  // A history comes over as its rows and is parsed here (timeline-rows.ts says why).
  store.timeline.history = async (sessionId) => {
    const rows = (await on.call(id, "timeline", "historyRows", [sessionId])) as
      | HistoryRows
      | undefined;
    return rows && historyOf(rows);
  };
  store.close = async () => {
    await on.call(id, "", "close", []);
    on.forget(id);
  };
  return store;
}

let thread: StoreThread | undefined;

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** The worker and the calls to it: those of one turn go over together, as do their answers. */
class StoreThread {
  failure?: Error;
  private readonly worker = new Worker(workerEntry(), {
    // Its garbage is short-lived (rows, statements' JSON): a small young generation is enough.
    resourceLimits: { maxYoungGenerationSizeMb: 2 },
  });
  private readonly pending = new Map<number, Pending>();
  private readonly owedListeners = new Map<StoreId, (() => void)[]>();
  private nextCall = 1;
  private outgoing: Call[] = [];

  constructor() {
    // Only calls waiting for an answer keep the process alive, as they would in this thread.
    this.worker.unref();
    // Every call after is refused as the database being unavailable (503): readiness fails.
    this.worker.on("error", (error) => this.fail(`the SQLite thread failed: ${error.message}`));
    this.worker.on("exit", (code) => this.fail(`the SQLite thread stopped (exit code ${code})`));
    this.worker.on("message", (replies: Reply[]) => this.answered(replies));
  }

  call(store: StoreId, port: string, method: string, args: unknown[]): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextCall++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send([id, store, port, method, args]);
    });
  }

  /** A call nobody waits for (a timeline record). */
  tell(store: StoreId, port: string, method: string, args: unknown[]): void {
    if (!this.failure) this.send([0, store, port, method, args]);
  }

  whenOwed(store: StoreId, listener: () => void): void {
    this.owedListeners.set(store, [...(this.owedListeners.get(store) ?? []), listener]);
  }

  forget(store: StoreId): void {
    this.owedListeners.delete(store);
  }

  private send(call: Call): void {
    if (this.outgoing.push(call) > 1) return;
    queueMicrotask(() => {
      const calls = this.outgoing;
      this.outgoing = [];
      this.worker.postMessage(calls);
    });
  }

  private answered(replies: Reply[]): void {
    for (const [id, value, error] of replies) {
      if (id === 0) {
        for (const listener of this.owedListeners.get(value as StoreId) ?? []) listener();
        continue;
      }
      const waiting = this.pending.get(id);
      this.pending.delete(id);
      if (error) waiting?.reject(revived(error));
      else waiting?.resolve(value);
    }
    if (this.pending.size === 0) this.worker.unref();
  }

  private fail(reason: string): void {
    this.failure ??= new StoreUnavailable(reason);
    for (const { reject } of this.pending.values()) reject(this.failure);
    this.pending.clear();
    this.worker.unref();
  }
}

/**
 * Beside the bundle once built (apps/api/build.ts); else the source, which Deno runs as it is and
 * Node through tsx.
 */
function workerEntry(): URL {
  if (!import.meta.url.endsWith(".ts"))
    return new URL("./sqlite-store-thread.mjs", import.meta.url);
  if ("Deno" in globalThis) return new URL("./store-thread-worker.ts", import.meta.url);
  return new URL("./store-thread-tsx.mjs", import.meta.url);
}
