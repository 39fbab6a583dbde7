import type { Session } from "../../core/model.ts";
import { mergeHistory, parseRecord, type SessionHistory } from "../../core/timeline.ts";
import { columnsOf } from "./columns.ts";
import type { Row } from "./database.ts";

/** A session's history from its SQLite rows: statuses, records, owed deletions. */
export function historyOf(
  session: Session,
  events: Row[],
  records: Row[],
  deletions: Row[],
): SessionHistory {
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
    records.map((row) =>
      parseRecord(JSON.parse(columnsOf(row, "session_timeline").text("detail"))),
    ),
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
