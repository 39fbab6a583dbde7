import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { SqlDatabase } from "../../adapters/sqlite/database.ts";
import { bundleService } from "../../apps/api/build.ts";
import type { DevDevice } from "../../apps/shared/dev-device.ts";
import { call, metric, sessionsPath, tokenRequests } from "./api-client.ts";
import { startBenchPostgres } from "./bench-postgres.ts";
import {
  type Service,
  type ServiceOptions,
  type Simulators,
  startBaseline,
  startService,
  startSimulators,
} from "./bench-stack.ts";
import { clusterRows } from "./cluster.ts";
import { benchClientId, benchDevice, signDeviceTokens } from "./device-tokens.ts";
import { connections, createRequests, load } from "./load.ts";
import { opsReadRows } from "./ops-reads.ts";
import { type Child, residentBytes } from "./processes.ts";
import { format, type Row, statusSummary, table, verdict, writeResults } from "./report.ts";
import { roomCreateRows } from "./rooms.ts";
import { type StoreRows, side, storeComparisons } from "./store-rows.ts";
import { simulateTokenDay } from "./token-day.ts";

/**
 * `npm run bench`: the performance bars of shared/spec/quality-bars.md, each measured side by
 * side with its baseline in this run, printed as one table (progress goes to stderr). The
 * service, the baselines, the simulators and WireMock each run in a process of their own; the
 * load generator (autocannon) runs here.
 */
const synchronous: "FULL" | "NORMAL" =
  process.env.BENCH_SQLITE_SYNCHRONOUS === "NORMAL" ? "NORMAL" : "FULL";
const warmUpSeconds = 2;
/**
 * Creates warm up longer: the service's first couple of thousand creates run at half its steady
 * speed (the JIT compiles a much larger program than the baseline's, SQLite's page cache fills),
 * and a round measured in that regime would measure the warm-up.
 */
const createWarmUp = { seconds: 5, perSecond: 600 };
const roundSeconds = 4;
/** Subject and baseline take turns, so a neighbour's load on the machine hits both alike. */
const rounds = 2;
const liveSessionsForMemory = 10_000;
/** Start-to-ready is timed this many times per form, and the median kept. */
const startRuns = 5;
const videoConfigFile = new URL("../../apps/api/default-video-config.json", import.meta.url)
  .pathname;

/** BENCH_ONLY=create,calls runs only those rows' groups. */
const groups = [
  "start",
  "tokens",
  "create",
  "calls",
  "postgres",
  "memory",
  "rooms",
  "cluster",
  "ops",
] as const;
const only = process.env.BENCH_ONLY?.split(",").map((group) => group.trim());
const unknown = only?.filter((group) => !(groups as readonly string[]).includes(group));
if (unknown?.length) throw new Error(`BENCH_ONLY takes ${groups.join(", ")}; not ${unknown}`);
const wanted = (group: (typeof groups)[number]) => !only || only.includes(group);

/** Which rows a store's comparisons fill, and how they name it. */
const sqliteRows: StoreRows = {
  store: `SQLite, synchronous=${synchronous}`,
  create: { throughput: "1a", p99: "1b" },
  keepAlive: "2",
  creates: wanted("create"),
  calls: wanted("calls"),
};
const postgresRows: StoreRows = {
  store: "PostgreSQL",
  create: { throughput: "1c", p99: "1d" },
  keepAlive: "2b",
  creates: wanted("postgres"),
  calls: wanted("postgres"),
};

const startedAt = performance.now();
const dir = mkdtempSync(join(tmpdir(), "bcsc-bench-"));
const children: Child[] = [];
/** What else to stop at the end (the PostgreSQL server). */
const stops: (() => Promise<void>)[] = [];
const rows: Row[] = [];
const progress = (message: string) =>
  console.error(`[bench ${((performance.now() - startedAt) / 1000).toFixed(0)}s] ${message}`);

