import { z } from "zod";
import type { Session } from "../../core/model.ts";
import { mergeHistory, parseRecord, type SessionHistory } from "../../core/timeline.ts";
import type { Row } from "./database.ts";

const eventRow = z.object({
  kind: z.enum(["session", "call"]),
  status: z.string(),
  actor: z.string(),
  call_id: z.string().nullable(),
  at: z.number().int(),
});
const recordRow = z.object({ detail: z.string() });
const deletionRow = z.object({
  room_name: z.string(),
  attempts: z.number().int(),
  delivered_at: z.number().int().nullable(),
  next_attempt_at: z.number().int(),
});

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
      const e = eventRow.parse(row);
      return {
        kind: "status",
        sessionId: session.id,
        at: e.at,
        subject: e.kind,
        status: e.status,
        actor: e.actor,
        ...(e.call_id ? { callId: e.call_id } : {}),
      };
    }),
    records.map((row) => parseRecord(JSON.parse(recordRow.parse(row).detail))),
    deletions.map((row) => {
      const d = deletionRow.parse(row);
      return {
        roomName: d.room_name,
        attempts: d.attempts,
        nextAttemptAt: d.next_attempt_at,
        ...(d.delivered_at === null ? {} : { deliveredAt: d.delivered_at }),
      };
    }),
  );
}
