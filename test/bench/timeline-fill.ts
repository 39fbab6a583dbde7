import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";

/** A session_timeline row as the service writes it: a few of the record's fields, then all as JSON. */
export interface TimelineRow {
  sessionId: string;
  at: number;
  kind: string;
  requestId: string | null;
  detail: string;
}

type RecordFields = Record<string, unknown>;

export interface TimelinePlan {
  /** Each session, and how many rows to add to its timeline. */
  sessions: { id: string; rows: number }[];
  /** A call's requests as the service recorded them: the ringing, then the keep-alive, repeated. */
  ringing: RecordFields;
  keepAlive: RecordFields;
  /** The rows' times are spread evenly between these. */
  from: number;
  to: number;
}

/**
 * The plan's rows in time order, the sessions' rows shuffled among each other, as a service
 * writes them while many calls go on at once (a session's rows end up on pages far apart).
 */
export function* plannedRows(plan: TimelinePlan): Generator<TimelineRow> {
  const total = plan.sessions.reduce((sum, session) => sum + session.rows, 0);
  const owners = new Int32Array(total);
  let next = 0;
  for (const [index, session] of plan.sessions.entries()) {
    owners.fill(index, next, next + session.rows);
    next += session.rows;
  }
  for (let i = total - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [owners[i], owners[j]] = [owners[j] as number, owners[i] as number];
  }
  const written = new Int32Array(plan.sessions.length);
  for (let k = 0; k < total; k++) {
    const owner = owners[k] as number;
    const sessionId = (plan.sessions[owner] as { id: string }).id;
    const template = written[owner] === 0 ? plan.ringing : plan.keepAlive;
    written[owner] = (written[owner] as number) + 1;
    const at = plan.from + Math.floor((k * (plan.to - plan.from)) / total);
    const requestId = randomUUID();
    const detail = JSON.stringify({ ...template, sessionId, at, requestId });
    yield { sessionId, at, kind: String(template.kind), requestId, detail };
  }
}

/** The bench's own way into a service's database, while the service is stopped. */
export interface ServiceDatabase {
  /** The timeline records of one session, as stored, oldest first. */
  records(sessionId: string): Promise<RecordFields[]>;
  /** Adds the rows (one transaction per batch). */
  fill(rows: Iterable<TimelineRow>): Promise<void>;
  timelineRows(): Promise<number>;
}

const batchSize = 20_000;

function* batches<T>(items: Iterable<T>): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** The service's SQLite file (WAL). */
export function sqliteDatabase(path: string): ServiceDatabase {
  const open = <T>(work: (db: Database.Database) => T): T => {
    const db = new Database(path);
    try {
      return work(db);
    } finally {
      db.close();
    }
  };
  return {
    records: async (sessionId) =>
      open((db) =>
        db
          .prepare("SELECT detail FROM session_timeline WHERE session_id = ? ORDER BY id")
          .pluck()
          .all(sessionId)
          .map((detail) => JSON.parse(String(detail))),
      ),
    fill: async (rows) =>
      open((db) => {
        // The indexes are filled in random order: their pages stay in memory meanwhile.
        db.pragma("cache_size = -262144");
        const insert = db.prepare(
          "INSERT INTO session_timeline (session_id, at, kind, request_id, detail) VALUES (?, ?, ?, ?, ?)",
        );
        const write = db.transaction((batch: TimelineRow[]) => {
          for (const r of batch) insert.run(r.sessionId, r.at, r.kind, r.requestId, r.detail);
        });
        for (const batch of batches(rows)) write(batch);
      }),
    timelineRows: async () =>
      open((db) => Number(db.prepare("SELECT COUNT(*) FROM session_timeline").pluck().get())),
  };
}

/** The service's PostgreSQL database. */
export function postgresDatabase(url: string): ServiceDatabase {
  const connected = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    records: (sessionId) =>
      connected(async (client) => {
        const { rows } = await client.query(
          "SELECT detail FROM session_timeline WHERE session_id = $1 ORDER BY id",
          [sessionId],
        );
        return rows.map((row) => row.detail as RecordFields);
      }),
    fill: (rows) =>
      connected(async (client) => {
        for (const batch of batches(rows)) {
          await client.query(
            `INSERT INTO session_timeline (session_id, at, kind, request_id, detail)
             SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::jsonb[])`,
            [
              batch.map((r) => r.sessionId),
              batch.map((r) => r.at),
              batch.map((r) => r.kind),
              batch.map((r) => r.requestId),
              batch.map((r) => r.detail),
            ],
          );
        }
        // As autovacuum does after so many inserts: statistics, and the pages marked all-visible.
        await client.query("VACUUM ANALYZE session_timeline");
        // The fill's gigabyte written out now, not by the checkpointer while the reads are measured.
        await client.query("CHECKPOINT");
      }),
    timelineRows: () =>
      connected(async (client) => {
        const { rows } = await client.query("SELECT COUNT(*)::int AS count FROM session_timeline");
        return Number(rows[0]?.count);
      }),
  };
}
