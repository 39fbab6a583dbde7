import { cpus } from "node:os";
import type { Options, RawRequest } from "autocannon";
import pg from "pg";
import type { DevDevice } from "../../apps/shared/dev-device.ts";
import { callInProgress, sessionsPath } from "./api-client.ts";
import { startBenchPostgres } from "./bench-postgres.ts";
import {
  type Service,
  type ServiceOptions,
  type Simulators,
  startService,
  startSimulators,
} from "./bench-stack.ts";
import { backendsOf, Ledger, loadGenerator, type Party, processParty, type Sides } from "./cpu.ts";
import { benchClientId, signDeviceTokens } from "./device-tokens.ts";
import {
  callSessions,
  connections,
  createRequests,
  keepAliveRequests,
  load,
  type Run,
  type Timing,
  together,
} from "./load.ts";
import type { Child } from "./processes.ts";
import { ms, type Row, rate, statusSummary, throughputRow } from "./report.ts";

/** What the cluster rows take from the benchmark that runs them. */
export interface ClusterBench {
  dir: string;
  device: DevDevice;
  /** A service process's settings, its log named `name`; the database is the cluster's. */
  serviceOptions: (name: string) => Omit<ServiceOptions, "waitFor">;
  /** Has the child stopped when the benchmark ends, even by an error. */
  track: <T extends { child: Child }>(starting: Promise<T>) => Promise<T>;
  /** What else to stop then (the PostgreSQL server). */
  stops: (() => Promise<void>)[];
  progress: (message: string) => void;
  timing: Timing;
}

const replicaCount = 3;
/** The replicas' database on the bench's PostgreSQL server. */
const database = "cluster";
/** Device tokens signed per create expected, for the creates' rounds by time. */
const tokensToSpare = 3;
/** The kill row's load, and when in it the last replica is SIGKILLed. */
const killLoadSeconds = 8;
const killAfterMs = 3_000;
/** How long to wait for the killed one's heartbeat to lapse (10 s), and for its creates to fail. */
const lapseTimeoutMs = 30_000;
const takeOverTimeoutMs = 30_000;

/**
 * Rows 7a–7d: three replicas of the service on one PostgreSQL database, each on a port of its own
 * with a load generator of its own (a load balancer would spread the connections so), against
 * one of them alone with the same connections in all.
 */
export async function clusterRows(bench: ClusterBench): Promise<Row[]> {
  const postgres = await startBenchPostgres();
  bench.stops.push(() => postgres.stop());
  const databaseUrl = await postgres.database(database);
  const sims = await bench.track(startSimulators(bench.dir, "simulators-cluster"));
  // Reconciliation at start only: a pass walks every room the rows made (some 15,000) and would
  // land, a minute in, in one round of one side only. It is one replica's job however many run.
  const start = (name: string) =>
    bench.track(
      startService(sims, {
        ...bench.serviceOptions(name),
        databaseUrl,
        reconcileIntervalSeconds: 3600,
      }),
    );
  // Started together, as a deployment starts them: they migrate once between them.
  const replicas = await Promise.all(
    Array.from({ length: replicaCount }, (_, i) => start(`cluster-${i + 1}`)),
  );
  bench.progress("cluster: session creates, one replica vs three");
  const creates = await createRow(replicas, bench, databaseUrl, sims);
  bench.progress("cluster: keep-alives, one replica vs three");
  const keepAlives = await keepAliveRow(replicas, bench, sims);
  bench.progress("cluster: one replica SIGKILLed under creates, then started again");
  const perSecond = creates.comparison?.subject.result.rps ?? 0;
  const kill = await killRows(replicas, perSecond, bench, databaseUrl, () =>
    start("cluster-restarted"),
  );
  await Promise.all([...replicas, kill.restarted, sims].map(({ child }) => child.stop()));
  return [creates, keepAlives, ...kill.rows];
}

/**
 * Row 7a: creates, each a new device's, so each takes the bench client's advisory lock and
 * counts its live sessions in the database the replicas share.
 */
