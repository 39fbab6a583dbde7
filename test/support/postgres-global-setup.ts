import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../apps/shared/embedded-postgres.ts";
import { freePort } from "./free-port.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** A PostgreSQL server the tests may make databases on: TEST_DATABASE_URL, or one started here. */
    postgresUrl: string;
  }
}

/** Once for the whole run: the PostgreSQL tests' server, started unless TEST_DATABASE_URL names one. */
export default async function setup(project: TestProject) {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide("postgresUrl", given);
    return;
  }
  const server = await startEmbeddedPostgres({
    dataDir: mkdtempSync(join(tmpdir(), "bcsc-test-postgres-")),
    port: await freePort(),
    persistent: false,
  });
  project.provide("postgresUrl", server.url);
  return () => server.stop();
}
