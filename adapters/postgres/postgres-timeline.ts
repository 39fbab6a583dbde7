import type pg from "pg";
import { z } from "zod";
import type { Session } from "../../core/model.ts";
import type { SessionSearch, Timeline } from "../../core/ports.ts";
import {
  mergeHistory,
  parseRecord,
  type SessionHistory,
  type TimelineRecord,
} from "../../core/timeline.ts";
import { run } from "./queries.ts";
import { live, sessionFields, toSession } from "./rows.ts";

/** Records wait at most this long, or until this many, and are written in one statement. */
const batchMs = 50;
const batchSize = 500;

const statusRow = z.object({
  subject: z.enum(["session", "call"]),
  status: z.string(),
  actor: z.string(),
  callId: z.string().nullable(),
  at: z.number().int(),
});
const deletionRow = z.object({
  roomName: z.string(),
  attempts: z.number().int(),
  deliveredAt: z.number().int().nullable(),
  nextAttemptAt: z.number().int(),
});

/**
 * Each session's timeline on PostgreSQL. Records are kept a moment and written many at a time:
 * evidence, not state, so a request never waits for its own row.
 */
export class PostgresTimeline implements Timeline {
  private pending: TimelineRecord[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly pool: pg.Pool) {}

  record(record: TimelineRecord): void {
    this.pending.push(record);
    if (this.pending.length >= batchSize) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), batchMs);
  }

  /** Writes what waits (at close too); a batch the database refused is dropped, not retried. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const rows = batch.map((r) => ({
      session_id: r.sessionId,
      at: r.at,
      kind: r.kind,
      request_id: r.requestId ?? null,
      detail: r,
    }));
    await run(
      this.pool,
      "record_timeline",
      `INSERT INTO session_timeline (session_id, at, kind, request_id, detail)
       SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS x(session_id text, at bigint, kind text, request_id text, detail jsonb)`,
      [JSON.stringify(rows)],
    ).catch(() => {});
  }

  async history(sessionId: string): Promise<SessionHistory | undefined> {
    const [session, statuses, records, deletions] = await Promise.all([
      run(this.pool, "history_session", `SELECT ${sessionFields} FROM sessions WHERE id = $1`, [
        sessionId,
      ]),
      run(
        this.pool,
        "history_statuses",
        `SELECT kind AS subject, status, actor, call_id AS "callId", at FROM session_events
         WHERE session_id = $1 ORDER BY id`,
        [sessionId],
      ),
      run(
        this.pool,
        "history_records",
        "SELECT detail FROM session_timeline WHERE session_id = $1 ORDER BY id",
        [sessionId],
      ),
      run(
        this.pool,
        "history_deletions",
        `SELECT room_name AS "roomName", attempts, delivered_at AS "deliveredAt",
           next_attempt_at AS "nextAttemptAt" FROM room_deletions WHERE session_id = $1 ORDER BY id`,
        [sessionId],
      ),
    ]);
    if (!session.rows[0]) return undefined;
    return mergeHistory(
      toSession(session.rows[0]),
      statuses.rows.map((row) => {
        const { callId, ...status } = statusRow.parse(row);
        return { kind: "status", sessionId, ...status, ...(callId ? { callId } : {}) };
      }),
      records.rows.map((row) => parseRecord(row.detail)),
      deletions.rows.map((row) => {
        const { deliveredAt, ...deletion } = deletionRow.parse(row);
        return { ...deletion, ...(deliveredAt === null ? {} : { deliveredAt }) };
      }),
    );
  }

  async search(query: SessionSearch): Promise<Session[]> {
    if (listsLive(query)) {
      const { after, limit } = query;
      const { rows } = await run(
        this.pool,
        "live_sessions_page",
        `SELECT ${sessionFields} FROM live_sessions_page($1, $2, $3)`,
        [after?.createdAt ?? null, after?.id ?? null, limit],
      );
      return rows.map(toSession);
    }
    const values: unknown[] = [];
    const param = (value: unknown) => `$${values.push(value)}`;
    const where: string[] = [];
    if (query.sessionId) where.push(`id = ${param(query.sessionId)}`);
    if (query.requestId) {
      const requestId = param(query.requestId);
      where.push(`id IN (SELECT session_id FROM session_timeline WHERE request_id = ${requestId})`);
    }
    if (query.roomName) where.push(`room_name = ${param(query.roomName)}`);
    if (query.state) where.push(`state = ${param(query.state)}`);
    if (query.live) where.push(`state IN ${live}`);
    if (query.createdFrom !== undefined) where.push(`created_at >= ${param(query.createdFrom)}`);
    if (query.createdTo !== undefined) where.push(`created_at <= ${param(query.createdTo)}`);
    if (query.after) {
      where.push(`(created_at, id) < (${param(query.after.createdAt)}, ${param(query.after.id)})`);
    }
    const { rows } = await run(
      this.pool,
      undefined,
      `SELECT ${sessionFields} FROM sessions ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY created_at DESC, id DESC LIMIT ${param(query.limit)}`,
      values,
    );
    return rows.map(toSession);
  }

  async prune(cutoff: number): Promise<number> {
    const [timeline, reads] = await Promise.all([
      run(this.pool, "prune_timeline", "DELETE FROM session_timeline WHERE at < $1", [cutoff]),
      run(this.pool, "prune_reads", "DELETE FROM ops_reads WHERE at < $1", [cutoff]),
    ]);
    return (timeline.rowCount ?? 0) + (reads.rowCount ?? 0);
  }

  recordRead(read: { at: number; staff: string; what: string }): void {
    run(this.pool, "record_read", "INSERT INTO ops_reads (at, staff, what) VALUES ($1, $2, $3)", [
      read.at,
      read.staff,
      read.what,
    ]).catch(() => {});
  }
}

/** The live sessions and nothing else, a page of them: schema v9's function reads those. */
function listsLive(query: SessionSearch): boolean {
  const { live, after: _after, limit: _limit, ...others } = query;
  return live === true && Object.values(others).every((value) => value === undefined);
}
