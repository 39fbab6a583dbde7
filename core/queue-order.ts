import type { Session } from "./model.ts";

/** Granted or started, and no call has reached an agent yet: the session waits in the queue. */
export const waitsInQueue = (s: Session) =>
  (s.state === "session_granted" || s.state === "session_started") &&
  s.agentReachedAt === undefined;

/** Queue order: created first, then by id. */
export const queueOrder = (a: Session, b: Session) =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The waiting ones of `sessions`, per destination, each run in queue order (created, then id). */
function queueRuns(sessions: Session[]): Session[][] {
  const runs = new Map<string, Session[]>();
  for (const session of sessions.filter(waitsInQueue)) {
    const run = runs.get(session.destinationName) ?? [];
    run.push(session);
    runs.set(session.destinationName, run);
  }
  return [...runs.values()].map((run) => run.sort(queueOrder));
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

/** Those waiting on one side of a session, as a queue's store counts them. */
export interface SideCount {
  /** Those waiting ahead of (or behind) the session, counted up to the limit asked. */
  counted: number;
  /** Everyone waiting at the session's destination. */
  total: number;
  /** 1 if the session itself still waits, else 0. */
  self: number;
  /** When the queue's first and last waiting sessions were created, once `counted` is the limit. */
  ends?: { first: number; last: number };
}

/** Counts one side of a session, up to `limit`. */
export type CountSide = (
  session: Session,
  side: "ahead" | "behind",
  limit: number,
) => Promise<SideCount>;

const aheadFirst = ["ahead", "behind"] as const;
const behindFirst = ["behind", "ahead"] as const;
/** Those behind are counted up to this many first: a new session (every create asks) has none. */
const tailLimit = 64;

/**
 * A session's 1-based place in its destination's queue, 0 if it does not wait. A store cannot
 * look a place up, only count index entries, so the shorter side is counted, bounded: those
 * behind up to `tailLimit`; then the side its creation time says is shorter, a little past the
 * guess (the queue's ends give the time scale); then, if the guess fell short, each side in turn,
 * four times as far each time. An exact place whatever the guess; the guess sets only the cost.
 */
export async function placeInQueue(session: Session, count: CountSide): Promise<number> {
  if (!waitsInQueue(session)) return 0;
  const tail = await count(session, "behind", tailLimit);
  const place = (side: "ahead" | "behind", { counted, total, self }: SideCount) =>
    side === "ahead" ? counted + 1 : total - counted - self + 1;
  if (tail.counted < tailLimit) return place("behind", tail);
  const others = tail.total - tail.self;
  const { first, last } = tail.ends ?? { first: 0, last: 0 };
  const share = last > first ? (session.createdAt - first) / (last - first) : 0.5;
  const guessAhead = others * Math.min(1, Math.max(0, share));
  const shorter = Math.min(guessAhead, others - guessAhead);
  const sides = guessAhead <= others / 2 ? aheadFirst : behindFirst;
  for (let limit = Math.ceil(1.25 * shorter) + tailLimit; ; limit *= 4) {
    for (const side of sides) {
      const counted = await count(session, side, limit);
      if (counted.counted < limit) return place(side, counted);
    }
  }
}
