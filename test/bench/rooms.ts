import { join } from "node:path";
import type { Options } from "autocannon";
import { freePort } from "../support/free-port.ts";
import { accessToken } from "./api-client.ts";
import { entra, startSimulators } from "./bench-stack.ts";
import { Ledger, loadGenerator, type Party, processParty } from "./cpu.ts";
import { load, reported } from "./load.ts";
import { type Child, spawnNode, waitFor } from "./processes.ts";
import { ms, type Row, rate, throughputRow } from "./report.ts";
import { startWireMock } from "./wiremock.ts";

export interface RoomRowsSettings {
  /** Where the processes' logs and WireMock's files go. */
  dir: string;
  /** Registers a process, so that it is stopped if the benchmark fails. */
  track: <T extends { child: Child }>(starting: Promise<T>) => Promise<T>;
  warmUpSeconds: number;
  roundSeconds: number;
  rounds: number;
}

/**
 * The load generator's ceiling must leave this much room above the simulator: closer to it, the
 * simulator's figure would be partly the load generator's.
 */
const ceilingHeadroom = 1.5;
/** The JVM needs a few seconds of load before its JIT has compiled the hot paths. */
const wireMockWarmUpSeconds = 5;

/**
 * Rows 4, 4b and 4c: the stateful MaxConf simulator's /room/create vs a static WireMock stub of
 * the same answer, WireMock as it runs by default (keeping a journal of the requests, as the
 * simulator does) and stripped down (no journal, no request logging); and the load generator's
 * ceiling, a bare node:http server under the same load, taking turns with them.
 */
export async function roomCreateRows(settings: RoomRowsSettings): Promise<Row[]> {
  const { dir, track, warmUpSeconds, roundSeconds, rounds } = settings;
  const [sims, bare] = await Promise.all([
    track(startSimulators(dir, "simulators-rooms")),
    track(startBareServer(dir)),
  ]);
  const bearer = `Bearer ${await accessToken(`${sims.tokenServer}${sims.tokenPath}`, entra)}`;
  const path = `/room/create?uuiData=${Buffer.from("bench-session").toString("hex")}`;
  const sample = await fetch(`${sims.maxconf}${path}`, {
    method: "POST",
    headers: { authorization: bearer },
  });
  const answer = await sample.json();
  const wireMock = (name: string, stripped: boolean) =>
    track(startWireMock(join(dir, name), answer, stripped));
  const [stock, lean] = await Promise.all([
    wireMock("WireMock", false),
    wireMock("WireMock-lean", true),
  ]);
  const subject = (
    child: Child,
    url: string,
    warmUp: number,
    headers?: Record<string, string>,
  ): { child: Child; options: Options; warmUp: number } => ({
    child,
    options: { url: `${url}${path}`, method: "POST", headers },
    warmUp,
  });
  const subjects = {
    WireMock: subject(stock.child, stock.url, wireMockWarmUpSeconds),
    "WireMock lean": subject(lean.child, lean.url, wireMockWarmUpSeconds),
    simulator: subject(sims.child, sims.maxconf, warmUpSeconds, { authorization: bearer }),
    "bare server": subject(bare.child, bare.url, warmUpSeconds),
  };
  type Name = keyof typeof subjects;
  const names = Object.keys(subjects) as Name[];
  const alone = Object.values(subjects).map(({ child }) => child);
  for (const { child, options, warmUp } of Object.values(subjects)) {
    await aloneUnderLoad(child, alone, () => load({ ...options, duration: warmUp }));
  }
  // On two cores, the simulator has one, WireMock both.
  const measured = new Ledger(
    Object.fromEntries(
      names.map((name) => [name, [processParty(name, subjects[name].child.pid), loadGenerator]]),
    ) as Record<Name, Party[]>,
  );
  for (let round = 0; round < rounds; round++) {
    for (const name of names) {
      const { child, options } = subjects[name];
      await measured.measure(name, () =>
        aloneUnderLoad(child, alone, () => load({ ...options, duration: roundSeconds })),
      );
    }
  }
  const wiremock = measured.combined("WireMock");
  const wiremockLean = measured.combined("WireMock lean");
  const simulator = measured.combined("simulator");
  const ceiling = measured.combined("bare server");
  await Promise.all([stock, lean, sims, bare].map(({ child }) => child.stop()));
  const ofCeiling = Math.round((100 * simulator.rps) / ceiling.rps);
  const sim = { label: "MaxConf sim", run: simulator };
  return [
    throughputRow({
      id: "4",
      name: "MaxConf simulator /room/create vs WireMock static stub",
      atLeast: 2,
      subject: sim,
      baseline: { label: "WireMock", run: wiremock },
      detail: `${rate(simulator)} vs ${rate(wiremock)} (WireMock's defaults: request journal on); p99 ${ms(simulator.p99)} vs ${ms(wiremock.p99)}; the simulator at ${ofCeiling}% of the load generator's ceiling (4c); CPU per answer: ${measured.perAnswer("simulator")} vs ${measured.perAnswer("WireMock")}`,
    }),
    throughputRow({
      id: "4b",
      name: "MaxConf simulator /room/create vs WireMock, journal and request log off",
      atLeast: 1.5,
      subject: sim,
      baseline: { label: "WireMock lean", run: wiremockLean },
      detail: `${rate(simulator)} vs ${rate(wiremockLean)}; p99 ${ms(simulator.p99)} vs ${ms(wiremockLean.p99)}; CPU per answer: ${measured.perAnswer("simulator")} vs ${measured.perAnswer("WireMock lean")}`,
    }),
    {
      id: "4c",
      name: "Load generator ceiling: bare node:http server",
      value: ceiling.rps,
      unit: "req/s",
      target: { op: ">=", value: ceilingHeadroom * simulator.rps },
      detail: `a fixed tiny JSON answer, the same load in turn with rows 4 and 4b; the bar: ${ceilingHeadroom}× the simulator's ${rate(simulator)}, so that rows 4 and 4b measure the simulator`,
      comparison: {
        subject: { label: "bare node:http", result: reported(ceiling) },
        baseline: { label: sim.label, result: reported(simulator) },
      },
    },
  ];
}

/**
 * Runs `measure` with every other subject paused (SIGSTOP), so that no idle neighbour's deferred
 * work (a JVM's garbage collection of its request journal, its JIT) takes CPU from the one measured.
 */
async function aloneUnderLoad<T>(subject: Child, all: Child[], measure: () => Promise<T>) {
  const others = all.filter((child) => child !== subject);
  for (const child of others) child.process.kill("SIGSTOP");
  try {
    return await measure();
  } finally {
    for (const child of others) child.process.kill("SIGCONT");
  }
}

/** bare-server.ts in its own process, like the simulator. */
async function startBareServer(dir: string): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const logFile = join(dir, "bare-server.log");
  const child = spawnNode(
    new URL("./bare-server.ts", import.meta.url).pathname,
    { PORT: String(port) },
    logFile,
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(url, child, logFile);
  return { child, url };
}
