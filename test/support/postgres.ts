import pg from "pg";
import { inject } from "vitest";
import { sharedFixture } from "./shared-fixture.ts";

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
 * (postgres-global-setup.ts), so a suite does not migrate for itself.
 */
function migratedDatabase(): Promise<TestDatabase> {
  return copyOf(inject("postgresMigratedTemplate"));
}

/**
 * A migrated database the cases of a file share, emptied for each (every table but the schema's
 * version, identities restarted): a copy per case cost ~300 ms of copying and removing files, and
 * emptying takes ~80 ms (the 40 PostgreSQL contract cases: 19–21 s, 15–16 s of it system CPU,
 * became 7–9 s). Dropped after the file's last case; each case closes what it opened on it, or
 * the next one's TRUNCATE waits for its locks.
 */
export function emptiedDatabase(): () => Promise<string> {
  const shared = sharedFixture(
    async () => {
      const database = await migratedDatabase();
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const { rows } = await client.query(`SELECT string_agg(quote_ident(tablename), ', ') AS tables
        FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_version'`);
      await client.end();
      return { database, tables: String(rows[0]?.tables) };
    },
    ({ database }) => database.drop(),
  );
  return async () => {
    const { database, tables } = await shared();
    await admin(database.url, `TRUNCATE ${tables} RESTART IDENTITY`);
    return database.url;
  };
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
