import type pg from "pg";
import type { Clock, RateLimiter, RateVerdict } from "../../core/ports.ts";
import { run } from "./queries.ts";

/** Buckets untouched this long are full again: they are forgotten now and then. */
const forgetAfterMs = 60_000;
const forgetEvery = 1_000;

/**
 * A token bucket per key in PostgreSQL, so a device gets `perMinute` requests a minute from all
 * replicas together, not from each.
 */
export class PostgresRateLimiter implements RateLimiter {
  private readonly perMs: number;
  private takes = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly perMinute: number,
    private readonly clock: Clock,
  ) {
    this.perMs = perMinute / 60_000;
  }

  async take(key: string): Promise<RateVerdict> {
    const now = this.clock.now();
    if (++this.takes % forgetEvery === 0) this.forgetFull(now);
    const { rows } = await run(
      this.pool,
      "take_request",
      "SELECT allowed, left_over FROM take_request($1, $2, $3, $4)",
      [key, this.perMinute, now, this.perMs],
    );
    const { allowed, left_over } = rows[0] as { allowed: boolean; left_over: number };
    if (allowed) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.ceil((1 - left_over) / this.perMs / 1000) };
  }

  private forgetFull(now: number): void {
    run(this.pool, "forget_buckets", "DELETE FROM rate_buckets WHERE updated_at < $1", [
      now - forgetAfterMs,
    ]).catch(() => {}); // the next round tries again
  }
}
