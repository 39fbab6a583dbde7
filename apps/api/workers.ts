import type { Reconciliation, VideoSessionUseCases } from "../../core/use-cases/index.ts";
import type { Logger } from "./logger.ts";

/** A clock that can also wake us: the system's, or the tests' virtual one. */
export interface Timers {
  now(): number;
  setTimer(ms: number, fn: () => void): () => void;
}

/** The system's clock. Its timers are unref'd: the listening server keeps the process up. */
export const systemTimers: Timers = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return () => clearTimeout(handle);
  },
};

const deletionSweepMs = 1_000;
const expirySweepMs = 5_000;

/**
 * The background work: delivering owed room deletions, expiring idle sessions, reconciling
 * MaxConf's rooms with our sessions. Each job runs one at a time; a kick runs the deletion job
 * now instead of at its next sweep.
 */
export function startWorkers(
  useCases: VideoSessionUseCases,
  timers: Timers,
  reconcileEveryMs: number,
  logger: Logger,
  reconciled: (outcome: Reconciliation) => void,
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
    () => useCases.deliverRoomDeletions.execute(),
    deletionSweepMs,
  );
  const expiry = job("session expiry", () => useCases.expireIdleSessions.execute(), expirySweepMs);
  const reconciliation = job(
    "room reconciliation",
    () => useCases.reconcileRooms.execute().then(reconciled),
    reconcileEveryMs,
  );
  // Deletions owed and rooms left behind before a restart are dealt with now.
  deletions.run();
  reconciliation.run();

  return {
    kickDeletions: deletions.run,
    stop() {
      stopped = true;
      deletions.cancel();
      expiry.cancel();
      reconciliation.cancel();
    },
    /** Resolves when no job is running. */
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
