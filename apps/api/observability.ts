import type { Env, Hono, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { HttpEnv } from "../../adapters/http/env.ts";
import type { Clock, Timeline } from "../../core/ports.ts";
import type { RequestLogger } from "./logger.ts";
import type { Metrics } from "./metrics.ts";

const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Every request: an id (the caller's x-request-id when sane, else a new one) carried to upstream
 * calls and echoed back, one log line, the request metrics, and — for a request about a session —
 * a row in that session's timeline. Never logs or keeps headers or bodies.
 */
export function observeRequests(
  logger: RequestLogger,
  metrics: Metrics,
  timeline: Timeline,
  clock: Clock,
): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const requestId =
      incoming && acceptableRequestId.test(incoming) ? incoming : crypto.randomUUID();
    const at = clock.now();
    const started = performance.now();
    c.set("requestId", requestId);
    await next();
    // Set on the answer's own headers: c.header() after the handler rebuilt every answer as a
    // stream (a Response, a ReadableStream, a copy of both), which the server then piped out.
    c.res.headers.set("x-request-id", requestId);
    const seconds = (performance.now() - started) / 1000;
    const matched = routePath(c, -1);
    const route = c.res.status === 404 && matched.endsWith("*") ? "unmatched" : matched;
    const status = String(c.res.status);
    metrics.httpRequests.inc({ method: c.req.method, route, status });
    metrics.httpDuration.observe({ method: c.req.method, route }, seconds);
    const ms = Math.round(seconds * 1000);
    logger.info({ requestId, method: c.req.method, route, status: c.res.status, ms }, "request");
    const sessionId = c.get("sessionId");
    if (sessionId) {
      const problem = await problemType(c.res);
      timeline.record({
        kind: "request",
        sessionId,
        at,
        requestId,
        method: c.req.method,
        route,
        status: c.res.status,
        ms,
        ...(problem ? { problem } : {}),
      });
    }
  };
}

/** The `type` of a problem+json answer (read from a copy: the answer goes out untouched). */
async function problemType(response: Response): Promise<string | undefined> {
  if (!response.headers.get("content-type")?.includes("problem+json")) return undefined;
  const body = (await response
    .clone()
    .json()
    .catch(() => ({}))) as { type?: unknown };
  return typeof body.type === "string" ? body.type : undefined;
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
