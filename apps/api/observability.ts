import type { Env, Hono, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { RequestLogger } from "./logger.ts";
import type { Metrics } from "./metrics.ts";
import { withRequestContext } from "./request-context.ts";

const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Every request: an id (the caller's x-request-id when sane, else a new one) carried to upstream
 * calls and echoed back, one log line, and the request metrics. Never logs headers or bodies.
 */
export function observeRequests(logger: RequestLogger, metrics: Metrics): MiddlewareHandler {
  return async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const requestId =
      incoming && acceptableRequestId.test(incoming) ? incoming : crypto.randomUUID();
    const started = performance.now();
    await withRequestContext({ requestId }, next);
    c.header("x-request-id", requestId);
    const seconds = (performance.now() - started) / 1000;
    const matched = routePath(c, -1);
    const route = c.res.status === 404 && matched.endsWith("*") ? "unmatched" : matched;
    const status = String(c.res.status);
    metrics.httpRequests.inc({ method: c.req.method, route, status });
    metrics.httpDuration.observe({ method: c.req.method, route }, seconds);
    logger.info(
      {
        requestId,
        method: c.req.method,
        route,
        status: c.res.status,
        ms: Math.round(seconds * 1000),
      },
      "request",
    );
  };
}

/** The operator's endpoints: liveness, readiness with the failing check named, and metrics. */
export function operatorRoutes<E extends Env>(
  app: Hono<E>,
  metrics: Metrics,
  readiness: () => Promise<Record<string, string>>,
): void {
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    const checks = await readiness();
    const ready = Object.values(checks).every((outcome) => outcome === "ok");
    return c.json({ status: ready ? "ready" : "not ready", checks }, ready ? 200 : 503);
  });
  app.get("/metrics", async (c) =>
    c.text(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType }),
  );
}
