import { readdirSync, readFileSync } from "node:fs";
import { combine, type Run } from "./load.ts";

/**
 * Where the CPU of a measured run went (Linux /proc): on two cores shared by every process of a
 * row, a path's throughput is set by the CPU each answer costs all of them together, not by its
 * own process alone.
 */

/** Processes taking part in a run, under one name: found when the run starts and when it ends. */
export interface Party {
  label: string;
  pids: () => number[];
}

interface CpuSpent {
  /** CPU seconds per party, in the parties' order. */
  seconds: Map<string, number>;
  /** Of all the machine's cores, how busy over the runs (1: every core all the time). */
  busy: number;
  /** The runs' wall time, seconds. */
  wall: number;
}

/** Linux's clock ticks per second (USER_HZ), in which /proc/<pid>/stat counts CPU time. */
const ticksPerSecond = 100;

/** A process's user + system CPU seconds so far, or undefined once it is gone. */
function processSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // After the command's closing parenthesis: state is field 3, utime and stime 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** All cores' busy and total ticks so far (/proc/stat's first line). */
function machineTicks(): { busy: number; total: number } {
  const [, ...counts] =
    readFileSync("/proc/stat", "utf8").split("\n")[0]?.trim().split(/\s+/) ?? [];
  const ticks = counts.map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0); // idle + iowait
  const total = ticks.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

/**
 * Runs `measure` and says what each party's processes spent meanwhile. A process that ends during
 * the run is not counted (a pool's backend closed mid-run: under load they stay).
 */
async function spending<T>(
  parties: Party[],
  measure: () => Promise<T>,
): Promise<{ result: T; cpu: CpuSpent }> {
  const before = parties.map((party) => snapshot(party.pids()));
  const machineBefore = machineTicks();
  const startedAt = performance.now();
  const result = await measure();
  const wall = (performance.now() - startedAt) / 1000;
  const machineAfter = machineTicks();
  const seconds = new Map<string, number>();
  for (const [index, party] of parties.entries()) {
    let spent = 0;
    for (const [pid, now] of snapshot(party.pids())) spent += now - (before[index]?.get(pid) ?? 0);
    seconds.set(party.label, spent);
  }
  const total = machineAfter.total - machineBefore.total;
  const busy = total > 0 ? (machineAfter.busy - machineBefore.busy) / total : 0;
  return { result, cpu: { seconds, busy, wall } };
}

function snapshot(pids: number[]): Map<number, number> {
  const seconds = new Map<number, number>();
  for (const pid of pids) {
    const spent = processSeconds(pid);
    if (spent !== undefined) seconds.set(pid, spent);
  }
  return seconds;
}

/** Several runs' spending as one. */
function summed(spent: CpuSpent[]): CpuSpent {
  const seconds = new Map<string, number>();
  let busyTime = 0;
  let wall = 0;
  for (const one of spent) {
    for (const [label, value] of one.seconds) seconds.set(label, (seconds.get(label) ?? 0) + value);
    busyTime += one.busy * one.wall;
    wall += one.wall;
  }
  return { seconds, busy: wall > 0 ? busyTime / wall : 0, wall };
}

function perAnswer(spent: CpuSpent, answers: number): string {
  const micros = (seconds: number) => Math.round((seconds * 1e6) / Math.max(1, answers));
  const parts = [...spent.seconds].map(([label, seconds]) => `${label} ${micros(seconds)}`);
  const all = [...spent.seconds.values()].reduce((sum, seconds) => sum + seconds, 0);
  return `${parts.join(" + ")} = ${micros(all)} µs`;
}

/** This process (the load generator runs in it). */
export const loadGenerator: Party = { label: "load generator", pids: () => [process.pid] };

/** One process, as long as it runs. */
export const processParty = (label: string, pid: number): Party => ({ label, pids: () => [pid] });

/**
 * The PostgreSQL server processes serving `database` (their command line names it:
 * "postgres: <user> <database> <host>(<port>) <state>").
 */
export function backendsOf(database: string): Party {
  const serving = new RegExp(`^postgres: \\S+ ${database} `);
  return {
    label: "PostgreSQL",
    pids: () =>
      readdirSync("/proc")
        .filter((entry) => /^\d+$/.test(entry))
        .filter((pid) => {
          try {
            return serving.test(readFileSync(`/proc/${pid}/cmdline`, "utf8"));
          } catch {
            return false;
          }
        })
        .map(Number),
  };
}

/** Whose CPU each side of a comparison spends: the measured one and its baseline. */
export interface Sides {
  subject: Party[];
  baseline: Party[];
}

/** Measured runs of named sides (a subject and its baselines), and what each side's processes spent. */
export class Ledger<Side extends string = keyof Sides> {
  private readonly runs = new Map<Side, Run[]>();
  private readonly spent = new Map<Side, CpuSpent[]>();

  constructor(private readonly sides: Record<Side, Party[]>) {}

  async measure(side: Side, run: () => Promise<Run>): Promise<Run> {
    const { result, cpu } = await spending(this.sides[side], run);
    this.runs.set(side, [...(this.runs.get(side) ?? []), result]);
    this.spent.set(side, [...(this.spent.get(side) ?? []), cpu]);
    return result;
  }

  /** A side's runs as one. */
  combined(side: Side): Run {
    return combine(this.runs.get(side) ?? []);
  }

  /** "service 190 + simulators 60 + load generator 40 = 290 µs": a side's CPU per answer. */
  perAnswer(side: Side): string {
    const answers = (this.runs.get(side) ?? []).reduce((sum, run) => sum + run.successes, 0);
    return perAnswer(this.spentBy(side), answers);
  }

  /** Per answer, each side's processes' CPU, and how busy the machine's cores were. */
  cpu(answer: string, subject: Side, baseline: Side): string {
    const busy = (side: Side) => `${Math.round(this.spentBy(side).busy * 100)}%`;
    return `CPU per ${answer}: ${this.perAnswer(subject)} vs ${this.perAnswer(baseline)}, cores ${busy(subject)} vs ${busy(baseline)} busy`;
  }

  private spentBy(side: Side): CpuSpent {
    return summed(this.spent.get(side) ?? []);
  }
}
