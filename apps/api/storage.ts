import { DeviceRateLimiter } from "../../adapters/http/rate-limit.ts";
import { openPostgresStore } from "../../adapters/postgres/postgres-store.ts";
import type { SqliteFile } from "../../adapters/sqlite/database.ts";
import { sqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
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

/** Opens and migrates a SQLite file with the runtime's driver (better-sqlite3, node:sqlite). */
export type OpenSqlite = (path: string, synchronous: "FULL" | "NORMAL") => SqliteFile;

/** One process has a SQLite file: its jobs never meet another's. */
const inThisProcess: JobLocks = { exclusively: (_job, work) => work() };

/**
 * PostgreSQL when DATABASE_URL names one (several replicas share it), else the SQLite file at
 * DATABASE_PATH (one process).
 */
export function openStorage(openSqlite: OpenSqlite): OpenStorage {
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
      store: sqliteStore(openSqlite(config.DATABASE_PATH, config.SQLITE_SYNCHRONOUS)),
      rateLimiter: new DeviceRateLimiter(config.RATE_LIMIT_PER_MINUTE, clock),
      jobLocks: inThisProcess,
    };
  };
}
