import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));
// A cluster (PostgreSQL, simulators, replicas) starts in ~6 s alone, but took over 12 s with the
// whole suite on two cores busy from outside too: the wait is for a hang, not a speed check.
const readyTimeoutMs = 45_000;
/** For a test (or hook) that starts a stack: the start's wait and some room after it. */
export const stackTestTimeoutMs = 60_000;

export interface StackProcess {
  /** Where the start banner says everything is. */
  urls: { api: string; tokenServer: string; maxconf: string };
  banner: string;
  /** The process started (tsx, or deno), whose process group holds everything it starts. */
  pid: number;
  /** Resolves with its exit code once it has ended. */
  exited: Promise<number | null>;
  /** Signals the process group and resolves with its exit code; SIGKILL if it lingers over 5 s. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

/** The child, and what it has written so far. */
function spawnStack(command: string, args: string[], env: Record<string, string>) {
  const child = spawn(command, args, {
    cwd: repositoryRoot,
    // A process group of its own, signalled whole: tsx runs the stack in a child of its own,
    // which a signal to tsx alone (SIGKILL) would leave running after the test.
    detached: true,
    // Plain text, so a failure's stderr reads well in the test report.
    env: { ...process.env, NODE_EXTRA_CA_CERTS: "", NO_COLOR: "1", ...env },
  });
  const output = { stdout: "", stderr: "" };
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    output.stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    output.stderr += chunk;
  });
  return { child, output };
}

/**
 * Runs `npm start` (or its Deno twin) as a child process on the given settings and waits for its
 * banner (or, with `shown`, for that text in its output). The child does not inherit the test
 * run's CA: what it trusts, it made itself.
 */
export async function startStackProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  shown = "Try it:",
): Promise<StackProcess> {
  const { child, output } = spawnStack(command, args, env);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const stop = async (signal: NodeJS.Signals) => {
    const signalGroup = (sent: NodeJS.Signals) => {
      try {
        process.kill(-(child.pid ?? 0), sent);
      } catch {
        // the whole group is gone already
      }
    };
    const lingering = setTimeout(() => signalGroup("SIGKILL"), 5_000);
    signalGroup(signal);
    const code = await exited;
    clearTimeout(lingering);
    return code;
  };
  try {
    const urls = await new Promise<StackProcess["urls"]>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`not up after ${readyTimeoutMs} ms`)),
        readyTimeoutMs,
      );
      child.stdout.on("data", () => {
        if (!output.stdout.includes(shown)) return;
        clearTimeout(timer);
        const url = (pattern: RegExp) => pattern.exec(output.stdout)?.[1] ?? "";
        resolve({
          api: url(/^\s+API\s+(\S+)\/video\/v2\/sessions/m),
          tokenServer: url(/^\s+Token server\s+(\S+)/m),
          maxconf: url(/^\s+MaxConf\s+(\S+)/m),
        });
      });
      child.once("error", reject);
      child.once("exit", (code, signal) => reject(new Error(`exited (${code ?? signal})`)));
    });
    return { urls, banner: output.stdout, pid: child.pid ?? 0, exited, stop };
  } catch (error) {
    await stop("SIGKILL");
    throw new Error(
      `the stack did not start: ${(error as Error).message}\nstdout:\n${output.stdout}\nstderr:\n${output.stderr}`,
    );
  }
}

/** Runs a start that is expected to stop by itself: its exit code and what it wrote. */
export function runToExit(command: string, args: string[], env: Record<string, string>) {
  const { child, output } = spawnStack(command, args, env);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, ...output }));
  });
}
