import { upstreamRefusal } from "../../../core/errors.ts";
import type { AccessTokens, Clock } from "../../../core/ports.ts";

interface CachedToken {
  value: string;
  staleAt: number;
  refreshAt: number;
}

interface Refusal {
  status: number;
  retryAfterSeconds?: number;
}

/** As EntraAccessTokens: renewed 2 minutes before expiry, never handed out in the last minute. */
const refreshAheadMs = 120_000;
const expiryMarginMs = 60_000;

/**
 * An in-memory token server behind the AccessTokens port, with EntraAccessTokens' cache rules:
 * one fetch at a time, renewed in the background shortly before expiry so that no caller waits,
 * never handed out in its last minute, failures as UpstreamError.
 */
export class FakeAccessTokens implements AccessTokens {
  /** Token requests that reached the fake upstream, answered or refused. */
  fetchAttempts = 0;
  tokensIssued = 0;
  readonly #refusals: Refusal[] = [];
  #cached?: CachedToken;
  #fetching?: Promise<CachedToken>;

  constructor(
    private readonly clock: Clock,
    readonly lifetimeMs = 3_599_000,
  ) {}

  /** The next token requests are refused, one per entry, as the token server would answer. */
  refuseFetches(times: number, status: number, retryAfterSeconds?: number): void {
    for (let i = 0; i < times; i++) this.#refusals.push({ status, retryAfterSeconds });
  }

  async get(): Promise<string> {
    const now = this.clock.now();
    const cached = this.#cached;
    if (cached && now < cached.staleAt) {
      if (now >= cached.refreshAt) this.#fetchOnce().catch(() => {}); // the next get() retries
      return cached.value;
    }
    return (await this.#fetchOnce()).value;
  }

  invalidate(token: string): void {
    if (this.#cached?.value === token) this.#cached = undefined;
  }

  #fetchOnce(): Promise<CachedToken> {
    this.#fetching ??= this.#fetch().finally(() => {
      this.#fetching = undefined;
    });
    return this.#fetching;
  }

  async #fetch(): Promise<CachedToken> {
    // A turn of the event loop, as a request takes: concurrent callers meet the same fetch.
    await new Promise((resolve) => setImmediate(resolve));
    this.fetchAttempts++;
    const refusal = this.#refusals.shift();
    if (refusal) {
      const { status, retryAfterSeconds } = refusal;
      throw upstreamRefusal(
        "token-server",
        status,
        retryAfterSeconds,
        `token endpoint answered ${status}`,
      );
    }
    const fetchedAt = this.clock.now();
    const token: CachedToken = {
      value: `fake-access-token-${++this.tokensIssued}`,
      staleAt: fetchedAt + this.lifetimeMs - Math.min(expiryMarginMs, this.lifetimeMs / 8),
      refreshAt: fetchedAt + this.lifetimeMs - Math.min(refreshAheadMs, this.lifetimeMs / 4),
    };
    this.#cached = token;
    return token;
  }
}
