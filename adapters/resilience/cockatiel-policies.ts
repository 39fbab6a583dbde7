import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  circuitBreaker,
  DelegateBackoff,
  handleWhen,
  type IPolicy,
  retry,
  wrap,
} from "cockatiel";
import { type CallPolicy, UpstreamError, type UpstreamName } from "../../core/errors.ts";

/** Set from the service's configuration (UPSTREAM_RETRIES and the rest). */
export interface ResilienceSettings {
  retries: number;
  /** First backoff; doubles each attempt, with full jitter. */
  backoffMs: number;
  /** A Retry-After longer than this is not waited for: the caller gets it instead. */
  maxRetryAfterMs: number;
  /**
   * The circuit opens after this many operations in a row failed: sustained failure. Scattered
   * failures (a share of the requests) almost never line up that long.
   */
  breakerThreshold: number;
  breakerCooldownMs: number;
}

/** What the service learns from its upstream calls: breaker changes, and each operation's end. */
export interface UpstreamObserver {
  breakerChanged(
    upstream: UpstreamName,
    work: string,
    state: "open" | "half-open" | "closed",
  ): void;
  /** One operation, retries included: how long, and how it ended. */
  operationEnded(upstream: UpstreamName, seconds: number, failure?: string): void;
}

export interface PolicyOptions {
  upstream: UpstreamName;
  /** Names the breaker: work that fails for its own reasons has a breaker of its own. */
  work: string;
  /** Safe to send again after a failure; otherwise repeated only when the upstream did not act. */
  repeatable: boolean;
}

/**
 * How one kind of work at one upstream is run: retries with exponential backoff and jitter (or the
 * upstream's own Retry-After), inside a circuit breaker of its own that fails fast with 503 while
 * that work keeps failing. Only failures of this upstream count, each operation once however many
 * attempts it took.
 */
export function upstreamPolicy(
  { upstream, work, repeatable }: PolicyOptions,
  settings: ResilienceSettings,
  observer: UpstreamObserver,
): CallPolicy {
  const own = (error: unknown): error is UpstreamError =>
    error instanceof UpstreamError && error.upstream === upstream && error.failure !== "bad_answer";
  const breaker = circuitBreaker(handleWhen(own), {
    halfOpenAfter: settings.breakerCooldownMs,
    breaker: new ConsecutiveBreaker(settings.breakerThreshold),
  });
  breaker.onBreak(() => observer.breakerChanged(upstream, work, "open"));
  breaker.onHalfOpen(() => observer.breakerChanged(upstream, work, "half-open"));
  breaker.onReset(() => observer.breakerChanged(upstream, work, "closed"));

  const backoff = new DelegateBackoff<{ attempt: number; result: unknown }>((context) => {
    const error =
      "error" in (context.result as object)
        ? (context.result as { error: unknown }).error
        : undefined;
    const retryAfter = error instanceof UpstreamError ? error.retryAfterSeconds : undefined;
    if (retryAfter !== undefined) return retryAfter * 1000;
    return Math.random() * settings.backoffMs * 2 ** (context.attempt - 1);
  });
  const retrying = retry(
    handleWhen(
      (error) =>
        own(error) &&
        (error.retryAfterSeconds ?? 0) * 1000 <= settings.maxRetryAfterMs &&
        (repeatable || error.details.notProcessed === true),
    ),
    { maxAttempts: settings.retries, backoff },
  );
  return observed(upstream, wrap(breaker, retrying), settings, observer);
}

function observed(
  upstream: UpstreamName,
  policy: IPolicy,
  settings: ResilienceSettings,
  observer: UpstreamObserver,
): CallPolicy {
  return {
    run: async (work) => {
      const started = performance.now();
      const ended = (failure?: string) =>
        observer.operationEnded(upstream, (performance.now() - started) / 1000, failure);
      try {
        const result = await policy.execute(work);
        ended();
        return result;
      } catch (error) {
        const refusal =
          error instanceof BrokenCircuitError
            ? new UpstreamError(upstream, "unavailable", `${upstream} circuit is open`, {
                retryAfterSeconds: Math.ceil(settings.breakerCooldownMs / 1000),
                notProcessed: true,
              })
            : error;
        ended(refusal instanceof UpstreamError ? refusal.failure : "error");
        throw refusal;
      }
    },
  };
}
