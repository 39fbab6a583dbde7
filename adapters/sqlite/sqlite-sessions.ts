import { setImmediate } from "node:timers";
import type { Call, CallState, Session, SessionEvent, SessionState } from "../../core/model.ts";
import type {
  Insertion,
  LiveLimits,
  PendingRoomDeletion,
  SessionChange,
  Sessions,
} from "../../core/ports.ts";
import { inTransaction, type Row, type SqlDatabase, type SqlValue } from "./database.ts";

const live = "('allocating', 'session_granted', 'session_started')";
const waiting = "('session_granted', 'session_started')";
/** Waiting sessions of one destination (the first parameter). */
const waitingAt = `destination_name = ? AND state IN ${waiting} AND agent_reached_at IS NULL`;
const sessionColumns = `id, client_id, device_code, destination_name, destination_host, state, reason,
  uui_data, room_name, room_alias, guest_pin, created_at, status_at, last_activity_at,
  agent_reached_at, version`;

/** A write waiting for the next group commit. */
interface QueuedWrite {
  work: () => unknown;
  /** False for an intent, which need not reach the disk before it is answered (see insert). */
  durable: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The session store on SQLite: sessions, calls, the audit trail and the room-deletion outbox.
 *
 * Writes are group-committed: the writes asked for during one turn of the event loop are applied
 * in order in one transaction, and each promise settles once that transaction is committed (with
 * PRAGMA synchronous=FULL, flushed to disk). A commit with FULL blocks the event loop for an
 * fsync; the requests that arrive meanwhile share the next one, instead of an fsync each.
 */
export class SqliteSessions implements Sessions {
  private readonly sql;

  /** The configured flush level (PRAGMA synchronous: 1 NORMAL, 2 FULL), restored after intents. */
  private readonly synchronous: number;

  private queued: QueuedWrite[] = [];