try {
  const loadBefore = loadavg()[0] ?? 0;
  const fsyncMs = commitLatencyMs(join(dir, "fsync.db"), synchronous);
  await run();
  const loadAfter = loadavg()[0] ?? 0;
  rows.sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }));
  process.stdout.write(`\n${table(rows)}`);
  // Other work on the machine moves absolute figures: the load average says how much there was.
  console.log(
    `\n${cpus().length} cores; load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after; SQLite synchronous=${synchronous}, one commit ${fsyncMs.toFixed(2)} ms; Node ${process.version}`,
  );
  const files = writeResults("bench", rows, {
    sqliteSynchronous: synchronous,
    roundSeconds,
    rounds,
    connections,
    seconds: Math.round((performance.now() - startedAt) / 1000),
    cores: cpus().length,
    loadAverage: { before: loadBefore, after: loadAfter },
    commitMs: fsyncMs,
    node: process.version,
  });
  console.log(`\nResults: ${files.json}\nChart:   ${files.svg}`);
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
  if (rows.some((row) => !verdict(row).pass)) process.exitCode = 1;
} catch (error) {
  await stopAll();
  console.error(`bench failed; logs and databases kept in ${dir}`);
  throw error;
}

async function run() {
  progress(`working in ${dir}; SQLite synchronous=${synchronous}`);
  const device = await benchDevice(dir);
  const bundle = await bundleService();
  const serviceOptions = (name: string) => ({
    entry: bundle,
    synchronous,
    databasePath: join(dir, `${name}.db`),
    keysFile: device.keysFile,
    logFile: join(dir, `${name}.log`),
    videoConfigFile,
  });
  const comparing = wanted("create") || wanted("calls");
  const timing = { rounds, roundSeconds, warmUpSeconds, createWarmUp };
  const storeBench = { device, progress, timing };
  let forService: Simulators | undefined;
  if ((["start", "tokens", "create", "calls", "postgres"] as const).some(wanted)) {
    const [simulators, forBaseline] = await Promise.all([
      track(startSimulators(dir, "simulators-service")),
      comparing || wanted("postgres")
        ? track(startSimulators(dir, "simulators-baseline"))
        : undefined,
    ]);
    forService = simulators;
    if (wanted("start")) {
      progress("start to ready");
      await startToReadyRow(simulators, serviceOptions);
    }
    let service: Service | undefined;
    if (wanted("tokens")) {
      progress("1,000 concurrent creates on a cold token cache");
      service = await coldCacheRow(simulators, serviceOptions("service"), device);
    } else if (comparing) {
      service = await track(startService(simulators, serviceOptions("service")));
    }
    if (service && forBaseline && comparing) {
      const baseline = await track(startBaseline(forBaseline, dir, { synchronous }));
      const sides = {
        subject: side("service", service.child, simulators),
        baseline: side("baseline", baseline.child, forBaseline),
      };
      rows.push(...(await storeComparisons(service, baseline, sqliteRows, sides, storeBench)));
      await baseline.child.stop();
    }
    await service?.child.stop();
    if (forBaseline && wanted("postgres")) {
      progress("PostgreSQL: the service and its baseline, each on a database of its own");
      const postgres = await startBenchPostgres();
      stops.push(() => postgres.stop());
      const [serviceDb, baselineDb] = await Promise.all([
        postgres.database("service"),
        postgres.database("baseline"),
      ]);
      const onPostgres = await track(
        startService(simulators, { ...serviceOptions("postgres"), databaseUrl: serviceDb }),
      );
      const baseline = await track(startBaseline(forBaseline, dir, { databaseUrl: baselineDb }));
      const sides = {
        subject: side("service", onPostgres.child, simulators, "service"),
        baseline: side("baseline", baseline.child, forBaseline, "baseline"),
      };
      rows.push(...(await storeComparisons(onPostgres, baseline, postgresRows, sides, storeBench)));
      await Promise.all([onPostgres.child.stop(), baseline.child.stop()]);
      // Not left running: the autovacuum and checkpoints owed for the creates would take CPU
      // from the rows after.
      await postgres.stop();
    }
    await forBaseline?.child.stop();
  }
  if (wanted("tokens")) {
    progress("a simulated day of token refreshes");
    await tokenDayRows();
  }
  if (wanted("rooms")) {
    progress("MaxConf simulator vs WireMock, and the load generator's ceiling");
    rows.push(...(await roomCreateRows({ dir, track, warmUpSeconds, roundSeconds, rounds })));
  }
  if (wanted("ops")) {
    rows.push(...(await opsReadRows({ dir, device, serviceOptions, progress })));
  }
  await forService?.child.stop();
  if (wanted("cluster")) {
    progress("three replicas on one PostgreSQL");
    const bench = { dir, device, serviceOptions, track, stops, progress, timing };
    rows.push(...(await clusterRows(bench)));
  }
  if (wanted("memory")) {
    // Last, and alone: a service of its own, on simulators of its own (the bar is the memory of
    // 10,000 live sessions, not of the throughput rows' traffic, nor of reconciling the rooms
    // those rows left at MaxConf); and its reconciliation, a pass over its 10,000 rooms every
    // minute while it rests, falls in no other row's rounds.
    progress(`memory with ${liveSessionsForMemory.toLocaleString("en-US")} live sessions`);
    const own = await track(startSimulators(dir, "simulators-memory"));
    const fresh = await track(startService(own, serviceOptions("memory")));
    const held = await holdLiveSessions(fresh, device);
    progress("memory at rest");
    await memoryRows(held);
    await own.child.stop();
  }
}

