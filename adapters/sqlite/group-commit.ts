import { setImmediate } from "node:timers";
import { inTransaction, type SqlDatabase } from "./database.ts";

/** A write waiting for the next group commit. */
interface QueuedWrite {
  work: () => unknown;
  /** False for an intent, which need not reach the disk before it is answered. */
  durable: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The writes asked for during one turn of the event loop are applied in order in one transaction,
 * and each promise settles once that transaction is committed (with PRAGMA synchronous=FULL,
 * flushed to disk). A commit with FULL blocks the event loop for an fsync; the requests that
 * arrive meanwhile share the next one, instead of an fsync each. A batch of intents only is
 * committed without waiting for the disk: the next durable commit carries it there.
 */
export class GroupCommit {
  /** The configured flush level (PRAGMA synchronous: 1 NORMAL, 2 FULL), restored after intents. */
  private readonly synchronous: number;
  private queued: QueuedWrite[] = [];

  constructor(private readonly db: SqlDatabase) {
    this.synchronous = Number(db.prepare("PRAGMA synchronous").get()?.synchronous ?? 2);
  }

  /** Queues `work` for the next group commit; settles with its outcome once committed. */
  write<T>(durable: boolean, work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const queued = this.queued.push({
        work,
        durable,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      if (queued === 1) setImmediate(() => this.commitQueued());
    });
  }

  private commitQueued(): void {
    const batch = this.queued;
    this.queued = [];
    const relaxed = this.synchronous > 1 && batch.every((write) => !write.durable);
    if (relaxed) this.db.exec("PRAGMA synchronous = NORMAL");
    try {
      let outcomes: { value?: unknown; error?: unknown }[];
      try {
        outcomes = inTransaction(this.db, () => batch.map((write) => ({ value: write.work() })));
      } catch {
        // One write failed and undid the batch: each again on its own, so that only it fails.
        outcomes = batch.map((write) => {
          try {
            return { value: inTransaction(this.db, write.work) };
          } catch (error) {
            return { error };
          }
        });
      }
      batch.forEach((write, index) => {
        const outcome = outcomes[index];
        if (outcome && !("error" in outcome)) write.resolve(outcome.value);
        else write.reject(outcome?.error);
      });
    } finally {
      if (relaxed) this.db.exec(`PRAGMA synchronous = ${this.synchronous}`);
    }
  }
}
