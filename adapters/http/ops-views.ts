import type { Session } from "../../core/model.ts";
import type { OwedDeletion, TimelineEntry } from "../../core/timeline.ts";
import type { SessionSummary } from "../../core/use-cases/index.ts";
import type { Verdict } from "../../core/verdict.ts";
import { isoTime } from "./iso-time.ts";

const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * A device code is a credential: shown by its ends only. ASCII dots: one character beyond Latin-1
 * makes the whole answer a two-byte string, and a long timeline's 1.3 MB slower to write.
 */
export const masked = (code: string) =>
  code.length <= 8 ? "..." : `${code.slice(0, 4)}...${code.slice(-4)}`;

/** A session in the support staff's list: no PIN, the device code masked. */
export function sessionSummary({ session, queuePosition }: SessionSummary) {
  return {
    session_id: session.id,
    client_id: session.clientId,
    device: masked(session.deviceCode),
    status: session.state,
    reason: session.reason,
    destination: session.destinationName,
    destination_host: session.destinationHost,
    room_name: session.room?.name ?? null,
    queue_position: queuePosition,
    created_date: seconds(session.createdAt),
    status_date: seconds(session.statusAt),
    last_activity_date: seconds(session.lastActivityAt),
  };
}

/** A timeline for a ticket: the session, the verdict, every row in order, owed deletions. */
export function timelineView(history: {
  session: Session;
  entries: TimelineEntry[];
  deletions: OwedDeletion[];
  verdict: Verdict;
  queuePosition: number;
}) {
  return {
    session: sessionSummary(history),
    verdict: history.verdict,
    // A spread, then `at` replaced: a rest pattern copies each entry at twice the cost.
    entries: history.entries.map((entry) => ({ ...entry, at: isoTime(entry.at) })),
    deletions: history.deletions.map((d) => ({
      room_name: d.roomName,
      attempts: d.attempts,
      next_attempt_at: isoTime(d.nextAttemptAt),
      delivered_at: d.deliveredAt === undefined ? null : isoTime(d.deliveredAt),
    })),
  };
}
