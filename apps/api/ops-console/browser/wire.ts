import type { sessionSummary, timelineView } from "../../../../adapters/http/ops-views.ts";

/** What /ops/v2 answers, typed from the views that make it (JSON: dates are strings or seconds). */
export type SessionSummary = ReturnType<typeof sessionSummary>;
export type TimelineView = ReturnType<typeof timelineView>;
export type Entry = TimelineView["entries"][number];
export type RequestEntry = Extract<Entry, { kind: "request" }>;
export type UpstreamEntry = Extract<Entry, { kind: "upstream" }>;
export type StatusEntry = Extract<Entry, { kind: "status" }>;

/** `GET /ops/v2/sessions`. */
export interface SessionsPage {
  sessions: SessionSummary[];
  counts: Record<string, number>;
  next: string | null;
}

/** An event `sessions` of `GET /ops/v2/live`: the live sessions and the counts per status. */
export type LiveSessions = Omit<SessionsPage, "next">;