/** Row 6: spawning the service (`npm run api`: the built bundle) until GET /readyz answers 200. */
async function startToReadyRow(
  sims: Simulators,
  serviceOptions: (name: string) => Omit<ServiceOptions, "waitFor">,
) {
  const times: number[] = [];
  for (let i = 0; i < startRuns; i++) {
    const service = await startService(sims, serviceOptions(`ready-${i}`));
    times.push(service.startMs);
    await service.child.stop();
  }
  const median = [...times].sort((a, b) => a - b)[Math.floor(startRuns / 2)] ?? Number.NaN;
  rows.push({
    id: "6",
    name: "Start to ready (npm run api)",
    value: median,
    unit: "ms",
    target: { op: "<", value: 1000 },
    detail: `spawn to GET /readyz 200 (database writable, token fetched, MaxConf healthy), median of ${times.map((ms) => Math.round(ms)).join(", ")} ms`,
  });
}

/**
 * Row 3a: a service that just started and 1,000 creates at once. The token server answers its
 * first token request a second late, so the creates arrive while the service's first fetch
 * (made at start, by reconciliation) is still under way: all of them need the token.
 */
async function coldCacheRow(
  sims: Simulators,
  options: Omit<ServiceOptions, "waitFor">,
  device: DevDevice,
): Promise<Service> {
  const tokens = await signDeviceTokens(device, "cold", 1000);
  const before = await tokenRequests(sims.tokenServer, sims.tokenPath);
  await call(`${sims.tokenServer}/_sim/faults`, "POST", undefined, {
    match: { method: "POST", path: sims.tokenPath },
    latencyMs: 1000,
    times: 1,
  });
  const service = await track(startService(sims, { ...options, waitFor: "/healthz" }));
  const cold = await load({
    url: service.url,
    connections: 1000,
    amount: 1000,
    requests: createRequests(tokens, benchClientId, sessionsPath),
  });
  const fetched = (await tokenRequests(sims.tokenServer, sims.tokenPath)) - before;
  rows.push({
    id: "3a",
    name: "Token requests, 1,000 concurrent creates, cold cache",
    value: fetched,
    unit: "",
    target: { op: "==", value: 1 },
    detail: `token server journal, from the service's start; ${statusSummary(cold)}`,
  });
  return service;
}

