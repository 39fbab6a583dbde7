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
import {
  type CallPolicies,
  type CallPolicy,
  UpstreamError,
  type UpstreamName,
} from "../../core/errors.ts";

export interface ResilienceSettings {
  retries: number;
  /** First backoff; doubles each attempt, with full jitter. */
  backoffMs: number;
  /** A Retry-After longer than this is not waited for: the caller gets it instead. */
  maxRetryAfterMs: number;
  breakerThreshold: number;
  breakerCooldownMs: number;
}

export const defaultResilience: ResilienceSettings = {
  retries: 2,
  backoffMs: 100,
  maxRetryAfterMs: 2000,
  breakerThreshold: 5,
  breakerCooldownMs: 10_000,
};

const waitableRetryAfter = (error: UpstreamError, settings: ResilienceSettings) =>
  (error.retryAfterSeconds ?? 0) * 1000 <= settings.maxRetryAfterMs;

/**
 * The retry and circuit-breaker policies of one upstream: retries with exponential backoff and
 * jitter (or the upstream's own Retry-After), and one breaker shared by all its operations that
 * fails fast with 503 while the upstream is down.
 */
export interface UpstreamObserver {
  breakerChanged(upstream: UpstreamName, state: "open" | "half-open" | "closed"): void;
  /** One operation, retries included: how long, and how it ended. */
  operationEnded(upstream: UpstreamName, seconds: number, failure?: string): void;
}

export function upstreamPolicies(
  upstream: UpstreamName,
  settings: ResilienceSettings,
  observer: UpstreamObserver,
): CallPolicies {
  const breaker = circuitBreaker(
    handleWhen((error) => error instanceof UpstreamError && error.failure !== "bad_answer"),
    {
      halfOpenAfter: settings.breakerCooldownMs,
      breaker: new ConsecutiveBreaker(settings.breakerThreshold),
    },
  );
  breaker.onBreak(() => observer.breakerChanged(upstream, "open"));
  breaker.onHalfOpen(() => observer.breakerChanged(upstream, "half-open"));
  breaker.onReset(() => observer.breakerChanged(upstream, "closed"));

  const backoff = new DelegateBackoff<{ attempt: number; result: unknown }>((context) => {
    const error =
      "error" in (context.result as object)
        ? (context.result as { error: unknown }).error
        : undefined;
    const retryAfter = error instanceof UpstreamError ? error.retryAfterSeconds : undefined;
    if (retryAfter !== undefined) return retryAfter * 1000;
    return Math.random() * settings.backoffMs * 2 ** (context.attempt - 1);
  });
  const retrying = (when: (error: UpstreamError) => boolean) =>
    retry(
      handleWhen(
        (error) =>
          error instanceof UpstreamError &&
          error.failure !== "bad_answer" &&
          waitableRetryAfter(error, settings) &&
          when(error),
      ),
      { maxAttempts: settings.retries, backoff },
    );

  const asCallPolicy = (policy: IPolicy): CallPolicy => ({
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
  });
  return {
    // Retries outside the breaker: every attempt counts towards opening it.
    idempotent: asCallPolicy(
      wrap(
        retrying(() => true),
        breaker,
      ),
    ),
    nonIdempotent: asCallPolicy(
      wrap(
        retrying((error) => error.details.notProcessed === true),
        breaker,
      ),
    ),
  };
}
