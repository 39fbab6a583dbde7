import pg from "pg";

export interface PostgresSettings {
  /** postgres://user:password@host:port/database (sslmode= and the rest as libpq takes them). */
  url: string;
  /** Connections at most, per process. */
  poolSize: number;
  /** A statement running longer is cancelled by the server (then retried where safe, or 503). */
  statementTimeoutMs: number;
}

/** bigint columns (times in ms, ids) come back as numbers: they stay far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8
      ? Number
      : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

/** A pool of connections; a connection lost while idle is dropped, and the next query makes another. */
export function connectPool(settings: PostgresSettings, onError: (error: Error) => void): pg.Pool {
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.poolSize,
    statement_timeout: settings.statementTimeoutMs,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    types,
  });
  pool.on("error", onError);
  return pool;
}

/** The URL with its password masked, for messages. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "*****";
    return parsed.toString();
  } catch {
    return "(not a URL)";
  }
}
