import { FileClientKeys } from "../../adapters/client-keys/file-client-keys.ts";
import { ConfiguredDestinations } from "../../adapters/config/configured-destinations.ts";
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
import { startWorkers, type Timers } from "./workers.ts";

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
  );
  const rooms = new MaxConfRooms(
    { baseUrl: config.MAXCONF_URL, timeoutMs: config.UPSTREAM_TIMEOUT_MS },
    tokens,
  );
  const destinations = new ConfiguredDestinations([
    {
      name: config.DESTINATION_NAME,
      priority: 1,
      host: config.DESTINATION_HOST,
      maxInactiveSeconds: config.DESTINATION_MAX_INACTIVE_SECONDS,
    },
  ]);
  let kickDeletions = () => {};
  const useCases = videoSessionUseCases({
    sessions,
    rooms,
    destinations,
    clock: timers,
    ids: randomIds,
    roomDeletionOwed: () => kickDeletions(),
  });
  const clientKeys = new FileClientKeys(config.BCSC_CLIENT_KEYS_FILE ?? "");
  const app = createHttpApp({
    useCases,
    authenticator: new JwtDeviceAuthenticator(clientKeys, timers),
    basePath: config.API_BASE_PATH,
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
