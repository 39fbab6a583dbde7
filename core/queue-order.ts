import type { Session } from "./model.ts";

/** Granted or started, and no call has reached an agent yet: the session waits in the queue. */
export const waitsInQueue = (s: Session) =>
  (s.state === "session_granted" || s.state === "session_started") &&
  s.agentReachedAt === undefined;

/** The waiting ones of `sessions`, per destination, each run in queue order (created, then id). */
export function queueRuns(sessions: Session[]): Session[][] {
  const runs = new Map<string, Session[]>();
  for (const session of sessions.filter(waitsInQueue)) {
    const run = runs.get(session.destinationName) ?? [];
    run.push(session);
    runs.set(session.destinationName, run);
  }
  const inOrder = (a: Session, b: Session) =>
    a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return [...runs.values()].map((run) => run.sort(inOrder));
}
