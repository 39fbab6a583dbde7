import type pg from "pg";
import { StoreUnavailable } from "../../core/errors.ts";

/** serialization_failure, deadlock_detected, query_canceled (our statement timeout). */
const retriedCodes = new Set(["40001", "40P01", "57014"]);
const attempts = 3;

/**
 * One statement (named, so each connection prepares it once; a statement made up per call has
 * no name). One that the server refused for a
 * reason that goes away (a serialization failure, a deadlock, the statement timeout) rolled back
 * whole and is run again; a database that cannot be reached is StoreUnavailable (503).
 */
export async function run(
  pool: pg.Pool,
  name: string | undefined,
  text: string,
  values: unknown[] = [],
): Promise<pg.QueryResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await pool.query({ name, text, values });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code && retriedCodes.has(code) && attempt < attempts) continue;
      throw unavailable(error);
    }
  }
}

/** A server's refusal of the statement itself (bad SQL, a constraint) is a bug; the rest is an outage. */
function unavailable(error: unknown): unknown {
  const code = (error as { code?: string }).code ?? "";
  const broken = /^(22|23|42)/.test(code);
  if (broken) return error;
  return new StoreUnavailable(`the database did not answer: ${(error as Error).message}`);
}
