import { DeviceRateLimiter } from "../../adapters/http/rate-limit.ts";
import { openPostgresStore, type PostgresStore } from "../../adapters/postgres/postgres-store.ts";
import type { RateLimiter } from "../../core/ports.ts";
import { emptiedDatabase } from "../support/postgres.ts";
import type { Instance, Target } from "./harness.ts";
import {
  perMinute,
  type RateLimiterControls,
  rateLimiterContract,
  type SharedRateLimiterControls,
  sharedRateLimiterContract,
} from "./rate-limiter.contract.ts";
import { contractTargets } from "./targets.ts";

/** The case's clock: a moment in 2026, moved on by the case. */
function caseClock() {
  let now = Date.UTC(2026, 11, 1, 12);
  const advance = (ms: number) => {
    now += ms;
  };
  return { clock: { now: () => now }, advance };
}

const postgresDatabase = emptiedDatabase();

const targets = contractTargets<RateLimiter, RateLimiterControls>("rate-limiter", {
  "rate-limiter-memory": async (): Promise<Instance<RateLimiter, RateLimiterControls>> => {
    const { clock, advance } = caseClock();
    return {
      subject: new DeviceRateLimiter(perMinute, clock),
      controls: { advance },
      close: async () => {},
    };
  },
  "rate-limiter-postgres": async (): Promise<Instance<RateLimiter, SharedRateLimiterControls>> => {
    const { clock, advance } = caseClock();
    const settings = { url: await postgresDatabase(), poolSize: 4, statementTimeoutMs: 5000 };
    const opened: PostgresStore[] = [];
    const replica = async () => {
      const store = await openPostgresStore(settings, () => {});
      opened.push(store);
      return store.rateLimiter(perMinute, clock);
    };
    return {
      subject: await replica(),
      controls: { advance, anotherReplica: replica },
      close: async () => {
        await Promise.all(opened.map((store) => store.store.close()));
      },
    };
  },
});

for (const target of targets) {
  rateLimiterContract(target);
  // Only the PostgreSQL limiter is shared: the other is one process's by design.
  if (target.name === "rate-limiter-postgres") {
    sharedRateLimiterContract(target as Target<RateLimiter, SharedRateLimiterControls>);
  }
}
