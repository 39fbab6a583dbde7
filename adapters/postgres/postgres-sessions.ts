import type pg from "pg";
import type { Call, Session, SessionEvent } from "../../core/model.ts";
import type { Insertion, LiveLimits, SessionChange, Sessions } from "../../core/ports.ts";
import { run } from "./queries.ts";
import { callFields, sessionRecord, toCall } from "./rows.ts";
import { SessionReads } from "./session-reads.ts";

const sessionColumns = Array.from({ length: 17 }, (_, i) => `$${i + 1}`).join(", ");

const insert = `SELECT outcome, existing_id FROM insert_session(ROW(${sessionColumns})::sessions,
  ROW(NULL, $18, $19, $20, $21, $22, $23)::session_events, $24, $25)`;

/** The whole change in one statement: the session only if its version is as expected, then the rest. */
const save = `WITH updated AS (
    UPDATE sessions SET state = $2, reason = $3, room_name = $4, room_alias = $5, guest_pin = $6,
      status_at = $7, last_activity_at = $8, agent_reached_at = $9, version = $10
    WHERE id = $1 AND version = $11 RETURNING id
  ), calls_written AS (
    INSERT INTO calls (call_id, session_id, client_call_id, state, created_at, status_at)
    SELECT c.* FROM updated, json_to_recordset($12::json) AS c(call_id text, session_id text,
      client_call_id text, state text, created_at bigint, status_at bigint)
    ON CONFLICT (call_id) DO UPDATE SET state = EXCLUDED.state, status_at = EXCLUDED.status_at
  ), events_written AS (
    INSERT INTO session_events (session_id, call_id, kind, status, actor, at)
    SELECT e.* FROM updated, json_to_recordset($13::json) AS e(session_id text, call_id text,
      kind text, status text, actor text, at bigint)
  ), owed AS (
    INSERT INTO room_deletions (room_name, owed_at, next_attempt_at, session_id)
    SELECT room, $7, $7, $1 FROM updated, unnest($14::text[]) AS room
  )
  SELECT count(*)::int AS saved FROM updated`;

/** Sessions, calls and the audit trail on PostgreSQL, shared by every replica. */
export class PostgresSessions implements Sessions {
  private readonly reads: SessionReads;

  constructor(
    private readonly pool: pg.Pool,
    /** This replica: an allocating session it writes is its own. */
    private readonly replica: string,
    /** Called once a committed change owed room deletions. */
    private readonly deletionsOwed: () => void,
  ) {
    this.reads = new SessionReads(pool);
  }

  async insert(session: Session, event: SessionEvent, limits: LiveLimits = {}): Promise<Insertion> {
    const owner = session.state === "allocating" ? this.replica : null;
    const { rows } = await run(this.pool, "insert_session", insert, [
      ...sessionRecord(session, owner),
      event.sessionId,
      event.callId ?? null,
      event.kind,
      event.status,
      event.actor,
      event.at,
      limits.perClient ?? null,
      limits.perDestination ?? null,
    ]);
    const { outcome, existing_id } = rows[0] as { outcome: string; existing_id: string | null };
    // A limit came near, or the device's other create ended, while this one waited: again.
    if (outcome === "retry") return this.insert(session, event, limits);
    if (outcome === "existing") {
      const existing = await this.get(existing_id ?? "");
      // It ended between the insert and this read: the device is free, ask again.
      return existing
        ? { kind: "existing", session: existing }
        : this.insert(session, event, limits);
    }
    return { kind: outcome as "inserted" | "client_full" | "destination_full" };
  }

  get(id: string): Promise<Session | undefined> {
    return this.reads.session(id);
  }

  async save(change: SessionChange): Promise<boolean> {
    const { session } = change;
    const calls = (change.calls ?? []).map((c) => ({
      call_id: c.callId,
      session_id: c.sessionId,
      client_call_id: c.clientCallId,
      state: c.state,
      created_at: c.createdAt,
      status_at: c.statusAt,
    }));
    const events = change.events.map((e) => ({
      session_id: e.sessionId,
      call_id: e.callId ?? null,
      kind: e.kind,
      status: e.status,
      actor: e.actor,
      at: e.at,
    }));
    const { rows } = await run(this.pool, "save_session", save, [
      session.id,
      session.state,
      session.reason ?? null,
      session.room?.name ?? null,
      session.room?.alias ?? null,
      session.room?.guestPin ?? null,
      session.statusAt,
      session.lastActivityAt,
      session.agentReachedAt ?? null,
      session.version,
      change.expectedVersion,
      JSON.stringify(calls),
      JSON.stringify(events),
      change.roomDeletions ?? [],
    ]);
    const saved = rows[0]?.saved === 1;
    if (saved && change.roomDeletions?.length) this.deletionsOwed();
    return saved;
  }

  getCall(sessionId: string, clientCallId: string): Promise<Call | undefined> {
    return this.reads.call(sessionId, clientCallId);
  }

  async liveCall(sessionId: string): Promise<Call | undefined> {
    const { rows } = await run(
      this.pool,
      "live_call",
      `SELECT ${callFields} FROM calls
       WHERE session_id = $1 AND state NOT IN ('call_ended', 'call_error')
       ORDER BY created_at DESC, seq DESC LIMIT 1`,
      [sessionId],
    );
    return rows[0] && toCall(rows[0]);
  }
}
