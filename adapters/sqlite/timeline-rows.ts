import { mergeHistory, parseRecord, type SessionHistory } from "../../core/timeline.ts";
import { columnsOf } from "./columns.ts";
import type { Row } from "./database.ts";
import { toSession } from "./rows.ts";

/**
 * A session's history as read from SQLite: its row, its statuses, its records' JSON (text: the
 * SQLite thread passes a long call's thousands of records as strings for a fraction of what the
 * objects would cost) and its owed deletions.
 */
export interface HistoryRows {
  session: Row;
  events: Row[];
  records: string[];
  deletions: Row[];
}

/** A session's history from its SQLite rows: statuses, records, owed deletions. */
export function historyOf({
  session: row,
  events,
  records,
  deletions,
}: HistoryRows): SessionHistory {
  const session = toSession(row);
  return mergeHistory(
    session,
    events.map((row) => {
      const c = columnsOf(row, "session_events");
      const callId = c.textOrNull("call_id");
      return {
        kind: "status",
        sessionId: session.id,
        at: c.int("at"),
        subject: c.oneOf("kind", ["session", "call"] as const),
        status: c.text("status"),
        actor: c.text("actor"),
        ...(callId ? { callId } : {}),
      };
    }),
    records.map((detail) => parseRecord(JSON.parse(detail))),
    deletions.map((row) => {
      const c = columnsOf(row, "room_deletions");
      const deliveredAt = c.intOrNull("delivered_at");
      return {
        roomName: c.text("room_name"),
        attempts: c.int("attempts"),
        nextAttemptAt: c.int("next_attempt_at"),
        ...(deliveredAt === null ? {} : { deliveredAt }),
      };
    }),
  );
}
