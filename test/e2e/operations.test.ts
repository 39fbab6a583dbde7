import { describe, expect, it } from "vitest";
import { upstreamCheckReuseMs } from "../../apps/api/readiness.ts";
import { sharedTestStack } from "../support/stack.ts";

/** What an operator relies on: liveness, readiness naming the failing check, metrics, request ids. */
describe("operating the service", () => {
  const stack = sharedTestStack();

  it("is alive, and ready when its database, token and MaxConf are", async () => {
    expect(await (await fetch(`${stack().urls.api}/healthz`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${stack().urls.api}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: "ready",
      checks: { database: "ok", token: "ok", maxconf: "ok" },
    });
  });

  it("asks the upstreams about readiness once for a burst of probes", async () => {
    await stack().clock.advance(upstreamCheckReuseMs);
    const healthChecks = () =>
      stack()
        .simulators.maxconf.journal.entries()
        .filter((e) => e.path === "/health").length;
    const before = healthChecks();
    const probes = await Promise.all(
      Array.from({ length: 1000 }, () => fetch(`${stack().urls.api}/readyz`).then((r) => r.status)),
    );
    expect(probes.every((status) => status === 200)).toBe(true);
    expect(healthChecks() - before).toBe(1);
  });

  it("is not ready, naming the check, while MaxConf is down", async () => {
    await fetch(`${stack().urls.maxconf}/_sim/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ match: { path: "/health" }, respond: { status: 503 } }),
    });
    // The last answer about the upstreams is reused for a moment: let it age.
    await stack().clock.advance(upstreamCheckReuseMs);
    try {
      const ready = await fetch(`${stack().urls.api}/readyz`);
      expect(ready.status).toBe(503);
      expect((await ready.json()).checks).toEqual({
        database: "ok",
        token: "ok",
        maxconf: "unreachable",
      });
    } finally {
      await fetch(`${stack().urls.maxconf}/_sim/faults`, { method: "DELETE" });
    }
  });

  it("counts requests, sessions, upstream calls and token fetches in Prometheus format", async () => {
    const app = stack().asDevice("metrics-device");
    await app.call("POST", "/video/v2/sessions", {
      client_id: app.clientId,
      device_code: app.deviceCode,
    });
    await app.call("GET", "/video/v2/sessions/unknown");
    const response = await fetch(`${stack().urls.api}/metrics`);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    expect(text).toMatch(
      /http_requests_total\{method="POST",route="\/video\/v2\/sessions",status="201"\} 1/,
    );
    expect(text).toMatch(
      /http_requests_total\{method="GET",route="\/video\/v2\/sessions\/:session_id",status="404"\} 1/,
    );
    expect(text).toMatch(/http_request_duration_seconds_bucket\{.*route="\/video\/v2\/sessions"/);
    expect(text).toMatch(/sessions\{status="session_granted"\} 1/);
    expect(text).toMatch(
      /upstream_request_duration_seconds_count\{upstream="maxconf",outcome="ok"\} \d+/,
    );
    expect(text).toMatch(/token_fetches_total 1/);
    expect(text).toMatch(/room_deletions_pending 0/);
    expect(text).toMatch(/circuit_breaker_state\{upstream="maxconf",work="create"\} 0/);
    expect(text).toMatch(/circuit_breaker_state\{upstream="token-server",work="token"\} 0/);
  });

  it("carries the request id to MaxConf and back to the caller", async () => {
    const app = stack().asDevice("traced-device");
    const answer = await app.call(
      "POST",
      "/video/v2/sessions",
      { client_id: app.clientId, device_code: app.deviceCode },
      { headers: { "x-request-id": "trace-1234" } },
    );
    expect(answer.headers.get("x-request-id")).toBe("trace-1234");
    const create = stack()
      .simulators.maxconf.journal.entries()
      .filter((e) => e.path === "/room/create")
      .at(-1);
    expect(create?.headers["x-request-id"]).toBe("trace-1234");
  });
});
