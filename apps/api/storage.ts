import { DeviceRateLimiter } from "../../adapters/http/rate-limit.ts";
import { openPostgresStore } from "../../adapters/postgres/postgres-store.ts";
import { storeInThread } from "../../adapters/sqlite/store-thread.ts";
import type { Driver } from "../../adapters/sqlite/thread-messages.ts";
import type { Clock, JobLocks, RateLimiter, Store } from "../../core/ports.ts";
import type { ServiceConfig } from "./config.ts";
import type { Logger } from "./logger.ts";

/** The database the service keeps its state in, and what it enforces across processes. */
export interface Storage {
  store: Store;
  /** Each device's request budget (RATE_LIMIT_PER_MINUTE), for every process on the database. */
  rateLimiter: RateLimiter;
  /** Background jobs that one process at a time may run. */
  jobLocks: JobLocks;
}

export type OpenStorage = (config: ServiceConfig, clock: Clock, logger: Logger) => Promise<Storage>;

/** One process has a SQLite file: its jobs never meet another's. */
const inThisProcess: JobLocks = { exclusively: (_job, work) => work() };

/**
 * PostgreSQL when DATABASE_URL names one (several replicas share it), else the SQLite file at
 * DATABASE_PATH (one process), on a thread of its own, opened with the runtime's driver.
 */
export function openStorage(sqliteDriver: Driver): OpenStorage {
  return async (config, clock, logger) => {
    if (config.DATABASE_URL) {
      const postgres = await openPostgresStore(
        {
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
        },
        (error) => logger.warn({ error: String(error) }, "database connection lost"),
      );
      return {
        store: postgres.store,
        rateLimiter: postgres.rateLimiter(config.RATE_LIMIT_PER_MINUTE, clock),
        jobLocks: postgres.jobLocks,
      };
    }
    return {
      store: await storeInThread({
        driver: sqliteDriver,
        path: config.DATABASE_PATH,
        synchronous: config.SQLITE_SYNCHRONOUS,
      }),
      rateLimiter: new DeviceRateLimiter(config.RATE_LIMIT_PER_MINUTE, clock),
      jobLocks: inThisProcess,
    };
  };
}
