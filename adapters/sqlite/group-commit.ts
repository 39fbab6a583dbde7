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
 * transaction, committed at the next turn. Each promise settles once its write is committed; a
 * durable one (an acknowledged change) only once the log's flush has also carried it to disk, which happens
 * off the event loop and is shared by every commit made meanwhile. Writes that need not reach the
 * disk before they are answered (an intent, evidence) settle at the commit. Without a log to flush
 * (synchronous=NORMAL) every write settles at the commit.
 */
export class GroupCommit {
  private queued: QueuedWrite[] = [];

  constructor(
    private readonly db: SqlDatabase,
    /** With synchronous=FULL: carries what was committed to disk (WalFlush). */
    private readonly log?: { flush(): Promise<void> },
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
    const outcomes = this.commit(batch);
    const flushed = this.log && batch.some((write) => write.durable) ? this.log.flush() : undefined;
    batch.forEach((write, index) => {
      const outcome = outcomes[index];
      if (!outcome || "error" in outcome) write.reject(outcome?.error);
      else if (write.durable && flushed)
        flushed.then(() => write.resolve(outcome.value), write.reject);
      else write.resolve(outcome.value);
    });
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
