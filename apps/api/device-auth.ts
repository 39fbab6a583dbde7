import { FileClientKeys } from "../../adapters/client-keys/file-client-keys.ts";
import { RemoteJwksClientKeys } from "../../adapters/client-keys/remote-jwks-client-keys.ts";
import { JwtDeviceAuthenticator } from "../../adapters/device-jwt/jwt-device-authenticator.ts";
import type { Clock } from "../../core/ports.ts";
import type { ServiceConfig } from "./config.ts";

/** Device tokens checked against the app clients' keys: a file, or a JWKS URL per client. */
export function deviceAuthenticator(config: ServiceConfig, clock: Clock) {
  const clientKeys = config.BCSC_CLIENT_JWKS_URL
    ? new RemoteJwksClientKeys(
        {
          urlTemplate: config.BCSC_CLIENT_JWKS_URL,
          cacheMs: config.BCSC_CLIENT_JWKS_CACHE_SECONDS * 1000,
          refetchCooldownMs: 30_000,
          unknownClientMs: config.BCSC_CLIENT_JWKS_UNKNOWN_SECONDS * 1000,
          fetchesPerMinute: config.BCSC_CLIENT_JWKS_FETCHES_PER_MINUTE,
          maxConcurrentFetches: 16,
          timeoutMs: config.UPSTREAM_TIMEOUT_MS,
        },
        clock,
      )
    : new FileClientKeys(config.BCSC_CLIENT_KEYS_FILE ?? "");
  return new JwtDeviceAuthenticator(clientKeys, clock);
}
