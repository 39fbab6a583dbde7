import type { Session } from "./model.ts";

/** Granted or started, and no call has reached an agent yet: the session waits in the queue. */
export const waitsInQueue = (s: Session) =>
  (s.state === "session_granted" || s.state === "session_started") &&
  s.agentReachedAt === undefined;

/** The waiting ones of `sessions`, per destination, each run in queue order (created, then id). */
function queueRuns(sessions: Session[]): Session[][] {
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

/**
 * The places of a page of sessions: per destination, the earliest one's place is counted and the
 * others read off the queue up to the latest (`idsBetween`: the waiting sessions' ids from the
 * first to the last, in queue order), instead of counting the queue once per session.
 */
export async function placesOf(
  sessions: Session[],
  position: (session: Session) => Promise<number>,
  idsBetween: (first: Session, last: Session) => Promise<string[]>,
): Promise<number[]> {
  const places = new Map<string, number>();
  for (const queued of queueRuns(sessions)) {
    const [first, last] = [queued[0] as Session, queued.at(-1) as Session];
    const head = await position(first);
    for (const [offset, id] of (await idsBetween(first, last)).entries()) {
      places.set(id, head + offset);
    }
  }
  return sessions.map((session) => places.get(session.id) ?? 0);
}