async function createRow(
  replicas: Service[],
  bench: ClusterBench,
  databaseUrl: string,
  sims: Simulators,
): Promise<Row> {
  const { rounds, roundSeconds, createWarmUp } = bench.timing;
  let batch = 0;
  // One device token per create, each replica's load a share of `perSecond`: so many creates as
  // would last `seconds`, or a run of `seconds` (with tokens to spare: it goes on sending until
  // autocannon's next tick, and a replica may outpace its share). The tokens are signed first:
  // what is returned runs the loads.
  const creates = async (
    services: Service[],
    perSecond: number,
    seconds: number,
    until: "amount" | "duration",
  ) => {
    const perConnection = Math.ceil((perSecond * seconds) / connections);
    const loads = await Promise.all(
      shares(services).map(async ({ service, share }) => {
        const amount = perConnection * share;
        const count = until === "amount" ? amount : amount * tokensToSpare;
        const tokens = await signDeviceTokens(bench.device, `cluster-create-${batch++}`, count);
        const requests = createRequests(tokens, benchClientId, sessionsPath);
        const end = until === "amount" ? { amount } : { duration: seconds };
        return { url: service.url, connections: share, ...end, requests };
      }),
    );
    return () => Promise.all(loads.map((options) => load(options))).then(together);
  };
  // Every replica's JIT warms up as one service's does before row 1a.
  const warmUp = createWarmUp.perSecond * replicas.length;
  const warm = await (await creates(replicas, warmUp, createWarmUp.seconds, "amount"))();
  await analyze(databaseUrl);
  const alone = replicas.slice(0, 1);
  const measured = new Ledger(sides(replicas, sims));
  const fastest = { subject: warm.rps, baseline: warm.rps };
  const round = async (side: keyof Sides, services: Service[]) => {
    const loads = await creates(services, fastest[side], roundSeconds, "duration");
    const run = await measured.measure(side, loads);
    fastest[side] = Math.max(fastest[side], run.rps);
  };
  // Rounds by time, so that the three loads end together: by number, the round of three lasted
  // until the slowest replica was done, and measured its tail.
  for (let turn = 0; turn < rounds; turn++) {
    await round("baseline", alone);
    await round("subject", replicas);
  }
  return comparisonRow({
    id: "7a",
    name: "Session creates, three replicas on one PostgreSQL vs one replica",
    measured,
    answer: "create",
    shared: "the bench client's advisory lock and live-session count",
  });
}

/** Row 7b: keep-alives on calls in progress, each replica updating calls of its own. */
async function keepAliveRow(
  replicas: Service[],
  bench: ClusterBench,
  sims: Simulators,
): Promise<Row> {
  const { rounds, roundSeconds, warmUpSeconds } = bench.timing;
  const devices = await signDeviceTokens(bench.device, "cluster-calls", callSessions);
  // Set up through every replica: any of them serves any session.
  const calls = await Promise.all(
    devices.map((device, i) => callInProgress(at(replicas, i).url, device)),
  );
  // Disjoint calls per replica: one phone's keep-alives come one at a time.
  const updates = (services: Service[], seconds: number) =>
    Promise.all(
      shares(services).map(({ service, share, index }) =>
        load({
          url: service.url,
          connections: share,
          duration: seconds,
          requests: keepAliveRequests(calls.filter((_, i) => i % services.length === index)),
        }),
      ),
    ).then(together);
  await updates(replicas, warmUpSeconds);
  const alone = replicas.slice(0, 1);
  const measured = new Ledger(sides(replicas, sims));
  for (let round = 0; round < rounds; round++) {
    await measured.measure("baseline", () => updates(alone, roundSeconds));
    await measured.measure("subject", () => updates(replicas, roundSeconds));
  }
  return comparisonRow({
    id: "7b",
    name: "Call status updates (keep-alive), three replicas on one PostgreSQL vs one replica",
    measured,
    answer: "update",
    shared: "the per-device rate-limit buckets and optimistic saves",
  });
}

/** The three replicas (the subject) and the first alone (the baseline), with what they share. */
function sides(replicas: Service[], sims: Simulators): Sides {
  const others = [processParty("simulators", sims.child.pid), backendsOf(database), loadGenerator];
  const of = (label: string, services: Service[]): Party[] => [
    { label, pids: () => services.map(({ child }) => child.pid) },
    ...others,
  ];
  return { subject: of("replicas", replicas), baseline: of("replica", replicas.slice(0, 1)) };
}

