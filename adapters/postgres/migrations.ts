import type { Pool } from "pg";
import { v1 } from "./schema/v1-sessions.ts";
import { v2 } from "./schema/v2-timeline.ts";
import { v3 } from "./schema/v3-live-counts.ts";
import { v4 } from "./schema/v4-counter-shards.ts";
import { v5 } from "./schema/v5-batched-takes.ts";
import { v6 } from "./schema/v6-shared-create-locks.ts";
import { v7 } from "./schema/v7-state-counts.ts";
import { v8 } from "./schema/v8-batched-saves.ts";
import { v9 } from "./schema/v9-live-list.ts";
import { v10 } from "./schema/v10-one-statement-takes.ts";
import { v11 } from "./schema/v11-allocating-uncounted.ts";
import { v12 } from "./schema/v12-lean-insert.ts";
import { v13 } from "./schema/v13-sparse-counters.ts";
import { v14 } from "./schema/v14-generic-queue-counts.ts";

/** Schema versions in order, one file each in schema/; a released version is never edited: add one. */
const migrations: string[] = [v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14];

/** An arbitrary constant: the advisory lock every replica takes to migrate, one at a time. */
const migrationLock = 0x62637363;

/**
 * Brings the schema up to date, once however many replicas start together: each takes the
 * migration lock in turn, and finds the work done by the first. Each version runs in a
 * transaction with its version bump.
 */
export async function migrate(pool: Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [migrationLock]);
    await client.query("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)");
    const row = await client.query("SELECT MAX(version) AS version FROM schema_version");
    let current = Number(row.rows[0]?.version ?? 0);
    for (const [index, sql] of migrations.entries()) {
      const version = index + 1;
      if (version <= current) continue;
      await client.query("BEGIN");
      try {
        await client.query(sql);
        await client.query("INSERT INTO schema_version (version) VALUES ($1)", [version]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
      current = version;
    }
    return current;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [migrationLock]).catch(() => {});
    client.release();
  }
}
