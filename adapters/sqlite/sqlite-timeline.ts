import type { Session } from "../../core/model.ts";
import type { SessionSearch, Timeline } from "../../core/ports.ts";
import type { SessionHistory, TimelineRecord } from "../../core/timeline.ts";
import { columnsOf } from "./columns.ts";
import type { SqlDatabase, SqlStatement, SqlValue } from "./database.ts";
import type { GroupCommit } from "./group-commit.ts";
import { live, sessionColumns, toSession } from "./rows.ts";
import { type HistoryRows, historyOf } from "./timeline-rows.ts";

/**
 * Each session's timeline on SQLite. Records ride with the next group commit and need not reach
 * the disk before it (they are evidence, not state): recording costs no fsync of its own.
 */
export class SqliteTimeline implements Timeline {
  private readonly sql;
  /** A search's statement, by its text: the few ways of searching are prepared once each. */
  private readonly searches = new Map<string, SqlStatement>();

  constructor(
    private readonly db: SqlDatabase,
    private readonly commits: GroupCommit,
  ) {
    this.sql = {
      insert: db.prepare(
        `INSERT INTO session_timeline (session_id, at, kind, request_id, detail)
         VALUES (?, ?, ?, ?, ?)`,
      ),
      session: db.prepare(`SELECT ${sessionColumns} FROM sessions WHERE id = ?`),
      events: db.prepare(
        `SELECT kind, status, actor, call_id, at FROM session_events
         WHERE session_id = ? ORDER BY id`,
      ),
      records: db.prepare(`SELECT detail FROM session_timeline WHERE session_id = ? ORDER BY id`),
      deletions: db.prepare(
        `SELECT room_name, attempts, delivered_at, next_attempt_at FROM room_deletions
         WHERE session_id = ? ORDER BY id`,
      ),
      pruneTimeline: db.prepare("DELETE FROM session_timeline WHERE at < ?"),
      pruneReads: db.prepare("DELETE FROM ops_reads WHERE at < ?"),
      read: db.prepare("INSERT INTO ops_reads (at, staff, what) VALUES (?, ?, ?)"),
    };
  }

  record(record: TimelineRecord): void {
    const requestId = record.requestId ?? null;
    const detail = JSON.stringify(record);
    this.commits
      .write(false, () =>
        this.sql.insert.run(record.sessionId, record.at, record.kind, requestId, detail),
      )
      .catch(() => {}); // evidence lost to a broken database is not the request's failure
  }

  async history(sessionId: string): Promise<SessionHistory | undefined> {
    const rows = this.historyRows(sessionId);
    return rows && historyOf(rows);
  }

  /** What `history` is made of, as read (the SQLite thread passes these, store-thread.ts). */
  historyRows(sessionId: string): HistoryRows | undefined {
    const session = this.sql.session.get(sessionId);
    if (!session) return undefined;
    return {
      session,
      events: this.sql.events.all(sessionId),
      records: this.sql.records
        .all(sessionId)
        .map((row) => columnsOf(row, "session_timeline").text("detail")),
      deletions: this.sql.deletions.all(sessionId),
    };
  }

  async search(query: SessionSearch): Promise<Session[]> {
    const values: SqlValue[] = [];
    const param = (value: SqlValue) => {
      values.push(value);
      return "?";
    };
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
    const sql = `SELECT ${sessionColumns} FROM sessions
      ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY created_at DESC, id DESC LIMIT ${param(query.limit)}`;
    let statement = this.searches.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.searches.set(sql, statement);
    }
    return statement.all(...values).map(toSession);
  }

  prune(cutoff: number): Promise<number> {
    return this.commits.write(
      true,
      () =>
        Number(this.sql.pruneTimeline.run(cutoff).changes) +
        Number(this.sql.pruneReads.run(cutoff).changes),
    );
  }

  recordRead(read: { at: number; staff: string; what: string }): void {
    this.commits
      .write(false, () => this.sql.read.run(read.at, read.staff, read.what))
      .catch(() => {});
  }
}
