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
    try {
      const { rows } = await client.query(`SELECT pg_try_advisory_lock(${lockOf}) AS got`, [job]);
      if (!rows[0]?.got) return undefined;
      try {
        return await work();
      } finally {
        await client.query(`SELECT pg_advisory_unlock(${lockOf})`, [job]);
      }
    } finally {
      client.release();
    }
  }
}
