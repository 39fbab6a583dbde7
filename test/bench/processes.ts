import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";

/** A child process of the benchmark: the service, the simulators or a baseline. */
export interface Child {
  process: ChildProcess;
  pid: number;
  /** When it was spawned (performance.now()). */
  spawnedAt: number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// Children must not outlive the benchmark, even when it dies of an error.
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Runs a TypeScript entry (through tsx) or a JavaScript bundle in its own Node process, so the
 * load generator does not share its event loop. Its output goes to `logFile`, as a service's
 * would go to a file: a pipe nobody drains would stall it.
 */
export function spawnNode(entry: string, env: Record<string, string>, logFile: string): Child {
  const log = openSync(logFile, "a");
  // For profiling, e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/profiles".
  const extra = process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const loader = entry.endsWith(".ts") ? ["--import", "tsx"] : [];
  const args = [...extra, ...loader, entry];
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: new URL("../../", import.meta.url).pathname,
    env: { ...process.env, ...env },
    stdio: ["ignore", log, log],
  });
  closeSync(log); // the child has its own copy
  return supervised(child, spawnedAt);
}

/** A child that is stopped with SIGTERM (SIGKILL after 5 s), and killed if we exit first. */
export function supervised(child: ChildProcess, spawnedAt: number): Child {
  if (child.pid === undefined) throw new Error(`could not start ${child.spawnfile}`);
  running.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      running.delete(child);
      resolve();
    }),
  );
  return {
    process: child,
    pid: child.pid,
    spawnedAt,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const killed = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(killed);
    },
  };
}

/** Polls `url` until it answers `status`; throws after `timeoutMs` or when the child dies. */
export async function waitFor(
  url: string,
  child: Child,
  logFile: string,
  { status = 200, timeoutMs = 30_000, everyMs = 5 } = {},
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.process.exitCode !== null) {
      throw new Error(`${url}: the process exited; its log (${logFile}):\n${tail(logFile)}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status === status) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms:\n${tail(logFile)}`);
}

/** Resident memory of a process in bytes (Linux: VmRSS in /proc/<pid>/status). */
export function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (!kib) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) * 1024;
}

function tail(file: string): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-20).join("\n");
  } catch {
    return "(no log)";
  }
}
