import type pg from "pg";
import type { StoreCounts, StoreStatus } from "../../core/ports.ts";
import { run } from "./queries.ts";

/** What operators are told about the PostgreSQL store: whether it takes writes, and its counts. */
export class PostgresStoreStatus implements StoreStatus {
  constructor(private readonly pool: pg.Pool) {}

  /** Reachable, and the primary (a standby after a failover takes no writes). */
  async writable(): Promise<boolean> {
    try {
      const { rows } = await run(
        this.pool,
        "writable",
        "SELECT NOT pg_is_in_recovery() AS writable",
      );
      return rows[0]?.writable === true;
    } catch {
      return false;
    }
  }

  async counts(): Promise<StoreCounts> {
    const [byState, pending] = await Promise.all([
      run(
        this.pool,
        "count_by_state",
        `SELECT state, sum(sessions)::int AS count FROM state_counts GROUP BY state
         HAVING sum(sessions) > 0
         UNION ALL SELECT 'allocating', count(*)::int FROM sessions WHERE state = 'allocating'
         HAVING count(*) > 0`,
      ),
      run(
        this.pool,
        "count_pending",
        "SELECT count(*)::int AS count FROM room_deletions WHERE delivered_at IS NULL",
      ),
    ]);
    const { totalCount, idleCount, waitingCount } = this.pool;
    return {
      sessionsByState: Object.fromEntries(byState.rows.map((r) => [r.state, Number(r.count)])),
      pendingRoomDeletions: Number(pending.rows[0]?.count ?? 0),
      connections: { total: totalCount, idle: idleCount, waiting: waitingCount },
    };
  }
}
