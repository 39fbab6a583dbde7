import type { Clock, RateLimiter, RateVerdict } from "../../core/ports.ts";

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per device in this process's memory: `perMinute` requests a minute, refilled
 * continuously, bursts up to the same number. Buckets that refilled completely are forgotten, so
 * memory follows activity. For one process; replicas share a limiter in their database instead.
 */
export class DeviceRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly refillPerMs: number;
  private lastSweep = 0;

  constructor(
    private readonly perMinute: number,
    private readonly clock: Clock,
  ) {
    this.refillPerMs = perMinute / 60_000;
  }

  /** Takes one request's token; when none is left, how many seconds until one is. */
  async take(device: string): Promise<RateVerdict> {
    const now = this.clock.now();
    this.sweep(now);
    const bucket = this.buckets.get(device) ?? { tokens: this.perMinute, updatedAt: now };
    bucket.tokens = Math.min(
      this.perMinute,
      bucket.tokens + (now - bucket.updatedAt) * this.refillPerMs,
    );
    bucket.updatedAt = now;
    this.buckets.set(device, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return {
      allowed: false,
      retryAfterSeconds: Math.ceil((1 - bucket.tokens) / this.refillPerMs / 1000),
    };
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [device, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.updatedAt) * this.refillPerMs >= this.perMinute) {
        this.buckets.delete(device);
      }
    }
  }
}
