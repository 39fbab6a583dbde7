import type { Clock, JobLocks, RateLimiter, Store } from "../../core/ports.ts";
import { migrate } from "./migrations.ts";
import { connectPool, describeUrl, type PostgresSettings } from "./pool.ts";
import { PostgresJobLocks } from "./postgres-job-locks.ts";
import { PostgresRoomDeletionOutbox } from "./postgres-outbox.ts";
import { PostgresQueue } from "./postgres-queue.ts";
import { PostgresRateLimiter } from "./postgres-rate-limiter.ts";
import { PostgresSessions } from "./postgres-sessions.ts";
import { PostgresStaleSessions } from "./postgres-stale-sessions.ts";
import { PostgresStoreStatus } from "./postgres-store-status.ts";
import { PostgresTimeline } from "./postgres-timeline.ts";
import { startHeartbeat } from "./replica-heartbeat.ts";

/** How long a replica that stopped renewing its row counts as alive. */
const replicaLifetimeMs = 10_000;

export interface PostgresStore {
  store: Store;
  /** Per-key request budgets shared by every replica. */
  rateLimiter(perMinute: number, clock: Clock): RateLimiter;
  jobLocks: JobLocks;
}

/**
 * Every store port on one PostgreSQL database, shared by every replica: connects, migrates (once,
 * however many replicas start together) and announces this replica. A database that cannot be
 * reached is one clear error naming it (password masked).
 */
export async function openPostgresStore(
  settings: PostgresSettings,
  onPoolError: (error: Error) => void,
): Promise<PostgresStore> {
  const pool = connectPool(settings, onPoolError);
  const replica = crypto.randomUUID();
  let heartbeat: Awaited<ReturnType<typeof startHeartbeat>>;
  try {
    await migrate(pool);
    heartbeat = await startHeartbeat(pool, replica, replicaLifetimeMs);
  } catch (error) {
    await pool.end().catch(() => {});
    throw new Error(
      `PostgreSQL at DATABASE_URL ${describeUrl(settings.url)} cannot be used: ${(error as Error).message}`,
    );
  }
  const outbox = new PostgresRoomDeletionOutbox(pool);
  const timeline = new PostgresTimeline(pool);
  return {
    store: {
      sessions: new PostgresSessions(pool, replica, () => outbox.owed()),
      staleSessions: new PostgresStaleSessions(pool),
      queue: new PostgresQueue(pool),
      outbox,
      status: new PostgresStoreStatus(pool),
      timeline,
      async close() {
        await timeline.flush();
        // Gone at once: what it was still allocating is orphaned, and taken over by the others.
        await heartbeat.stop().catch(() => {});
        await pool.end();
      },
    },
    rateLimiter: (perMinute, clock) => new PostgresRateLimiter(pool, perMinute, clock),
    jobLocks: new PostgresJobLocks(pool),
  };
}
