import { fileURLToPath } from "node:url";
import { FileClientKeys } from "../../adapters/client-keys/file-client-keys.ts";
import { RemoteJwksClientKeys } from "../../adapters/client-keys/remote-jwks-client-keys.ts";
import { VideoConfigFile } from "../../adapters/config/video-config-file.ts";
import { randomIds } from "../../adapters/crypto/random-ids.ts";
import { JwtDeviceAuthenticator } from "../../adapters/device-jwt/jwt-device-authenticator.ts";
import { createHttpApp } from "../../adapters/http/app.ts";
import { MaxConfRooms } from "../../adapters/maxconf/maxconf-rooms.ts";
import { EntraAccessTokens } from "../../adapters/oauth/entra-access-tokens.ts";
import { openBetterSqlite } from "../../adapters/sqlite/better-sqlite3.ts";
import { SqliteSessions } from "../../adapters/sqlite/sqlite-sessions.ts";
import { videoSessionUseCases } from "../../core/use-cases/index.ts";
import type { ServiceConfig } from "./config.ts";
import { docsAssets } from "./docs-assets.ts";
import { defaultResilience, upstreamPolicies } from "./resilience.ts";
import { startWorkers, type Timers } from "./workers.ts";

/** Open around the clock, one destination: what the dev stack needs. */
const defaultVideoConfigFile = fileURLToPath(
  new URL("./default-video-config.json", import.meta.url),
);

/** The service wired from its configuration: HTTP app, background workers, and how to stop. */
export function buildService(config: ServiceConfig, timers: Timers) {
  const db = openBetterSqlite(config.DATABASE_PATH, config.SQLITE_SYNCHRONOUS);
  const sessions = new SqliteSessions(db);
  const tokens = new EntraAccessTokens(
    {
      authority: config.ENTRA_AUTHORITY,
      tenant: config.ENTRA_TENANT,
      clientId: config.ENTRA_CLIENT_ID,
      clientSecret: config.ENTRA_CLIENT_SECRET,
      scope: config.ENTRA_SCOPE,
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    },
    timers,
    upstreamPolicies("token-server", defaultResilience).idempotent,
  );
  const rooms = new MaxConfRooms(
    { baseUrl: config.MAXCONF_URL, timeoutMs: config.UPSTREAM_TIMEOUT_MS },
    tokens,
    upstreamPolicies("maxconf", defaultResilience),
  );
  const videoConfig = new VideoConfigFile(config.VIDEO_CONFIG_FILE ?? defaultVideoConfigFile, {
    destinationHost: config.DESTINATION_HOST,
    maxInactiveSeconds: config.DESTINATION_MAX_INACTIVE_SECONDS,
  });
  let kickDeletions = () => {};
  const useCases = videoSessionUseCases({
    sessions,
    rooms,
    destinations: videoConfig,
    serviceHours: () => videoConfig.serviceHours(),
    clock: timers,
    ids: randomIds,
    roomDeletionOwed: () => kickDeletions(),
  });
  const clientKeys = config.BCSC_CLIENT_JWKS_URL
    ? new RemoteJwksClientKeys(
        {
          urlTemplate: config.BCSC_CLIENT_JWKS_URL,
          cacheMs: config.BCSC_CLIENT_JWKS_CACHE_SECONDS * 1000,
          refetchCooldownMs: 30_000,
          timeoutMs: config.UPSTREAM_TIMEOUT_MS,
        },
        timers,
      )
    : new FileClientKeys(config.BCSC_CLIENT_KEYS_FILE ?? "");
  const app = createHttpApp({
    useCases,
    authenticator: new JwtDeviceAuthenticator(clientKeys, timers),
    basePath: config.API_BASE_PATH,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    clock: timers,
    logError: (message, error) => console.error(message, error),
  });
  app.get("/docs/assets/:file", (c) => docsAssets(c.req.param("file")));
  const workers = startWorkers(useCases, timers);
  kickDeletions = workers.kickDeletions;

  return {
    app,
    useCases,
    sessions,
    async stop() {
      workers.stop();
      await workers.idle();
      await Promise.all([rooms.close(), tokens.close()]);
      db.close();
    },
  };
}

export type Service = ReturnType<typeof buildService>;
