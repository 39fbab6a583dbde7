import type { SecureContext } from "node:tls";
import { RemoteJwksClientKeys } from "../../adapters/client-keys/remote-jwks-client-keys.ts";
import {
  EntraStaffAuthenticator,
  type EntraStaffSettings,
  tenantKeysUrl,
} from "../../adapters/jwt/entra-staff-authenticator.ts";
import type { Clock, Store } from "../../core/ports.ts";
import { ReadTimeline, SearchSessions, type SupportUseCases } from "../../core/use-cases/index.ts";
import { fetchTrusting } from "../shared/trust.ts";
import type { ServiceConfig } from "./config.ts";

/** What support staff may ask, over the store's timeline. */
export function supportUseCases(store: Store, clock: Clock): SupportUseCases {
  const { timeline, queue, status } = store;
  return {
    searchSessions: new SearchSessions({ timeline, queue }),
    readTimeline: new ReadTimeline({ timeline, queue, clock }),
    counts: async () => (await status.counts()).sessionsByState,
    recordRead: (read) => timeline.recordRead(read),
  };
}

/** Staff tokens from the tenant's Entra (the service's own tenant), with the support role. */
export function staffAuthenticator(
  config: ServiceConfig,
  trust: SecureContext | undefined,
  clock: Clock,
) {
  return entraStaffAuthenticator(
    {
      authority: config.ENTRA_AUTHORITY,
      tenant: config.ENTRA_TENANT,
      audience: config.OPS_AUDIENCE,
      role: config.OPS_ROLE,
    },
    { timeoutMs: config.UPSTREAM_TIMEOUT_MS, fetch: trust && fetchTrusting(trust) },
    clock,
  );
}

/**
 * The authenticator over the tenant's one key set, cached and refetched as a client's JWKS is
 * (the tenant as the client): kept 10 minutes, fetched again for an unknown `kid` after 30 s.
 */
export function entraStaffAuthenticator(
  settings: EntraStaffSettings,
  upstream: { timeoutMs: number; fetch?: typeof fetch },
  clock: Clock,
) {
  const keySet = new RemoteJwksClientKeys(
    {
      urlTemplate: tenantKeysUrl(settings),
      cacheMs: 600_000,
      refetchCooldownMs: 30_000,
      unknownClientMs: 30_000,
      fetchesPerMinute: 10,
      maxConcurrentFetches: 1,
      ...upstream,
    },
    clock,
  );
  return new EntraStaffAuthenticator(
    settings,
    (kid) => keySet.keysFor(settings.tenant, kid),
    clock,
  );
}
