import type { JobLocks, RoomDeletionOutbox, Timers } from "../../core/ports.ts";
import type { BackgroundJobs, Reconciliation } from "../../core/use-cases/index.ts";
import type { Logger } from "./logger.ts";

const deletionSweepMs = 1_000;
const expirySweepMs = 5_000;
const retentionSweepMs = 3_600_000;

/**
 * The background work: delivering owed room deletions, expiring idle sessions, reconciling
 * MaxConf's rooms with our sessions, forgetting old timeline rows. Each job runs one at a time
 * here; expiry, reconciliation and retention run in one process at a time (deliveries share the
 * work by claims); a deletion owed runs the deletion job now instead of at its next sweep.
 */
export function startWorkers(
  jobs: BackgroundJobs,
  { outbox, jobLocks }: { outbox: RoomDeletionOutbox; jobLocks: JobLocks },
  timers: Timers,
  settings: {
    reconcileEveryMs: number;
    reconciled: (outcome: Reconciliation) => void;
    /** Forgets the timeline rows older than their retention. */
    pruneTimeline: () => Promise<number>;
  },
  logger: Logger,
) {
  const running = new Set<Promise<unknown>>();
  let stopped = false;

  const job = (name: string, work: () => Promise<unknown>, everyMs: number) => {
    let current: Promise<unknown> | undefined;
    let again = false;
    let cancel = () => {};
    const run = () => {
      if (stopped) return;
      if (current) {
        again = true;
        return;
      }
      cancel();
      current = work()
        .catch((error) => logger.warn({ job: name, error: String(error) }, "background job failed"))
        .finally(() => {
          running.delete(current as Promise<unknown>);
          current = undefined;
          if (again) {
            again = false;
            run();
          } else schedule();
        });
      running.add(current);
    };
    const schedule = () => {
      if (!stopped) cancel = timers.setTimer(everyMs, run);
    };
    schedule();
    return { run, cancel: () => cancel() };
  };

  const deletions = job(
    "room deletion delivery",
    () => jobs.deliverRoomDeletions.execute(),
    deletionSweepMs,
  );
  const expiry = job(
    "session expiry",
    () => jobLocks.exclusively("session expiry", () => jobs.expireIdleSessions.execute()),
    expirySweepMs,
  );
  const reconciliation = job(
    "room reconciliation",
    () =>
      jobLocks.exclusively("room reconciliation", async () =>
        settings.reconciled(await jobs.reconcileRooms.execute()),
      ),
    settings.reconcileEveryMs,
  );
  const retention = job(
    "timeline retention",
    () => jobLocks.exclusively("timeline retention", settings.pruneTimeline),
    retentionSweepMs,
  );
  outbox.whenOwed(deletions.run);
  // Deletions owed and rooms left behind before a restart are dealt with now.
  deletions.run();
  reconciliation.run();

  return {
    stop() {
      stopped = true;
      deletions.cancel();
      expiry.cancel();
      reconciliation.cancel();
      retention.cancel();
    },
    /** Resolves when no job is running. */
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
