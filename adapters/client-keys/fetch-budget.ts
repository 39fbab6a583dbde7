import type { Clock } from "../../core/ports.ts";

/**
 * How many key fetches may start: a token bucket of `perMinute` a minute, refilled continuously,
 * bursts up to the same number; and at most `maxInFlight` under way at once.
 */
export class FetchBudget {
  private tokens: number;
  private updatedAt: number;
  private inFlight = 0;
  private readonly refillPerMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly maxInFlight: number,
    private readonly clock: Clock,
  ) {
    this.tokens = perMinute;
    this.updatedAt = clock.now();
    this.refillPerMs = perMinute / 60_000;
  }

  /** Starts a fetch when both bounds allow it: the function returned ends it; else undefined. */
  start(): (() => void) | undefined {
    if (this.inFlight >= this.maxInFlight) return undefined;
    const now = this.clock.now();
    this.tokens = Math.min(this.perMinute, this.tokens + (now - this.updatedAt) * this.refillPerMs);
    this.updatedAt = now;
    if (this.tokens < 1) return undefined;
    this.tokens -= 1;
    this.inFlight += 1;
    return () => {
      this.inFlight -= 1;
    };
  }
}
