import pg from "pg";
import { inject } from "vitest";

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A new, empty database on the tests' PostgreSQL server, for one suite or case; `drop` removes it
 * (closing whatever is still connected).
 */
export function freshDatabase(): Promise<TestDatabase> {
  return copyOf("template0");
}

/**
 * A new database already at the current schema: a copy of the one the run migrated once
 * (postgres-global-setup.ts), so a suite of many cases does not migrate for each.
 */
export function migratedDatabase(): Promise<TestDatabase> {
  return copyOf(inject("postgresMigratedTemplate"));
}

async function copyOf(template: string): Promise<TestDatabase> {
  const server = inject("postgresUrl");
  const name = `test_${crypto.randomUUID().replaceAll("-", "")}`;
  await admin(server, `CREATE DATABASE ${name} TEMPLATE ${template}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

export async function admin(server: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
