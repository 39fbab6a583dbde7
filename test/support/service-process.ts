import { type ChildProcess, spawn } from "node:child_process";

export interface ServiceProcess {
  process: ChildProcess;
  /** The origin it listens on. */
  url: string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Everything it printed so far. */
  output(): string;
}

/**
 * The built service (`dist/api.mjs`, as `npm run api` runs it) as a child process, configured by
 * `env`; resolves once it listens. `fileLimit` runs it under that many file descriptors.
 */
export function startServiceProcess(
  entry: string,
  env: Record<string, string>,
  options: { fileLimit?: number } = {},
): Promise<ServiceProcess> {
  const [command, args] = options.fileLimit
    ? ["sh", ["-c", `ulimit -n ${options.fileLimit} && exec "$0" "$@"`, process.execPath, entry]]
    : [process.execPath, [entry]];
  const child = spawn(command, args as string[], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  let output = "";
  return new Promise((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (https?:\/\/\S+?)\/video/.exec(output);
      if (match?.[1]) resolve({ process: child, url: match[1], exited, output: () => output });
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    void exited.then((code) =>
      reject(new Error(`service exited (${code}) before listening:\n${output}`)),
    );
  });
}
