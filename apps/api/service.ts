import { createHttpApp } from "../../adapters/http/app.ts";
import type { Timers } from "../../core/ports.ts";
import type { ServiceConfig } from "./config.ts";
import { deviceAuthenticator } from "./device-auth.ts";
import { docsAssets } from "./docs-assets.ts";
import { createLogger, createRequestLogger } from "./logger.ts";
import { createMetrics } from "./metrics.ts";
import { observeRequests, operatorRoutes } from "./observability.ts";
import { serveConsole } from "./ops-console/serve-console.ts";
import { readinessChecks, within } from "./readiness.ts";
import type { OpenStorage } from "./storage.ts";
import { staffAuthenticator, supportUseCases } from "./support.ts";
import { recordExchanges } from "./timeline-recording.ts";
import { upstreamTrust } from "./upstream-ca.ts";
import { connectUpstreams, observeUpstreams } from "./upstreams.ts";
import { wireUseCases } from "./use-cases.ts";
import { startWorkers } from "./workers.ts";

const finalDeliveryMs = 2000;

/** The service wired from its configuration: HTTP app, background workers, and how to stop. */
export async function buildService(config: ServiceConfig, clock: Timers, openStorage: OpenStorage) {
  const logger = createLogger(config.LOG_LEVEL);
  const { store, rateLimiter, jobLocks } = await openStorage(config, clock, logger);
  const metrics = createMetrics(store.status);
  const trust = upstreamTrust(config);
  const upstreams = connectUpstreams(
    config,
    trust,
    clock,
    observeUpstreams(metrics, logger),
    recordExchanges(store.timeline, clock),
  );
  const { useCases, jobs } = wireUseCases(config, clock, store, upstreams.rooms);
  const app = createHttpApp({
    useCases,
    authenticator: deviceAuthenticator(config, trust, clock),
    basePath: config.API_BASE_PATH,
    rateLimiter,
    logError: (message, error) => logger.error({ error: String(error) }, message),
    observe: observeRequests(createRequestLogger(config.LOG_LEVEL), metrics, store.timeline, clock),
    ops: {
      support: supportUseCases(store, clock),
      authenticator: staffAuthenticator(config, trust, clock),
      clock,
      logDenied: (reason, path) => logger.warn({ reason, path }, "ops request refused"),
    },
    operatorRoutes: (routes) => {
      operatorRoutes(routes, metrics, readinessChecks(store.status, upstreams, clock));
      routes.get("/docs/assets/:file", (c) => docsAssets(c.req.param("file")));
      serveConsole(routes);
    },
  });
  const workers = startWorkers(
    jobs,
    { outbox: store.outbox, jobLocks },
    clock,
    {
      reconcileEveryMs: config.RECONCILE_INTERVAL_SECONDS * 1000,
      reconciled: (outcome) => metrics.roomsUnattributed.set(outcome.unattributed),
      pruneTimeline: () =>
        store.timeline.prune(clock.now() - config.TIMELINE_RETENTION_DAYS * 86_400_000),
    },
    logger,
  );

  return {
    app,
    useCases,
    jobs,
    store,
    logger,
    /** Resolves when no background job is running (tests move a virtual clock, then wait here). */
    backgroundIdle: () => workers.idle(),
    /** Stops the background work, delivers what is owed if it can, and closes the store. */
    async stop() {
      workers.stop();
      await workers.idle();
      await within(finalDeliveryMs, jobs.deliverRoomDeletions.execute());
      await upstreams.close();
      await store.close();
    },
  };
}

export type Service = Awaited<ReturnType<typeof buildService>>;