function comparisonRow(row: {
  id: string;
  name: string;
  measured: Ledger;
  answer: string;
  shared: string;
}): Row {
  const single = row.measured.combined("baseline");
  const cluster = row.measured.combined("subject");
  return throughputRow({
    id: row.id,
    name: row.name,
    atLeast: 0.8,
    subject: { label: "3 replicas", run: cluster },
    baseline: { label: "1 replica", run: single },
    detail: `${rate(cluster)} vs ${rate(single)}, ${connections} connections in all; p99 ${ms(cluster.p99)} vs ${ms(single.p99)}. On ${cpus().length} cores shared with PostgreSQL, the simulators and the load generator three replicas add no capacity: the ratio is what coordinating through the database costs (${row.shared}) (${statusSummary(cluster)}); ${row.measured.cpu(row.answer, "subject", "baseline")}`,
  });
}

/** What happened under the kill: the creates' outcomes at the living replicas and at the killed one. */
interface KillRun {
  survivors: Run;
  answeredAfterKill: number;
  atKilled: { answered: number; inFlight: number; refused: number };
  killedAt: number;
  /** Session id → the status its 201 gave, and whether the killed replica gave it. */
  acknowledged: Map<string, { status: string; byKilled: boolean }>;
}

/**
 * Creates spread over the replicas, the last one SIGKILLed mid-run and its load generator stopped
 * with it, as a load balancer would stop sending to it.
 */
async function createsUnderKill(
  replicas: Service[],
  perSecond: number,
  device: DevDevice,
): Promise<KillRun> {
  const killed = replicas.length - 1;
  const perConnection = Math.ceil((perSecond * killLoadSeconds) / connections);
  const counts = replicas.map(() => ({ sent: 0, answered: 0 }));
  const acknowledged: KillRun["acknowledged"] = new Map();
  const stopKilledLoad = new AbortController();
  const loads = await Promise.all(
    shares(replicas).map(async ({ service, share, index }) => {
      const tokens = await signDeviceTokens(device, `cluster-kill-${index}`, perConnection * share);
      const counted = at(counts, index);
      const requests = watched(createRequests(tokens, benchClientId, sessionsPath), {
        sent: () => counted.sent++,
        answered: (status, body) => {
          counted.answered++;
          if (status !== 201) return;
          const session = JSON.parse(body) as { session_id: string; status: string };
          acknowledged.set(session.session_id, {
            status: session.status,
            byKilled: index === killed,
          });
        },
      });
      return { url: service.url, connections: share, amount: perConnection * share, requests };
    }),
  );
  const runs = loads.map((options, i) =>
    load(options, i === killed ? stopKilledLoad.signal : undefined),
  );
  await new Promise((resolve) => setTimeout(resolve, killAfterMs));
  at(replicas, killed).child.process.kill("SIGKILL");
  const killedAt = performance.now();
  stopKilledLoad.abort();
  const atKill = counts.map((counted) => ({ ...counted }));
  const finished = await Promise.all(runs);
  const answeredAfterKill = counts.reduce(
    (sum, counted, i) => (i === killed ? sum : sum + counted.answered - at(atKill, i).answered),
    0,
  );
  if (answeredAfterKill === 0) throw new Error("the load had ended before the kill: lengthen it");
  return {
    survivors: together(finished.filter((_, i) => i !== killed)),
    answeredAfterKill,
    // Answers read after the kill had been sent before it.
    atKilled: {
      answered: at(counts, killed).answered,
      inFlight: at(atKill, killed).sent - at(counts, killed).answered,
      refused: at(counts, killed).sent - at(atKill, killed).sent,
    },
    killedAt,
    acknowledged,
  };
}

/** Requests that also report each one sent and each answer (its status and body). */
function watched(
  requests: Options["requests"],
  watch: { sent: () => void; answered: (status: number, body: string) => void },
): Options["requests"] {
  return requests?.map((request) => ({
    ...request,
    setupRequest: (raw: RawRequest) => {
      watch.sent();
      return request.setupRequest ? request.setupRequest(raw) : raw;
    },
    onResponse: watch.answered,
  }));
}

