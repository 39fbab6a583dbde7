import { expect } from "vitest";
import type { RateLimiter } from "../../core/ports.ts";
import { contractSuite } from "./harness.ts";

/** Every limiter is made with this budget and reads time from the case's clock. */
export const perMinute = 10;

export interface RateLimiterControls {
  /** Moves the limiters' clock on. */
  advance(ms: number): void;
}

export interface SharedRateLimiterControls extends RateLimiterControls {
  /** Another replica's limiter on the same buckets. */
  anotherReplica(): Promise<RateLimiter>;
}

const allowedOf = async (takes: Promise<{ allowed: boolean }>[]) =>
  (await Promise.all(takes)).filter((verdict) => verdict.allowed).length;

/** What every RateLimiter must do: a budget per key, refilled over the minute. */
export const rateLimiterContract = contractSuite<RateLimiter, RateLimiterControls>([
  {
    name: "a key gets its budget, then is refused with the seconds until its next request",
    async run(limiter) {
      for (let i = 0; i < perMinute; i++) expect((await limiter.take("a")).allowed).toBe(true);
      const refused = await limiter.take("a");
      expect(refused).toEqual({ allowed: false, retryAfterSeconds: 6 });
    },
  },
  {
    name: "keys have budgets of their own",
    async run(limiter) {
      for (let i = 0; i < perMinute; i++) await limiter.take("a");
      expect((await limiter.take("a")).allowed).toBe(false);
      expect((await limiter.take("b")).allowed).toBe(true);
    },
  },
  {
    name: "takes at the same moment, for one key and for many, are each counted once",
    async run(limiter) {
      const many = [...Array(3 * perMinute).keys()].map(() => limiter.take("busy"));
      const others = [...Array(perMinute).keys()].map((i) => limiter.take(`other-${i}`));
      expect(await allowedOf(many)).toBe(perMinute);
      expect(await allowedOf(others)).toBe(perMinute);
    },
  },
  {
    name: "the budget refills with time, never above a minute's worth",
    needs: "control of time",
    async run(limiter, controls) {
      for (let i = 0; i < perMinute; i++) await limiter.take("a");
      controls.advance(6_000);
      expect((await limiter.take("a")).allowed).toBe(true);
      expect((await limiter.take("a")).allowed).toBe(false);
      controls.advance(3_600_000);
      const burst = [...Array(2 * perMinute).keys()].map(() => limiter.take("a"));
      expect(await allowedOf(burst)).toBe(perMinute);
    },
  },
]);

/** What a limiter shared by replicas must do besides. */
export const sharedRateLimiterContract = contractSuite<RateLimiter, SharedRateLimiterControls>([
  {
    name: "replicas share each key's budget",
    needs: "another replica on the same database",
    async run(limiter, controls) {
      const other = await controls.anotherReplica();
      const takes = [...Array(perMinute).keys()].flatMap(() => [
        limiter.take("shared"),
        other.take("shared"),
      ]);
      expect(await allowedOf(takes)).toBe(perMinute);
    },
  },
]);
