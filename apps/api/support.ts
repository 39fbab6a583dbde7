import { EntraStaffAuthenticator } from "../../adapters/staff-auth/entra-staff-authenticator.ts";
import type { Clock, Store } from "../../core/ports.ts";
import { ReadTimeline, SearchSessions, type SupportUseCases } from "../../core/use-cases/index.ts";
import { fetchTrusting } from "../shared/trust.ts";
import type { ServiceConfig } from "./config.ts";
import { upstreamRoots } from "./upstream-ca.ts";

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
export function staffAuthenticator(config: ServiceConfig, clock: Clock) {
  const roots = upstreamRoots(config);
  return new EntraStaffAuthenticator(
    {
      authority: config.ENTRA_AUTHORITY,
      tenant: config.ENTRA_TENANT,
      audience: config.OPS_AUDIENCE,
      role: config.OPS_ROLE,
      fetch: roots && fetchTrusting(roots),
    },
    clock,
  );
}
