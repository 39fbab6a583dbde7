import { setImmediate } from "node:timers";
import { inTransaction, type SqlDatabase } from "./database.ts";

/** A write waiting for the next group commit. */
interface QueuedWrite {
  durable: boolean;
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { value?: unknown; error?: unknown };

/**
 * Group commit: the writes asked for during one turn of the event loop are applied in order in one
 * transaction, committed at the next turn. Writes that need not reach the disk before they are
 * answered (an intent, evidence) settle with the commit. A durable one (an acknowledged change)
 * settles once the log's sync has carried it to disk. One sync is under way at a time, off this
 * thread, so commits go on meanwhile; it covers what was committed before it began, and the next
 * covers every durable write committed during it. Without a log to sync (synchronous=NORMAL)
 * every write settles with the commit.
 */
export class GroupCommit {
  private queued: QueuedWrite[] = [];
  /** Committed durable writes the sync under way does not cover. */
  private unsynced: [QueuedWrite, Outcome][] = [];
  private syncing = false;

  constructor(
    private readonly db: SqlDatabase,
    /** With synchronous=FULL: carries what was committed to disk (WalSync). */
    private readonly log?: { sync(): Promise<void> },
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
    batch.forEach((write, index) => {
      const outcome = outcomes[index] as Outcome; // one for each write
      if (this.log && write.durable && !("error" in outcome)) this.unsynced.push([write, outcome]);
      else settle(write, outcome);
    });
    if (this.log && this.unsynced.length > 0 && !this.syncing) void this.syncUnsynced(this.log);
  }

  /** Syncs until no committed durable write is left waiting. */
  private async syncUnsynced(log: { sync(): Promise<void> }): Promise<void> {
    this.syncing = true;
    while (this.unsynced.length > 0) {
      const writes = this.unsynced;
      this.unsynced = [];
      try {
        await log.sync();
      } catch (error) {
        // Not on disk: each fails, though committed.
        for (const [write] of writes) write.reject(error);
        continue;
      }
      for (const [write, outcome] of writes) settle(write, outcome);
    }
    this.syncing = false;
  }

  /** One transaction for all of `batch`; the outcome of each. */
  private commit(batch: QueuedWrite[]): Outcome[] {
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

function settle(write: QueuedWrite, outcome: Outcome): void {
  if ("error" in outcome) write.reject(outcome.error);
  else write.resolve(outcome.value);
}
