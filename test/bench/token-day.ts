import { EntraAccessTokens } from "../../adapters/oauth/entra-access-tokens.ts";
import { upstreamPolicy } from "../../adapters/resilience/cockatiel-policies.ts";
import { resilienceDefaults as defaults } from "../../apps/api/config.ts";
import { listen } from "../../apps/shared/listen.ts";
import type { CallPolicy } from "../../core/errors.ts";
import { VirtualClock } from "../../simulators/control/clock.ts";
import { createTokenServer } from "../../simulators/token-server/index.ts";

const client = {
  clientId: "bcsc-video-api",
  clientSecret: "bench-client-secret",
  tenant: "bcsc-dev-tenant",
  audience: "api://maxconf",
};

export interface TokenDay {
  /** Token requests the token server received over the day. */
  fetches: number;
  gets: number;
  /** get() calls after the first that had to wait for a fetch to finish. */
  waited: number;
}

/**
 * A simulated day of the service's token cache: EntraAccessTokens, with the service's retry
 * policy, against the token-server simulator (3599-s tokens) on loopback, one virtual clock for
 * both; get() every simulated minute for 24 h.
 */
export async function simulateTokenDay(): Promise<TokenDay> {
  const clock = new VirtualClock();
  const server = await listen(0);
  const tokenServer = createTokenServer({
    clock,
    tenants: [client.tenant],
    clients: [client],
    expiresIn: 3599,
  });
  server.handle(tokenServer.app.fetch);
  const quiet = { breakerChanged() {}, operationEnded() {} };
  const policy = upstreamPolicy(
    { upstream: "token-server", work: "token", repeatable: true },
    {
      retries: defaults.UPSTREAM_RETRIES,
      backoffMs: defaults.UPSTREAM_BACKOFF_MS,
      maxRetryAfterMs: defaults.UPSTREAM_MAX_RETRY_AFTER_MS,
      breakerThreshold: defaults.CIRCUIT_BREAKER_THRESHOLD,
      breakerCooldownMs: defaults.CIRCUIT_BREAKER_COOLDOWN_SECONDS * 1000,
    },
    quiet,
  );
  // Remembers the fetch under way, so time moves on only once a background refresh is done.
  let fetching: Promise<unknown> = Promise.resolve();
  const observed: CallPolicy = {
    run(work) {
      const run = policy.run(work);
      fetching = run.catch(() => {});
      return run;
    },
  };
  const tokens = new EntraAccessTokens(
    {
      authority: server.url,
      tenant: client.tenant,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      scope: `${client.audience}/.default`,
      timeoutMs: 5_000,
    },
    clock,
    observed,
  );
  const gets = 24 * 60;
  let waited = 0;
  try {
    for (let minute = 0; minute < gets; minute++) {
      if (!(await answeredAtOnce(tokens.get())) && minute > 0) waited++;
      await fetching;
      await clock.advance(60_000);
    }
  } finally {
    await tokens.close();
    await server.close();
  }
  const tokenPath = `/${client.tenant}/oauth2/v2.0/token`;
  const fetches = tokenServer.journal.entries({ path: tokenPath }).length;
  return { fetches, gets, waited };
}

/**
 * Whether a promise settles before the event loop gets to its check phase: a token from the
 * cache does (microtasks only), one that waits for a fetch cannot (it needs socket I/O first).
 */
async function answeredAtOnce(get: Promise<string>): Promise<boolean> {
  const later = new Promise<false>((resolve) => setImmediate(() => resolve(false)));
  return Promise.race([get.then(() => true as const), later]);
}
