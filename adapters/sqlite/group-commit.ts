import { setImmediate } from "node:timers";
import { inTransaction, type SqlDatabase } from "./database.ts";

/** A write waiting for the next group commit. */
interface QueuedWrite {
  durable: boolean;
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: the writes asked for during one turn of the event loop are applied in order in one
 * transaction, committed at the next turn; each promise settles with the commit. With `synchronous`
 * FULL, a commit holding a durable write (an acknowledged change) syncs the log to disk, one sync
 * shared by the whole batch; writes that need not reach the disk before they are answered (an
 * intent, evidence) commit as NORMAL when nothing durable rides with them. The store runs on a
 * thread of its own (store-thread.ts), so the wait for the disk holds up only that thread.
 */
export class GroupCommit {
  private queued: QueuedWrite[] = [];
  private level: "FULL" | "NORMAL" = "NORMAL";

  constructor(
    private readonly db: SqlDatabase,
    private readonly synchronous: "FULL" | "NORMAL",
  ) {}

  /** Queues `work` for the next group commit; settles with its outcome once committed. */
  write<T>(durable: boolean, work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const write = { durable, work, resolve: resolve as (value: unknown) => void, reject };
      if (this.queued.push(write) === 1) setImmediate(() => this.commitQueued());
    });
  }

  private commitQueued(): void {
    const batch = this.queued;
    this.queued = [];
    const durable = this.synchronous === "FULL" && batch.some((write) => write.durable);
    this.commitWith(durable ? "FULL" : "NORMAL");
    const outcomes = this.commit(batch);
    batch.forEach((write, index) => {
      const outcome = outcomes[index];
      if (!outcome || "error" in outcome) write.reject(outcome?.error);
      else write.resolve(outcome.value);
    });
  }

  /** The connection's level for the commits that follow (it applies from the next transaction). */
  private commitWith(level: "FULL" | "NORMAL"): void {
    if (level === this.level) return;
    this.db.exec(`PRAGMA synchronous = ${level}`);
    this.level = level;
  }

  /** One transaction for all of `batch`; the outcome of each. */
  private commit(batch: QueuedWrite[]): { value?: unknown; error?: unknown }[] {
    try {
      return inTransaction(this.db, () => batch.map((write) => ({ value: write.work() })));
    } catch {
      // One write failed and undid the batch: each again on its own, so that only it fails.
      return batch.map((write) => {
        try {
          return { value: inTransaction(this.db, write.work) };
        } catch (error) {
          return { error };
        }
      });
    }
  }
}
