import type { SecureContext } from "node:tls";
import { MaxConfRooms } from "../../adapters/maxconf/maxconf-rooms.ts";
import { EntraAccessTokens } from "../../adapters/oauth/entra-access-tokens.ts";
import {
  type PolicyOptions,
  type ResilienceSettings,
  type UpstreamObserver,
  upstreamPolicy,
} from "../../adapters/resilience/cockatiel-policies.ts";
import type { Clock, ExchangeObserver } from "../../core/ports.ts";
import type { ServiceConfig } from "./config.ts";
import type { Logger } from "./logger.ts";
import type { Metrics } from "./metrics.ts";

/**
 * The token server and MaxConf, each operation run under its own retry and circuit policy; each
 * exchange told to `observe` (for the timeline of the session it was made for).
 */
export function connectUpstreams(
  config: ServiceConfig,
  trust: SecureContext | undefined,
  clock: Clock,
  observer: UpstreamObserver,
  observe: ExchangeObserver,
) {
  const resilience: ResilienceSettings = {
    retries: config.UPSTREAM_RETRIES,
    backoffMs: config.UPSTREAM_BACKOFF_MS,
    maxRetryAfterMs: config.UPSTREAM_MAX_RETRY_AFTER_MS,
    breakerThreshold: config.CIRCUIT_BREAKER_THRESHOLD,
    breakerCooldownMs: config.CIRCUIT_BREAKER_COOLDOWN_SECONDS * 1000,
  };
  const policy = (options: PolicyOptions) => upstreamPolicy(options, resilience, observer);
  const tokens = new EntraAccessTokens(
    {
      authority: config.ENTRA_AUTHORITY,
      tenant: config.ENTRA_TENANT,
      clientId: config.ENTRA_CLIENT_ID,
      clientSecret: config.ENTRA_CLIENT_SECRET,
      scope: config.ENTRA_SCOPE,
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
      trust,
      observe,
    },
    clock,
    policy({ upstream: "token-server", work: "token", repeatable: true }),
  );
  const rooms = new MaxConfRooms(
    {
      baseUrl: config.MAXCONF_URL,
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
      trust,
      observe,
    },
    tokens,
    {
      create: policy({ upstream: "maxconf", work: "create", repeatable: false }),
      housekeeping: policy({ upstream: "maxconf", work: "housekeeping", repeatable: true }),
    },
  );
  return {
    tokens,
    rooms,
    close: async () => {
      await Promise.all([rooms.close(), tokens.close()]);
    },
  };
}

export type Upstreams = ReturnType<typeof connectUpstreams>;

/** What upstream calls tell the metrics and the logs. */
export function observeUpstreams(metrics: Metrics, logger: Logger): UpstreamObserver {
  return {
    breakerChanged: (upstream, work, state) => {
      metrics.breakerChanged(upstream, work, state);
      logger.warn({ upstream, work, state }, "circuit breaker changed");
    },
    operationEnded: (upstream, seconds, failure) => {
      metrics.upstreamDuration.observe({ upstream, outcome: failure ?? "ok" }, seconds);
      if (failure) metrics.upstreamErrors.inc({ upstream, failure });
      if (upstream === "token-server") metrics.tokenFetches.inc();
    },
  };
}