  constructor(private readonly db: SqlDatabase) {
    this.synchronous = Number(db.prepare("PRAGMA synchronous").get()?.synchronous ?? 2);
    const prepare = (text: string) => db.prepare(text);
    this.sql = {
      insertSession: prepare(
        `INSERT INTO sessions (${sessionColumns}) VALUES (${placeholders(16)})`,
      ),
      // Counting stops at the limit asked about: a full destination is known without counting all.
      countLive: prepare(
        `SELECT COUNT(*) AS live FROM (SELECT 1 FROM sessions
           WHERE destination_name = ? AND state IN ${live} LIMIT ?)`,
      ),
      // Read from the one-live-session-per-device index, whose first column is the client.
      countLiveOfClient: prepare(
        `SELECT COUNT(*) AS live FROM (SELECT 1 FROM sessions
           WHERE client_id = ? AND state IN ${live} LIMIT ?)`,
      ),
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
      getCall: prepare(`SELECT * FROM calls WHERE session_id = ? AND client_call_id = ?`),
      liveCall: prepare(
        `SELECT * FROM calls WHERE session_id = ? AND state NOT IN ('call_ended', 'call_error')
         ORDER BY created_at DESC, rowid DESC LIMIT 1`,
      ),
      insertEvent: prepare(
        `INSERT INTO session_events (session_id, call_id, kind, status, actor, at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      // Those ahead and those behind, each counted up to a limit; everyone waiting; and whether
      // the session itself still waits.
      queueCounts: prepare(
        `SELECT
           (SELECT COUNT(*) FROM (SELECT 1 FROM sessions
              WHERE ${waitingAt} AND (created_at, id) < (?, ?) LIMIT ?)) AS ahead,
           (SELECT COUNT(*) FROM (SELECT 1 FROM sessions
              WHERE ${waitingAt} AND (created_at, id) > (?, ?) LIMIT ?)) AS behind,
           (SELECT waiting FROM waiting_counts WHERE destination_name = ?) AS total,
           (SELECT COUNT(*) FROM sessions
              WHERE id = ? AND state IN ${waiting} AND agent_reached_at IS NULL) AS self`,
      ),
      idleSince: prepare(
        `SELECT ${sessionColumns} FROM sessions
         WHERE destination_name = ? AND state IN ${waiting} AND last_activity_at < ?`,
      ),
      countByState: prepare(`SELECT state, COUNT(*) AS count FROM sessions GROUP BY state`),
      countPendingDeletions: prepare(
        `SELECT COUNT(*) AS count FROM room_deletions WHERE delivered_at IS NULL`,
      ),
      findByRoom: prepare(`SELECT ${sessionColumns} FROM sessions WHERE room_name = ?`),
      allocatingSince: prepare(
        `SELECT ${sessionColumns} FROM sessions WHERE state = 'allocating' AND created_at < ?`,
      ),
      oweRoomDeletion: prepare(
        `INSERT INTO room_deletions (room_name, owed_at, next_attempt_at) VALUES (?, ?, ?)`,
      ),
      pendingDeletions: prepare(
        `SELECT id, room_name, attempts FROM room_deletions
         WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`,
      ),
      deletionDone: prepare(`UPDATE room_deletions SET delivered_at = ? WHERE id = ?`),
      deletionFailed: prepare(
        `UPDATE room_deletions SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?`,
      ),
    };
  }

  insert(session: Session, event: SessionEvent, limits: LiveLimits = {}): Promise<Insertion> {
    // An intent (allocating) is committed to the WAL without waiting for the disk; the grant's
    // flushed commit carries it to disk anyway. Saves one fsync per create.
    return this.write(session.state !== "allocating", (): Insertion => {
      const existing = this.sql.findLive.get(session.clientId, session.deviceCode);
      if (existing) return { kind: "existing", session: toSession(existing) };
      const { perClient, perDestination } = limits;
      if (perClient !== undefined) {
        const live = Number(this.sql.countLiveOfClient.get(session.clientId, perClient)?.live);
        if (live >= perClient) return { kind: "client_full" };
      }
      if (perDestination !== undefined) {
        const live = Number(
          this.sql.countLive.get(session.destinationName, perDestination)?.live ?? 0,
        );
        if (live >= perDestination) return { kind: "destination_full" };
      }
      this.sql.insertSession.run(...sessionValues(session));
      this.insertEvent(event);
      return { kind: "inserted" };
    });
  }

  async get(id: string): Promise<Session | undefined> {
    const row = this.sql.getSession.get(id);
    return row && toSession(row);
  }

  save(change: SessionChange): Promise<boolean> {
    const { session } = change;
    return this.write(true, () => {
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
        this.sql.oweRoomDeletion.run(room, owedAt, owedAt);
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

  /**
   * Counts the shorter side of the queue, a little of each side at a time: behind a session that
   * just joined there is nobody, ahead of the head nobody either; neither counts the whole queue.
   */
  async queuePosition(session: Session): Promise<number> {
    const isWaiting =
      (session.state === "session_granted" || session.state === "session_started") &&
      session.agentReachedAt === undefined;
    if (!isWaiting) return 0;
    const { destinationName: destination, createdAt, id } = session;
    for (let limit = 64; ; limit *= 4) {
      const side = [destination, createdAt, id, limit];
      const counts = this.sql.queueCounts.get(...side, ...side, destination, id);
      const ahead = Number(counts?.ahead);
      if (ahead < limit) return ahead + 1;
      const behind = Number(counts?.behind);
      // Everyone waiting, less those behind, less the session itself if it still waits.
      if (behind < limit) return Number(counts?.total ?? 0) - behind - Number(counts?.self) + 1;
    }
  }

  async idleSince(destinationName: string, cutoff: number): Promise<Session[]> {
    return this.sql.idleSince.all(destinationName, cutoff).map(toSession);
  }

  async findByRoom(roomName: string): Promise<Session | undefined> {
    const row = this.sql.findByRoom.get(roomName);
    return row && toSession(row);
  }

  async allocatingSince(cutoff: number): Promise<Session[]> {
    return this.sql.allocatingSince.all(cutoff).map(toSession);
  }

  async pendingRoomDeletions(now: number, limit: number): Promise<PendingRoomDeletion[]> {
    return this.sql.pendingDeletions.all(now, limit).map((row) => ({
      id: Number(row.id),
      roomName: String(row.room_name),
      attempts: Number(row.attempts),
    }));
  }

  async roomDeletionDone(id: number, at: number): Promise<void> {
    await this.write(true, () => this.sql.deletionDone.run(at, id));
  }

  async roomDeletionFailed(id: number, retryAt: number): Promise<void> {
    await this.write(true, () => this.sql.deletionFailed.run(retryAt, id));
  }

  /** Counts for the metrics endpoint. */
  statistics(): { sessionsByState: Record<string, number>; pendingRoomDeletions: number } {
    const byState = this.sql.countByState.all();
    return {
      sessionsByState: Object.fromEntries(
        byState.map((row) => [String(row.state), Number(row.count)]),
      ),
      pendingRoomDeletions: Number(this.sql.countPendingDeletions.get()?.count ?? 0),
    };
  }

  /** Whether the database takes writes (for readiness): takes the write lock and lets it go. */
  writable(): boolean {
    try {
      this.db.exec("BEGIN IMMEDIATE");
      this.db.exec("ROLLBACK");
      return true;
    } catch {
      return false;
    }
  }

  /** Queues `work` for the next group commit; settles with its outcome once committed. */
  private write<T>(durable: boolean, work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const queued = this.queued.push({
        work,
        durable,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      if (queued === 1) setImmediate(() => this.commitQueued());
    });
  }

  private commitQueued(): void {
    const batch = this.queued;
    this.queued = [];
    const relaxed = this.synchronous > 1 && batch.every((write) => !write.durable);
    if (relaxed) this.db.exec("PRAGMA synchronous = NORMAL");
    try {
      let outcomes: { value?: unknown; error?: unknown }[];
      try {
        outcomes = inTransaction(this.db, () => batch.map((write) => ({ value: write.work() })));
      } catch {
        // One write failed and undid the batch: each again on its own, so that only it fails.
        outcomes = batch.map((write) => {
          try {
            return { value: inTransaction(this.db, write.work) };
          } catch (error) {
            return { error };
          }
        });
      }
      batch.forEach((write, index) => {
        const outcome = outcomes[index];
        if (outcome && !("error" in outcome)) write.resolve(outcome.value);
        else write.reject(outcome?.error);
      });
    } finally {
      if (relaxed) this.db.exec(`PRAGMA synchronous = ${this.synchronous}`);
    }
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

const placeholders = (count: number) => Array.from({ length: count }, () => "?").join(", ");

function sessionValues(s: Session): SqlValue[] {
  return [
    s.id,
    s.clientId,
    s.deviceCode,
    s.destinationName,
    s.destinationHost,
    s.state,
    s.reason ?? null,
    s.uuiData,
    s.room?.name ?? null,
    s.room?.alias ?? null,
    s.room?.guestPin ?? null,
    s.createdAt,
    s.statusAt,
    s.lastActivityAt,
    s.agentReachedAt ?? null,
    s.version,
  ];
}

function toSession(row: Row): Session {
  const optional = (value: SqlValue) => (value === null ? undefined : value);
  return {
    id: String(row.id),
    clientId: String(row.client_id),
    deviceCode: String(row.device_code),
    destinationName: String(row.destination_name),
    destinationHost: String(row.destination_host),
    state: String(row.state) as SessionState,
    reason: optional(row.reason ?? null) as string | undefined,
    uuiData: String(row.uui_data),
    room:
      row.room_name === null
        ? undefined
        : {
            name: String(row.room_name),
            alias: String(row.room_alias),
            guestPin: String(row.guest_pin),
          },
    createdAt: Number(row.created_at),
    statusAt: Number(row.status_at),
    lastActivityAt: Number(row.last_activity_at),
    agentReachedAt: row.agent_reached_at === null ? undefined : Number(row.agent_reached_at),
    version: Number(row.version),
  };
}

function toCall(row: Row): Call {
  return {
    sessionId: String(row.session_id),
    callId: String(row.call_id),
    clientCallId: String(row.client_call_id),
    state: String(row.state) as CallState,
    createdAt: Number(row.created_at),
    statusAt: Number(row.status_at),
  };
}
