import type pg from "pg";
import type { Clock, RateLimiter, RateVerdict } from "../../core/ports.ts";
import { Batches } from "./batches.ts";
import { run } from "./queries.ts";

/** Buckets untouched this long are full again: they are forgotten now and then. */
const forgetAfterMs = 60_000;
const forgetEvery = 1_000;
/** Keys taken from in one statement at most. */
const batchSize = 64;

/**
 * A token bucket per key in PostgreSQL, so a device gets `perMinute` requests a minute from all
 * replicas together, not from each. The takes of requests arriving together go in one statement.
 */
export class PostgresRateLimiter implements RateLimiter {
  private readonly perMs: number;
  private readonly batches: Batches<string, { allowed: boolean; left_over: number }>;
  private takes = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly perMinute: number,
    private readonly clock: Clock,
  ) {
    this.perMs = perMinute / 60_000;
    this.batches = new Batches((keys) => this.takeAll(keys), batchSize);
  }

  async take(key: string): Promise<RateVerdict> {
    const { allowed, left_over } = await this.batches.run(key);
    if (allowed) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.ceil((1 - left_over) / this.perMs / 1000) };
  }

  private async takeAll(keys: string[]): Promise<{ allowed: boolean; left_over: number }[]> {
    const now = this.clock.now();
    this.takes += keys.length;
    if (this.takes >= forgetEvery) {
      this.takes = 0;
      this.forgetFull(now);
    }
    const { rows } = await run(
      this.pool,
      "take_requests",
      "SELECT allowed, left_over FROM take_requests($1, $2, $3, $4) ORDER BY ord",
      [keys, this.perMinute, now, this.perMs],
    );
    return rows as { allowed: boolean; left_over: number }[];
  }

  private forgetFull(now: number): void {
    run(this.pool, "forget_buckets", "DELETE FROM rate_buckets WHERE updated_at < $1", [
      now - forgetAfterMs,
    ]).catch(() => {}); // the next round tries again
  }
}