/** Rows 3b and 3c: the token cache over a simulated day, in this process. */
async function tokenDayRows() {
  const day = await simulateTokenDay();
  rows.push(
    {
      id: "3b",
      name: "Token requests over a simulated day (3599-s tokens)",
      value: day.fetches,
      unit: "",
      target: { op: "<=", value: 26 },
      detail: `EntraAccessTokens + VirtualClock, get() every minute (${day.gets} calls)`,
    },
    {
      id: "3c",
      name: "get() calls that waited on a fetch, after the first",
      value: day.waited,
      unit: "",
      target: { op: "==", value: 0 },
      detail: "refresh ahead of expiry, in the background",
    },
  );
}
interface HeldSessions {
  service: Service;
  sessions: number;
  /** VmRSS and JS heap used right after the last create. */
  busyBytes: number;
  heapBytes: number;
  heldSince: number;
}

/**
 * Row 5, first half: a service of its own holding the live sessions, created through its API;
 * its memory right after.
 */
async function holdLiveSessions(service: Service, device: DevDevice): Promise<HeldSessions> {
  const tokens = await signDeviceTokens(device, "memory", liveSessionsForMemory);
  await load({
    url: service.url,
    amount: liveSessionsForMemory,
    connections,
    requests: createRequests(tokens, benchClientId, sessionsPath),
  });
  const live = () =>
    Promise.all([
      metric(service.url, "sessions", 'status="session_granted"'),
      metric(service.url, "sessions", 'status="session_started"'),
    ]).then(([granted, started]) => granted + started);
  return {
    service,
    sessions: await live(),
    busyBytes: residentBytes(service.child.pid),
    heapBytes: await metric(service.url, "nodejs_heap_size_used_bytes"),
    heldSince: performance.now(),
  };
}

/**
 * Row 5, second half: the same process right after the creates, and once idle for a while.
 * Under load V8 lets its heap grow; idle, its memory reducer collects and gives the pages back
 * (after some 20 to 40 seconds).
 */
async function memoryRows(hold: HeldSessions) {
  const restMs = 45_000;
  const waited = performance.now() - hold.heldSince;
  if (waited < restMs) await new Promise((resolve) => setTimeout(resolve, restMs - waited));
  const atRest = residentBytes(hold.service.child.pid);
  const heapAtRest = await metric(hold.service.url, "nodejs_heap_size_used_bytes");
  const name = `Resident memory, ${hold.sessions.toLocaleString("en-US")} live sessions`;
  rows.push(
    {
      id: "5a",
      name: `${name}, right after creating them`,
      value: hold.busyBytes / 2 ** 20,
      unit: "MB",
      target: { op: "<", value: 200 },
      detail: `VmRSS after the last create; JS heap used ${format(hold.heapBytes / 2 ** 20, "MB")}, much of it garbage not yet collected`,
    },
    {
      id: "5b",
      name: `${name}, at rest`,
      value: atRest / 2 ** 20,
      unit: "MB",
      target: { op: "<", value: 200 },
      detail: `VmRSS ${Math.round(Math.max(restMs, waited) / 1000)} s after the last create, no requests meanwhile; JS heap used ${format(heapAtRest / 2 ** 20, "MB")}`,
    },
  );
  await hold.service.child.stop();
}

/**
 * How long one small SQLite commit takes here with the run's settings (with FULL, an fsync): it
 * decides how fast the baselines can go, and so the create and call-update ratios.
 */
function commitLatencyMs(path: string, synchronous: "FULL" | "NORMAL"): number {
  const db = new Database(path) as unknown as SqlDatabase;
  db.exec("PRAGMA journal_mode = WAL");
  db.exec(`PRAGMA synchronous = ${synchronous}`);
  db.exec("CREATE TABLE probe (id INTEGER PRIMARY KEY, at INTEGER NOT NULL)");
  const insert = db.prepare("INSERT INTO probe (at) VALUES (?)");
  const commits = 50;
  const started = performance.now();
  for (let i = 0; i < commits; i++) insert.run(Date.now());
  const ms = (performance.now() - started) / commits;
  db.close();
  return ms;
}

async function track<T extends { child: Child }>(starting: Promise<T>): Promise<T> {
  const started = await starting;
  children.push(started.child);
  return started;
}

async function stopAll() {
  await Promise.all(children.map((child) => child.stop()));
  await Promise.all(stops.map((stop) => stop()));
}
