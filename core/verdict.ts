import { isLive } from "./model.ts";
import type { SessionHistory, StatusRecord, TimelineEntry, UpstreamRecord } from "./timeline.ts";

export type VerdictCode =
  | "token_server_refused"
  | "token_server_failed"
  | "maxconf_create_failed"
  | "create_interrupted"
  | "not_granted"
  | "app_never_called"
  | "silent_after_ringing"
  | "call_dropped"
  | "room_deletion_owed"
  | "in_progress"
  | "room_deleted"
  | "ended";

/** Where a session went wrong, if anywhere, with the rows that show it. */
export interface Verdict {
  code: VerdictCode;
  /** Which side it points at. */
  blames: "token-server" | "maxconf" | "app" | "pexip" | "api" | "none";
  summary: string;
  /** `seq` of the timeline rows it rests on. */
  rows: number[];
}

const secondsBetween = (from: number, to: number) => Math.round((to - from) / 1000);

/**
 * Reads a session's history the way support staff would: the first thing that went wrong, in the
 * order of the seed's flow (token, room, the app's calls, the room's end), else how it ended.
 */
export function verdictOf(history: SessionHistory, now: number): Verdict {
  const { session, entries } = history;
  const upstream = entries.filter(
    (e): e is TimelineEntry & UpstreamRecord => e.kind === "upstream",
  );
  const statuses = entries.filter((e): e is TimelineEntry & StatusRecord => e.kind === "status");
  const failedAt = (name: string, operation: string) =>
    upstream.filter((e) => e.upstream === name && e.operation === operation && !succeeded(e));

  if (session.state === "session_failed") {
    const refused = failedAt("token-server", "token").filter((e) => isRefusal(e.outcome));
    if (refused.length > 0) {
      return verdict(
        "token_server_refused",
        "token-server",
        `The token server refused our credentials (${refused.at(-1)?.outcome}): no room could be asked for.`,
        refused,
      );
    }
    const token = failedAt("token-server", "token");
    if (token.length > 0 || session.reason?.startsWith("token-server")) {
      return verdict(
        "token_server_failed",
        "token-server",
        `The token server did not give a token (${describeOutcomes(token) || session.reason}).`,
        token,
      );
    }
    const create = failedAt("maxconf", "room create");
    if (create.length > 0 || session.reason?.startsWith("maxconf")) {
      return verdict(
        "maxconf_create_failed",
        "maxconf",
        `MaxConf failed the room create (${describeOutcomes(create) || session.reason}).`,
        create,
      );
    }
    if (session.reason === "interrupted") {
      return verdict(
        "create_interrupted",
        "api",
        "The create was interrupted: the replica making it stopped before MaxConf answered.",
        statuses.slice(-1),
      );
    }
  }
  if (session.state === "session_not_granted") {
    return verdict(
      "not_granted",
      "none",
      `Not granted: ${session.reason ?? "no reason recorded"}; no room was asked for.`,
      statuses.slice(-1),
    );
  }
  const calls = statuses.filter((e) => e.subject === "call");
  if (calls.length === 0 && session.state !== "allocating") {
    if (!isLive(session.state)) {
      return verdict(
        "app_never_called",
        "app",
        `The app never started a call; the session became ${session.state}.`,
        statuses.slice(-1),
      );
    }
  }
  const dropped = calls.filter((e) => e.status === "call_dropped" || e.status === "call_error");
  if (dropped.length > 0) {
    return verdict(
      "call_dropped",
      "pexip",
      `The app reported the call ${dropped.map((e) => e.status).join(", ")} (on the Pexip side).`,
      dropped,
    );
  }
  const lastCall = calls.at(-1);
  if (
    lastCall &&
    (lastCall.status === "call_ringing" || lastCall.status === "call_media_pending")
  ) {
    const until = isLive(session.state) ? now : session.statusAt;
    return verdict(
      "silent_after_ringing",
      "app",
      `The app went silent after ${lastCall.status} for ${secondsBetween(lastCall.at, until)} s (no agent answered, or the app left); the session is ${session.state}.`,
      [lastCall],
    );
  }
  const owed = history.deletions.filter((d) => d.deliveredAt === undefined);
  if (owed.length > 0 && !isLive(session.state)) {
    const tries = upstream.filter((e) => e.operation === "room delete");
    return verdict(
      "room_deletion_owed",
      "maxconf",
      `The session is over but its room's deletion is still owed (${owed.map((d) => `${d.roomName}: ${d.attempts} attempt(s)`).join(", ")}; last MaxConf answer ${tries.at(-1)?.outcome ?? "none yet"}).`,
      tries.slice(-1),
    );
  }
  if (isLive(session.state)) {
    return verdict(
      "in_progress",
      "none",
      `In progress: ${session.state}${lastCall ? `, call ${lastCall.status}` : ""}.`,
      statuses.slice(-1),
    );
  }
  const deleted = upstream.filter((e) => e.operation === "room delete" && succeeded(e)).at(-1);
  if (deleted) {
    return verdict(
      "room_deleted",
      "none",
      `Ended normally; the room was deleted at ${new Date(deleted.at).toISOString()} (MaxConf answered ${deleted.outcome}).`,
      [deleted],
    );
  }
  return verdict("ended", "none", `Ended normally (${session.state}).`, statuses.slice(-1));
}

function verdict(
  code: VerdictCode,
  blames: Verdict["blames"],
  summary: string,
  rows: TimelineEntry[],
): Verdict {
  return { code, blames, summary, rows: rows.map((row) => row.seq) };
}

/** 2xx, or a deletion's 404 (MaxConf had deleted the room already: the goal is reached). */
function succeeded(e: UpstreamRecord): boolean {
  return (
    typeof e.outcome === "number" &&
    (e.outcome < 300 || (e.operation === "room delete" && e.outcome === 404))
  );
}

/** A 4xx other than 429: the upstream said no, it was not down. */
const isRefusal = (outcome: number | string) =>
  typeof outcome === "number" && outcome >= 400 && outcome < 500 && outcome !== 429;

function describeOutcomes(entries: UpstreamRecord[]): string {
  return entries.map((e) => `attempt ${e.attempt}: ${e.outcome}`).join(", ");
}
