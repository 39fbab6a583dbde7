import type pg from "pg";
import { StoreUnavailable } from "../../core/errors.ts";
import type { JobLocks } from "../../core/ports.ts";

const lockOf = "hashtextextended($1, 0)";

/**
 * A job at a time across replicas, by a session-level advisory lock held on one connection while
 * the job runs: a replica that dies lets go of it with its connection.
 */
export class PostgresJobLocks implements JobLocks {
  constructor(private readonly pool: pg.Pool) {}

  async exclusively<T>(job: string, work: () => Promise<T>): Promise<T | undefined> {
    const client = await this.pool.connect().catch((error: Error) => {
      throw new StoreUnavailable(`the database did not answer: ${error.message}`);
    });
    // The connection is held between statements: one the server drops meanwhile (a restart)
    // reports it here rather than as an uncaught error, and is thrown away, not pooled. Its
    // lock went with it; the jobs are safe to run twice.
    let lost: Error | undefined;
    const onLost = (error: Error) => {
      lost = error;
    };
    client.on("error", onLost);
    try {
      const { rows } = await client.query(`SELECT pg_try_advisory_lock(${lockOf}) AS got`, [job]);
      if (!rows[0]?.got) return undefined;
      try {
        return await work();
      } finally {
        if (!lost) await client.query(`SELECT pg_advisory_unlock(${lockOf})`, [job]);
      }
    } finally {
      client.off("error", onLost);
      client.release(lost);
    }
  }
}
