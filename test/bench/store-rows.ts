import type { Options } from "autocannon";
import type { DevDevice } from "../../apps/shared/dev-device.ts";
import { callInProgress, sessionsPath } from "./api-client.ts";
import type { Baseline, Service, Simulators } from "./bench-stack.ts";
import { backendsOf, Ledger, loadGenerator, type Party, processParty, type Sides } from "./cpu.ts";
import { benchClientId, signDeviceTokens } from "./device-tokens.ts";
import {
  callSessions,
  connections,
  createRequests,
  keepAliveRequests,
  load,
  type Timing,
} from "./load.ts";
import type { Child } from "./processes.ts";
import { ms, type Row, rate, statusSummary, throughputRow } from "./report.ts";

/** What the store rows take from the benchmark run. */
export interface StoreBench {
  device: DevDevice;
  progress: (message: string) => void;
  timing: Timing;
}

/** A side of a comparison: its server, its simulators, its database's server processes, the load. */
export const side = (
  label: string,
  server: Child,
  sims: Simulators,
  database?: string,
): Party[] => [
  processParty(label, server.pid),
  processParty("simulators", sims.child.pid),
  ...(database ? [backendsOf(database)] : []),
  loadGenerator,
];

/** Which rows a store's comparisons fill, and how they name it. */
export interface StoreRows {
  store: string;
  create: { throughput: string; p99: string };
  keepAlive: string;
  /** Whether this store's rows were asked for (BENCH_ONLY). */
  creates: boolean;
  calls: boolean;
}

/** Rows 1–2 (or 1c, 1d, 2b) of one store: the service and its baseline, each on that store. */
export async function storeComparisons(
  service: Service,
  baseline: Baseline,
  store: StoreRows,
  sides: Sides,
  bench: StoreBench,
): Promise<Row[]> {
  const rows: Row[] = [];
  if (store.creates) {
    bench.progress(`session creates on ${store.store}: service vs baseline`);
    rows.push(...(await createComparison(service, baseline, store, sides, bench)));
  }
  if (store.calls) {
    bench.progress(`call status updates on ${store.store}: service vs baseline`);
    rows.push(await callUpdateComparison(service, baseline, store, sides, bench));
  }
  return rows;
}

/** Row 1: creates through the whole service vs a straight-line create, one new device each. */
async function createComparison(
  service: Service,
  baseline: Baseline,
  store: StoreRows,
  sides: Sides,
  { device, timing }: StoreBench,
): Promise<Row[]> {
  const { createWarmUp, rounds, roundSeconds } = timing;
  let devices = 0;
  const baselineCreates: Options = {
    url: baseline.url,
    requests: [
      {
        method: "POST",
        path: "/create",
        setupRequest: (request) => ({
          ...request,
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ client_id: benchClientId, device_code: `baseline-${devices++}` }),
        }),
      },
    ],
  };
  let batch = 0;
  // A fixed number of creates, one device token each, sized to last about `seconds`.
  const serviceCreates = async (rps: number, seconds: number): Promise<Options> => {
    const amount = Math.ceil((rps * seconds) / connections) * connections;
    const tokens = await signDeviceTokens(
      device,
      `create-${store.create.throughput}-${batch++}`,
      amount,
    );
    return {
      url: service.url,
      amount,
      requests: createRequests(tokens, benchClientId, sessionsPath),
    };
  };
  await load({ ...baselineCreates, duration: createWarmUp.seconds });
  const warm = await load(await serviceCreates(createWarmUp.perSecond, createWarmUp.seconds));
  const measured = new Ledger(sides);
  let fastest = warm.rps;
  for (let round = 0; round < rounds; round++) {
    await measured.measure("baseline", () => load({ ...baselineCreates, duration: roundSeconds }));
    const creates = await serviceCreates(fastest, roundSeconds);
    const run = await measured.measure("subject", () => load(creates));
    fastest = Math.max(fastest, run.rps);
  }
  const subject = measured.combined("subject");
  const base = measured.combined("baseline");
  return [
    throughputRow({
      id: store.create.throughput,
      name: `Session create throughput vs baseline (${store.store})`,
      atLeast: 0.8,
      subject: { label: "service", run: subject },
      baseline: { label: "baseline", run: base },
      detail: `${rate(subject)} vs ${rate(base)} (${statusSummary(subject)}); ${measured.cpu("create", "subject", "baseline")}`,
    }),
    {
      id: store.create.p99,
      name: `Session create p99 vs baseline p99 (${store.store})`,
      value: subject.p99 / base.p99,
      unit: "×",
      target: { op: "<=", value: 1.5 },
      detail: `p99 ${ms(subject.p99)} vs ${ms(base.p99)}; p50 ${ms(subject.p50)} vs ${ms(base.p50)}`,
    },
  ];
}

/**
 * Row 2: the keep-alive (call_in_call repeated) on many devices' calls in turn, so that the
 * requests in flight are for different sessions, as they would be from many phones.
 */
async function callUpdateComparison(
  service: Service,
  baseline: Baseline,
  store: StoreRows,
  sides: Sides,
  { device, timing }: StoreBench,
): Promise<Row> {
  const { rounds, roundSeconds, warmUpSeconds } = timing;
  const devices = await signDeviceTokens(device, `calls-${store.keepAlive}`, callSessions);
  const calls = await Promise.all(devices.map((each) => callInProgress(service.url, each)));
  const keepAlive = JSON.stringify({ status: "call_in_call" });
  const serviceUpdates: Options = { url: service.url, requests: keepAliveRequests(calls) };
  let baselineTurn = 0;
  const baselineUpdates: Options = {
    url: baseline.url,
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          method: "PUT",
          path: `/calls/call-${baselineTurn++ % callSessions}`,
          headers: { "content-type": "application/json" },
          body: keepAlive,
        }),
      },
    ],
  };
  await load({ ...baselineUpdates, duration: warmUpSeconds });
  await load({ ...serviceUpdates, duration: warmUpSeconds });
  const measured = new Ledger(sides);
  for (let round = 0; round < rounds; round++) {
    await measured.measure("baseline", () => load({ ...baselineUpdates, duration: roundSeconds }));
    await measured.measure("subject", () => load({ ...serviceUpdates, duration: roundSeconds }));
  }
  const subject = measured.combined("subject");
  const base = measured.combined("baseline");
  return throughputRow({
    id: store.keepAlive,
    name: `Call status update (keep-alive) throughput vs baseline (${store.store})`,
    atLeast: 0.9,
    subject: { label: "service", run: subject },
    baseline: { label: "baseline", run: base },
    detail: `${rate(subject)} vs ${rate(base)}; p99 ${ms(subject.p99)} vs ${ms(base.p99)} (${statusSummary(subject)}); ${measured.cpu("update", "subject", "baseline")}`,
  });
}