/**
 * Rows 7c and 7d: the kill under creates; then, once the others count the killed replica gone, a
 * replica started afresh on the database, and every acknowledged session looked for there.
 */
async function killRows(
  replicas: Service[],
  perSecond: number,
  bench: ClusterBench,
  databaseUrl: string,
  restart: () => Promise<Service>,
): Promise<{ rows: Row[]; restarted: Service }> {
  const run = await createsUnderKill(replicas, perSecond, bench.device);
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const count = async (sql: string) => Number((await db.query(sql)).rows[0]?.count);
    const allocating = () => count("SELECT count(*) FROM sessions WHERE state = 'allocating'");
    const alive = () => count("SELECT count(*) FROM replicas WHERE alive_until > now()");
    // Every create sent to the living replicas was answered: what is still allocating was the
    // killed one's.
    const orphaned = await allocating();
    // Its reconciliation at start takes over what the killed one left, once that is orphaned.
    const lapsed = await waitUntil(async () => (await alive()) < replicas.length, lapseTimeoutMs);
    const lapsedAfter = (performance.now() - run.killedAt) / 1000;
    const restarted = await restart();
    const readyAt = performance.now();
    const takenOver = await waitUntil(async () => (await allocating()) === 0, takeOverTimeoutMs);
    const takeOver = takenOver
      ? `none left ${ms(performance.now() - readyAt)} after it was ready (failed as interrupted)`
      : `${await allocating()} still allocating ${takeOverTimeoutMs / 1000} s after it was ready`;

    const ids = [...run.acknowledged.keys()];
    const found = await db.query("SELECT id, state FROM sessions WHERE id = ANY($1)", [ids]);
    const kept = found.rows.filter((row) => run.acknowledged.get(row.id)?.status === row.state);
    const byKilled = [...run.acknowledged.values()].filter((session) => session.byKilled).length;
    const killed = `replica ${replicas.length}`;
    const { survivors, atKilled } = run;
    return {
      restarted,
      rows: [
        {
          id: "7c",
          name: "Replica SIGKILLed under load: failed requests sent to the others",
          value: survivors.failures,
          unit: "",
          target: { op: "==", value: 0 },
          detail: `${survivors.successes} creates answered by the two others, ${run.answeredAfterKill} of them after the kill ${killAfterMs / 1000} s in (${statusSummary(survivors)}); at ${killed}: ${atKilled.answered} answered, ${atKilled.inFlight} in flight when it died (no answer), ${atKilled.refused} more refused before its load stopped; its heartbeat ${lapsed ? `lapsed ${lapsedAfter.toFixed(1)} s after the kill` : `had not lapsed ${lapsedAfter.toFixed(0)} s after the kill`}; a replica started then was ready (GET /readyz) in ${ms(restarted.startMs)}; sessions it left allocating: ${orphaned === 0 ? "none" : `${orphaned}, ${takeOver}`}`,
        },
        {
          id: "7d",
          name: "Sessions acknowledged (201) under the kill, missing afterwards",
          value: ids.length - kept.length,
          unit: "",
          target: { op: "==", value: 0 },
          detail: `${ids.length} sessions answered 201 in the 7c run, ${byKilled} of them by ${killed} before it died; looked up by id in PostgreSQL: ${kept.length} there in the state their 201 gave`,
        },
      ],
    };
  } finally {
    await db.end();
  }
}

/**
 * Statistics for the planner, as autovacuum gathers them a minute or so after a database fills up:
 * without them, plans for the queue reads walk the whole queue, and the rounds would measure when
 * autovacuum happened to come by.
 */
async function analyze(databaseUrl: string) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query("ANALYZE");
  } finally {
    await db.end();
  }
}

/** Each service with its share of the connections, the shares differing by at most one. */
function shares(services: Service[]) {
  return services.map((service, index) => ({
    service,
    index,
    share:
      Math.floor(connections / services.length) + (index < connections % services.length ? 1 : 0),
  }));
}

function at<T>(items: T[], index: number): T {
  const item = items[index % items.length];
  if (item === undefined) throw new Error(`no item ${index}`);
  return item;
}

/** Whether `check` came true within `timeoutMs`, asked every 100 ms. */
async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
