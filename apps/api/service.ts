import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import { FileClientKeys } from "../../adapters/client-keys/file-client-keys.ts";
import { RemoteJwksClientKeys } from "../../adapters/client-keys/remote-jwks-client-keys.ts";
import { VideoConfigFile } from "../../adapters/config/video-config-file.ts";
import { randomIds } from "../../adapters/crypto/random-ids.ts";
import { JwtDeviceAuthenticator } from "../../adapters/device-jwt/jwt-device-authenticator.ts";
import { createHttpApp } from "../../adapters/http/app.ts";
import { internalError, noRoute } from "../../adapters/http/problem.ts";
import { MaxConfRooms } from "../../adapters/maxconf/maxconf-rooms.ts";
import { EntraAccessTokens } from "../../adapters/oauth/entra-access-tokens.ts";
import type { SqlDatabase } from "../../adapters/sqlite/database.ts";
import { SqliteSessions } from "../../adapters/sqlite/sqlite-sessions.ts";
import type { Clock } from "../../core/ports.ts";
import { videoSessionUseCases } from "../../core/use-cases/index.ts";
import type { ServiceConfig } from "./config.ts";
import { docsAssets } from "./docs-assets.ts";
import { createLogger, createRequestLogger } from "./logger.ts";
import { createMetrics } from "./metrics.ts";
import { observeRequests, operatorRoutes } from "./observability.ts";
import { upstreamHeaders } from "./request-context.ts";
import {
  defaultResilience,
  type PolicyOptions,
  type UpstreamObserver,
  upstreamPolicy,
} from "./resilience.ts";
import { startWorkers, type Timers } from "./workers.ts";

/** Open around the clock, one destination: what the dev stack needs. */
const defaultVideoConfigFile = fileURLToPath(
  new URL("./default-video-config.json", import.meta.url),
);

/** Opens and migrates the SQLite file with the runtime's driver (better-sqlite3, node:sqlite). */
export type OpenDatabase = (path: string, synchronous: "FULL" | "NORMAL") => SqlDatabase;

const readinessTimeoutMs = 2000;
/** How long a readiness answer about the upstreams is reused. */
export const upstreamCheckReuseMs = 2000;

/** The service wired from its configuration: HTTP app, background workers, and how to stop. */
export function buildService(config: ServiceConfig, timers: Timers, openDatabase: OpenDatabase) {
  const logger = createLogger(config.LOG_LEVEL);
  const db = openDatabase(config.DATABASE_PATH, config.SQLITE_SYNCHRONOUS);
  const sessions = new SqliteSessions(db);
  const metrics = createMetrics({
    sessionsByStatus: () => sessions.statistics().sessionsByState,
    pendingRoomDeletions: () => sessions.statistics().pendingRoomDeletions,
  });
  const upstreamObserver: UpstreamObserver = {
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
  const policy = (options: PolicyOptions) =>
    upstreamPolicy(options, defaultResilience, upstreamObserver);
  const tokens = new EntraAccessTokens(
    {
      authority: config.ENTRA_AUTHORITY,
      tenant: config.ENTRA_TENANT,
      clientId: config.ENTRA_CLIENT_ID,
      clientSecret: config.ENTRA_CLIENT_SECRET,
      scope: config.ENTRA_SCOPE,
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
      contextHeaders: upstreamHeaders,
    },
    timers,
    policy({ upstream: "token-server", work: "token", repeatable: true }),
  );
  const rooms = new MaxConfRooms(
    {
      baseUrl: config.MAXCONF_URL,
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
      contextHeaders: upstreamHeaders,
    },
    tokens,
    {
      create: policy({ upstream: "maxconf", work: "create", repeatable: false }),
      housekeeping: policy({ upstream: "maxconf", work: "housekeeping", repeatable: true }),
    },
  );
  const videoConfig = new VideoConfigFile(config.VIDEO_CONFIG_FILE ?? defaultVideoConfigFile, {
    destinationHost: config.DESTINATION_HOST,
    maxInactiveSeconds: config.DESTINATION_MAX_INACTIVE_SECONDS,
    maxActiveSessions: config.DESTINATION_MAX_ACTIVE_SESSIONS,
  });
  let kickDeletions = () => {};
  const useCases = videoSessionUseCases(
    {
      sessions,
      rooms,
      destinations: videoConfig,
      serviceHours: () => videoConfig.serviceHours(),
      clock: timers,
      ids: randomIds,
      roomDeletionOwed: () => kickDeletions(),
    },
    {
      graceMs: config.RECONCILE_GRACE_SECONDS * 1000,
      livePerClient: config.CLIENT_MAX_LIVE_SESSIONS,
    },
  );
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
        timers,
      )
    : new FileClientKeys(config.BCSC_CLIENT_KEYS_FILE ?? "");
  const api = createHttpApp({
    useCases,
    authenticator: new JwtDeviceAuthenticator(clientKeys, timers),
    basePath: config.API_BASE_PATH,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    clock: timers,
    logError: (message, error) => logger.error({ error: String(error) }, message),
  });

  // Not strict: `/x` and `/x/` route the same, as the shipped app needs.
  const app = new Hono({ strict: false });
  app.use("*", observeRequests(createRequestLogger(config.LOG_LEVEL), metrics));
  // A probe every second from each of several load balancers must not be a MaxConf call each.
  const upstreamChecks = reusedFor(upstreamCheckReuseMs, timers, async () => ({
    token: await within(
      readinessTimeoutMs,
      tokens.get().then(() => "ok"),
    ),
    maxconf: await within(
      readinessTimeoutMs,
      rooms.reachable().then((up) => (up ? "ok" : "unreachable")),
    ),
  }));
  operatorRoutes(app, metrics, async () => ({
    database: sessions.writable() ? "ok" : "not writable",
    ...(await upstreamChecks()),
  }));
  app.get("/docs/assets/:file", (c) => docsAssets(c.req.param("file")));
  app.route("/", api);
  app.onError((error) => {
    logger.error({ error: String(error) }, "unhandled error");
    return internalError();
  });
  app.notFound((c) => noRoute(c.req.method, c.req.path));

  const workers = startWorkers(
    useCases,
    timers,
    config.RECONCILE_INTERVAL_SECONDS * 1000,
    logger,
    (outcome) => metrics.roomsUnattributed.set(outcome.unattributed),
  );
  kickDeletions = workers.kickDeletions;

  return {
    app,
    useCases,
    sessions,
    logger,
    /** Resolves when no background job is running (tests move a virtual clock, then wait here). */
    backgroundIdle: () => workers.idle(),
    /** Stops the background work, delivers what is owed if it can, and closes the database. */
    async stop() {
      workers.stop();
      await workers.idle();
      await within(readinessTimeoutMs, useCases.deliverRoomDeletions.execute());
      await Promise.all([rooms.close(), tokens.close()]);
      db.close();
    },
  };
}

/** `check`'s answer, shared by every caller until it is `ms` old (and while it is under way). */
function reusedFor<T>(ms: number, clock: Clock, check: () => Promise<T>) {
  let latest: { at: number; answer: Promise<T> } | undefined;
  return (): Promise<T> => {
    const now = clock.now();
    if (!latest || now - latest.at >= ms) latest = { at: now, answer: check() };
    return latest.answer;
  };
}

/** The check's outcome, or why it has none within `ms`. */
async function within<T>(ms: number, check: Promise<T>): Promise<T | string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${ms} ms`), ms);
  });
  try {
    return await Promise.race([check.catch((error) => String(error.message ?? error)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export type Service = ReturnType<typeof buildService>;
