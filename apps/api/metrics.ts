import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { UpstreamName } from "../../core/errors.ts";
import type { StoreStatus } from "../../core/ports.ts";

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const breakerStates = { closed: 0, "half-open": 1, open: 2 } as const;

/** The service's Prometheus metrics (GET /metrics); the store's counts are read when scraped. */
export function createMetrics(store: StoreStatus) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = {
    registry,
    httpRequests: new Counter({
      name: "http_requests_total",
      help: "Requests answered, by route and status.",
      labelNames: ["method", "route", "status"],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "http_request_duration_seconds",
      help: "Time to answer a request, by route.",
      labelNames: ["method", "route"],
      buckets: latencyBuckets,
      registers: [registry],
    }),
    upstreamDuration: new Histogram({
      name: "upstream_request_duration_seconds",
      help: "Time of one upstream operation (with its retries), by upstream and outcome.",
      labelNames: ["upstream", "outcome"],
      buckets: latencyBuckets,
      registers: [registry],
    }),
    upstreamErrors: new Counter({
      name: "upstream_errors_total",
      help: "Upstream operations that failed, by upstream and kind of failure.",
      labelNames: ["upstream", "failure"],
      registers: [registry],
    }),
    tokenFetches: new Counter({
      name: "token_fetches_total",
      help: "Access tokens requested from the token server.",
      registers: [registry],
    }),
    roomsUnattributed: new Gauge({
      name: "rooms_unattributed",
      help: "Rooms on the MaxConf tenant the last reconciliation could not prove ours: left alone.",
      registers: [registry],
    }),
    breakerState: new Gauge({
      name: "circuit_breaker_state",
      help: "Circuit breaker per upstream and kind of work: 0 closed, 1 half-open, 2 open.",
      labelNames: ["upstream", "work"],
      registers: [registry],
    }),
  };
  new Gauge({
    name: "sessions",
    help: "Sessions in the database, by status.",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      this.reset();
      const { sessionsByState } = await store.counts();
      for (const [status, count] of Object.entries(sessionsByState)) this.set({ status }, count);
    },
  });
  new Gauge({
    name: "room_deletions_pending",
    help: "Room deletions owed to MaxConf and not yet delivered (the outbox depth).",
    registers: [registry],
    async collect() {
      this.set((await store.counts()).pendingRoomDeletions);
    },
  });
  const breakers: [UpstreamName, string][] = [
    ["token-server", "token"],
    ["maxconf", "create"],
    ["maxconf", "housekeeping"],
  ];
  new Gauge({
    name: "database_connections",
    help: "The database pool's connections (PostgreSQL): total, idle, and requests waiting for one.",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const { connections } = await store.counts();
      if (!connections) return;
      for (const [state, count] of Object.entries(connections)) this.set({ state }, count);
    },
  });
  for (const [upstream, work] of breakers) {
    metrics.breakerState.set({ upstream, work }, breakerStates.closed);
  }
  return {
    ...metrics,
    breakerChanged: (upstream: UpstreamName, work: string, state: keyof typeof breakerStates) =>
      metrics.breakerState.set({ upstream, work }, breakerStates[state]),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
