import type { SecureContext } from "node:tls";
import { ChainedClientKeys } from "../../adapters/client-keys/chained-client-keys.ts";
import { FileClientKeys } from "../../adapters/client-keys/file-client-keys.ts";
import { RemoteJwksClientKeys } from "../../adapters/client-keys/remote-jwks-client-keys.ts";
import { JwtDeviceAuthenticator } from "../../adapters/jwt/jwt-device-authenticator.ts";
import type { ClientKeys, Clock } from "../../core/ports.ts";
import { fetchTrusting } from "../shared/trust.ts";
import type { ServiceConfig } from "./config.ts";

/**
 * Device tokens checked against the app clients' keys: a file, a JWKS URL per client, or both
 * (the file's clients first).
 */
export function deviceAuthenticator(
  config: ServiceConfig,
  trust: SecureContext | undefined,
  clock: Clock,
) {
  const sources: ClientKeys[] = [];
  if (config.BCSC_CLIENT_KEYS_FILE) sources.push(new FileClientKeys(config.BCSC_CLIENT_KEYS_FILE));
  if (config.BCSC_CLIENT_JWKS_URL) {
    sources.push(
      new RemoteJwksClientKeys(
        {
          urlTemplate: config.BCSC_CLIENT_JWKS_URL,
          cacheMs: config.BCSC_CLIENT_JWKS_CACHE_SECONDS * 1000,
          refetchCooldownMs: 30_000,
          unknownClientMs: config.BCSC_CLIENT_JWKS_UNKNOWN_SECONDS * 1000,
          fetchesPerMinute: config.BCSC_CLIENT_JWKS_FETCHES_PER_MINUTE,
          maxConcurrentFetches: 16,
          timeoutMs: config.UPSTREAM_TIMEOUT_MS,
          fetch: trust && fetchTrusting(trust),
        },
        clock,
      ),
    );
  }
  return new JwtDeviceAuthenticator(new ChainedClientKeys(sources), clock);
}
