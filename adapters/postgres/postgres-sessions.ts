import type pg from "pg";
import type { Call, Session, SessionEvent } from "../../core/model.ts";
import type { Insertion, LiveLimits, SessionChange, Sessions } from "../../core/ports.ts";
import { run } from "./queries.ts";
import { callFields, sessionRecord, toCall } from "./rows.ts";
import { SessionReads } from "./session-reads.ts";
import { SessionSaves } from "./session-saves.ts";

const sessionColumns = Array.from({ length: 17 }, (_, i) => `$${i + 1}`).join(", ");

const insert = `SELECT outcome, existing_id FROM insert_session(ROW(${sessionColumns})::sessions,
  ROW(NULL, $18, $19, $20, $21, $22, $23)::session_events, $24, $25)`;

/** Sessions, calls and the audit trail on PostgreSQL, shared by every replica. */
export class PostgresSessions implements Sessions {
  private readonly reads: SessionReads;
  private readonly saves: SessionSaves;

  constructor(
    private readonly pool: pg.Pool,
    /** This replica: an allocating session it writes is its own. */
    private readonly replica: string,
    /** Called once a committed change owed room deletions. */
    deletionsOwed: () => void,
  ) {
    this.reads = new SessionReads(pool);
    this.saves = new SessionSaves(pool, deletionsOwed);
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

  save(change: SessionChange): Promise<boolean> {
    return this.saves.save(change);
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
