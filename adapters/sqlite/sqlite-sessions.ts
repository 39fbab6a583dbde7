import type { Call, Session, SessionEvent } from "../../core/model.ts";
import type { Insertion, LiveLimits, SessionChange, Sessions } from "../../core/ports.ts";
import type { SqlDatabase } from "./database.ts";
import type { GroupCommit } from "./group-commit.ts";
import { live, placeholders, sessionColumns, sessionValues, toCall, toSession } from "./rows.ts";

/** Sessions, calls and the audit trail on SQLite; a change's owed room deletions with it. */
export class SqliteSessions implements Sessions {
  private readonly sql;

  constructor(
    db: SqlDatabase,
    private readonly commits: GroupCommit,
    /** This store's id: an allocating session it writes is its own. */
    private readonly owner: string,
    /** Called once a committed change owed room deletions. */
    private readonly deletionsOwed: () => void,
  ) {
    const prepare = (text: string) => db.prepare(text);
    this.sql = {
      insertSession: prepare(
        `INSERT INTO sessions (${sessionColumns}, allocated_by) VALUES (${placeholders(17)})`,
      ),
      // Kept by triggers (migration 6): two rows read, no sessions counted.
      liveCount: prepare(`SELECT live FROM live_counts WHERE scope = ? AND key = ?`),
      getSession: prepare(`SELECT ${sessionColumns} FROM sessions WHERE id = ?`),
      findLive: prepare(
        `SELECT ${sessionColumns} FROM sessions
         WHERE client_id = ? AND device_code = ? AND state IN ${live}`,
      ),
      updateSession: prepare(
        `UPDATE sessions SET state = ?, reason = ?, room_name = ?, room_alias = ?, guest_pin = ?,
           status_at = ?, last_activity_at = ?, agent_reached_at = ?, version = ?
         WHERE id = ? AND version = ?`,
      ),
      upsertCall: prepare(
        `INSERT INTO calls (call_id, session_id, client_call_id, state, created_at, status_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (call_id) DO UPDATE SET state = excluded.state, status_at = excluded.status_at`,
      ),
      getCall: prepare(
        `SELECT session_id, call_id, client_call_id, state, created_at, status_at FROM calls
         WHERE session_id = ? AND client_call_id = ?`,
      ),
      liveCall: prepare(
        `SELECT session_id, call_id, client_call_id, state, created_at, status_at FROM calls
         WHERE session_id = ? AND state NOT IN ('call_ended', 'call_error')
         ORDER BY created_at DESC, rowid DESC LIMIT 1`,
      ),
      insertEvent: prepare(
        `INSERT INTO session_events (session_id, call_id, kind, status, actor, at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      oweRoomDeletion: prepare(
        `INSERT INTO room_deletions (room_name, owed_at, next_attempt_at, session_id)
         VALUES (?, ?, ?, ?)`,
      ),
    };
  }

  insert(session: Session, event: SessionEvent, limits: LiveLimits = {}): Promise<Insertion> {
    // An intent (allocating) is committed to the WAL without waiting for the disk; the grant's
    // synced commit carries it to disk anyway. Saves one fsync per create.
    return this.commits.write(session.state !== "allocating", (): Insertion => {
      const existing = this.sql.findLive.get(session.clientId, session.deviceCode);
      if (existing) return { kind: "existing", session: toSession(existing) };
      const { perClient, perDestination } = limits;
      if (perClient !== undefined && this.live("client", session.clientId) >= perClient) {
        return { kind: "client_full" };
      }
      if (
        perDestination !== undefined &&
        this.live("destination", session.destinationName) >= perDestination
      ) {
        return { kind: "destination_full" };
      }
      const owner = session.state === "allocating" ? this.owner : null;
      this.sql.insertSession.run(...sessionValues(session), owner);
      this.insertEvent(event);
      return { kind: "inserted" };
    });
  }

  async get(id: string): Promise<Session | undefined> {
    const row = this.sql.getSession.get(id);
    return row && toSession(row);
  }

  async save(change: SessionChange): Promise<boolean> {
    const saved = await this.write(change);
    if (saved && change.roomDeletions?.length) this.deletionsOwed();
    return saved;
  }

  private write(change: SessionChange): Promise<boolean> {
    const { session } = change;
    return this.commits.write(true, () => {
      const updated = this.sql.updateSession.run(
        session.state,
        session.reason ?? null,
        session.room?.name ?? null,
        session.room?.alias ?? null,
        session.room?.guestPin ?? null,
        session.statusAt,
        session.lastActivityAt,
        session.agentReachedAt ?? null,
        session.version,
        session.id,
        change.expectedVersion,
      );
      if (Number(updated.changes) !== 1) return false;
      for (const call of change.calls ?? []) {
        this.sql.upsertCall.run(
          call.callId,
          call.sessionId,
          call.clientCallId,
          call.state,
          call.createdAt,
          call.statusAt,
        );
      }
      for (const event of change.events) this.insertEvent(event);
      const owedAt = session.statusAt;
      for (const room of change.roomDeletions ?? []) {
        this.sql.oweRoomDeletion.run(room, owedAt, owedAt, session.id);
      }
      return true;
    });
  }

  async getCall(sessionId: string, clientCallId: string): Promise<Call | undefined> {
    const row = this.sql.getCall.get(sessionId, clientCallId);
    return row && toCall(row);
  }

  async liveCall(sessionId: string): Promise<Call | undefined> {
    const row = this.sql.liveCall.get(sessionId);
    return row && toCall(row);
  }

  /** How many live sessions a client or a destination holds. */
  private live(scope: "client" | "destination", key: string): number {
    return Number(this.sql.liveCount.get(scope, key)?.live ?? 0);
  }

  private insertEvent(event: SessionEvent): void {
    this.sql.insertEvent.run(
      event.sessionId,
      event.callId ?? null,
      event.kind,
      event.status,
      event.actor,
      event.at,
    );
  }
}
