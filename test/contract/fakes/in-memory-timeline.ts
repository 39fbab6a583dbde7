import { isLive, type Session } from "../../../core/model.ts";
import type { SessionSearch, Timeline } from "../../../core/ports.ts";
import { mergeHistory, type SessionHistory, type TimelineRecord } from "../../../core/timeline.ts";
import type { InMemoryData } from "./in-memory-sessions.ts";

/** The timeline in memory, with the SQL stores' semantics (the same contract suite). */
export class InMemoryTimeline implements Timeline {
  constructor(private readonly data: InMemoryData) {}

  record(record: TimelineRecord): void {
    this.data.records.push(structuredClone(record));
  }

  async history(sessionId: string): Promise<SessionHistory | undefined> {
    const session = this.data.sessions.get(sessionId);
    if (!session) return undefined;
    return mergeHistory(
      structuredClone(session),
      this.data.events
        .filter((e) => e.sessionId === sessionId)
        .map((e) => ({
          kind: "status" as const,
          sessionId,
          at: e.at,
          subject: e.kind,
          status: e.status,
          actor: e.actor,
          ...(e.callId ? { callId: e.callId } : {}),
        })),
      this.data.records.filter((r) => r.sessionId === sessionId).map((r) => structuredClone(r)),
      this.data.deletions
        .filter((d) => d.sessionId === sessionId)
        .map((d) => ({
          roomName: d.roomName,
          attempts: d.attempts,
          nextAttemptAt: d.nextAttemptAt,
          ...(d.deliveredAt === undefined ? {} : { deliveredAt: d.deliveredAt }),
        })),
    );
  }

  async search(query: SessionSearch): Promise<Session[]> {
    const requested = query.requestId
      ? new Set(
          this.data.records.filter((r) => r.requestId === query.requestId).map((r) => r.sessionId),
        )
      : undefined;
    const matches = (s: Session) =>
      (!query.sessionId || s.id === query.sessionId) &&
      (!requested || requested.has(s.id)) &&
      (!query.roomName || s.room?.name === query.roomName) &&
      (!query.state || s.state === query.state) &&
      (!query.live || isLive(s.state)) &&
      (query.createdFrom === undefined || s.createdAt >= query.createdFrom) &&
      (query.createdTo === undefined || s.createdAt <= query.createdTo) &&
      (!query.after || before(s, query.after));
    return this.data
      .where(matches)
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
      .slice(0, query.limit);
  }

  async prune(cutoff: number): Promise<number> {
    const kept = this.data.records.filter((r) => r.at >= cutoff);
    const keptReads = this.data.reads.filter((r) => r.at >= cutoff);
    const pruned =
      this.data.records.length - kept.length + this.data.reads.length - keptReads.length;
    this.data.records.splice(0, this.data.records.length, ...kept);
    this.data.reads.splice(0, this.data.reads.length, ...keptReads);
    return pruned;
  }

  recordRead(read: { at: number; staff: string; what: string }): void {
    this.data.reads.push({ ...read });
  }
}

/** Newest first: (createdAt, id) before the cursor's. */
function before(s: Session, after: { createdAt: number; id: string }): boolean {
  return s.createdAt < after.createdAt || (s.createdAt === after.createdAt && s.id < after.id);
}
