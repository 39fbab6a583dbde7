import type pg from "pg";
import { run } from "./queries.ts";

/**
 * This replica's row in `replicas`, renewed well within its lifetime (the database's clock, so the
 * replicas' own clocks need not agree). A replica whose row lapsed is gone: what it was allocating
 * is orphaned. Stopping removes the row at once.
 */
export async function startHeartbeat(pool: pg.Pool, replica: string, lifetimeMs: number) {
  const renew = () =>
    run(
      pool,
      "replica_alive",
      `INSERT INTO replicas (id, alive_until) VALUES ($1, now() + $2 * interval '1 millisecond')
       ON CONFLICT (id) DO UPDATE SET alive_until = EXCLUDED.alive_until`,
      [replica, lifetimeMs],
    );
  await renew();
  // A renewal that fails (the database is away) is tried again at the next beat.
  const beat = setInterval(() => renew().catch(() => {}), lifetimeMs / 4);
  (beat as { unref?: () => void }).unref?.();
  return {
    async stop(): Promise<void> {
      clearInterval(beat);
      await run(pool, "replica_gone", "DELETE FROM replicas WHERE id = $1", [replica]);
    },
  };
}
