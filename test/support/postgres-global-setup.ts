import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { migrate } from "../../adapters/postgres/migrations.ts";
import { startEmbeddedPostgres } from "../../apps/shared/embedded-postgres.ts";
import { freePort } from "./free-port.ts";
import { admin } from "./postgres.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** A PostgreSQL server the tests may make databases on: TEST_DATABASE_URL, or one started here. */
    postgresUrl: string;
    /** A database on it at the current schema, to copy (emptiedDatabase()). */
    postgresMigratedTemplate: string;
  }
}

/** Once for the whole run: the PostgreSQL tests' server, started unless TEST_DATABASE_URL names one. */
export default async function setup(project: TestProject) {
  const given = process.env.TEST_DATABASE_URL;
  const server = given
    ? undefined
    : await startEmbeddedPostgres({
        dataDir: mkdtempSync(join(tmpdir(), "bcsc-test-postgres-")),
        port: await freePort(),
        persistent: false,
      });
  const url = given ?? (server?.url as string);
  const template = await migratedTemplate(url);
  project.provide("postgresUrl", url);
  project.provide("postgresMigratedTemplate", template);
  return async () => {
    await admin(url, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await server?.stop();
  };
}

/** A database migrated to the current schema, then left with no connection (so it can be copied). */
async function migratedTemplate(server: string): Promise<string> {
  const name = `test_template_${crypto.randomUUID().replaceAll("-", "")}`;
  await admin(server, `CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
  return name;
}
