import { join } from "node:path";
import Database from "better-sqlite3";

/** Reads the service's database directly, read-only, to check what was (not) written. */
export function readDatabase(dataDir: string) {
  const db = new Database(join(dataDir, "video-api.db"), { readonly: true, fileMustExist: true });
  const rows = <T>(sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[];
  return {
    sessionsOf: (deviceCode: string) =>
      rows<{ id: string; state: string; reason: string | null; room_name: string | null }>(
        "SELECT id, state, reason, room_name FROM sessions WHERE device_code = ?",
        deviceCode,
      ),
    liveRoomNames: () =>
      rows<{ room_name: string }>(
        `SELECT room_name FROM sessions WHERE room_name IS NOT NULL
         AND state IN ('allocating', 'session_granted', 'session_started')`,
      ).map((row) => row.room_name),
    /** The audit trail of a session, oldest first. */
    eventsOf: (sessionId: string) =>
      rows<{ kind: string; status: string; actor: string }>(
        "SELECT kind, status, actor FROM session_events WHERE session_id = ? ORDER BY id",
        sessionId,
      ),
    /** Who of the staff read what, oldest first. */
    opsReads: () =>
      rows<{ staff: string; what: string }>("SELECT staff, what FROM ops_reads ORDER BY id"),
    close: () => db.close(),
  };
}
