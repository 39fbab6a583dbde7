import { setImmediate } from "node:timers";
import { inTransaction, type SqlDatabase } from "./database.ts";

/** A write waiting for the next group commit. */
interface QueuedWrite {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Durable commits come at most this often. With synchronous=FULL each one blocks the event loop
 * for an fsync; under load, the writes of a couple of milliseconds then share one.
 */
const durableEveryMs = 2;

/**
 * Group commit: writes are applied in order, many to a transaction, and each promise settles once
 * its transaction is committed. Writes that need not reach the disk before they are answered (an
 * intent, evidence) are committed at the next turn of the event loop without an fsync; durable
 * ones (with PRAGMA synchronous=FULL, flushed to disk) at most every couple of milliseconds,
 * their fsync carrying the others to disk too. No write waits longer than one durable commit.
 */
export class GroupCommit {
  /** The configured flush level (PRAGMA synchronous: 1 NORMAL, 2 FULL), restored after intents. */
  private readonly synchronous: number;
  private relaxed: QueuedWrite[] = [];
  private durable: QueuedWrite[] = [];
  private lastDurableAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly db: SqlDatabase) {
    this.synchronous = Number(db.prepare("PRAGMA synchronous").get()?.synchronous ?? 2);
  }

  /** Queues `work` for the next group commit; settles with its outcome once committed. */
  write<T>(durable: boolean, work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const queue = durable ? this.durable : this.relaxed;
      const first = queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (first !== 1) return;
      if (!durable) setImmediate(() => this.commitRelaxed());
      else {
        const wait = this.lastDurableAt + durableEveryMs - performance.now();
        if (wait > 0) setTimeout(() => this.commitDurable(), wait);
        else setImmediate(() => this.commitDurable());
      }
    });
  }

  private commitRelaxed(): void {
    const batch = this.relaxed;
    this.relaxed = [];
    if (this.synchronous <= 1) {
      this.commit(batch);
      return;
    }
    this.db.exec("PRAGMA synchronous = NORMAL");
    try {
      this.commit(batch);
    } finally {
      this.db.exec(`PRAGMA synchronous = ${this.synchronous}`);
    }
  }

  private commitDurable(): void {
    const batch = this.durable;
    this.durable = [];
    this.commit(batch);
    this.lastDurableAt = performance.now();
  }

  /** One transaction for all of `batch`; each settles with its own outcome. */
  private commit(batch: QueuedWrite[]): void {
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
  }
}
