import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Session } from "../../core/model.ts";
import { type CountSide, placeInQueue, queueOrder, waitsInQueue } from "../../core/queue-order.ts";
import { aSession, T0 } from "../support/builders.ts";

/** A store's counts over `sessions`, as the adapters make them, tallying the entries walked. */
function countsOver(sessions: Session[]) {
  const queue = sessions.filter(waitsInQueue).sort(queueOrder);
  const tally = { statements: 0, entries: 0 };
  const count: CountSide = async (session, side, limit) => {
    const onSide = queue.filter((s) =>
      side === "ahead" ? queueOrder(s, session) < 0 : queueOrder(s, session) > 0,
    );
    const counted = Math.min(limit, onSide.length);
    tally.statements += 1;
    tally.entries += counted;
    const self = queue.some((s) => s.id === session.id) ? 1 : 0;
    const ends = { first: queue[0]?.createdAt ?? 0, last: queue.at(-1)?.createdAt ?? 0 };
    return { counted, total: queue.length, self, ...(counted < limit ? {} : { ends }) };
  };
  const place = (session: Session) => queue.findIndex((s) => s.id === session.id) + 1;
  return { count, tally, place };
}

describe("placeInQueue", () => {
  it("gives each waiting session its exact place, however the times are spread", async () => {
    const queues = fc.array(
      fc.record({
        at: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 1_000_000 })),
        waits: fc.boolean(),
      }),
      { minLength: 1, maxLength: 400 },
    );
    await fc.assert(
      fc.asyncProperty(queues, fc.nat(), async (rows, pick) => {
        const sessions = rows.map(({ at, waits }, i) =>
          aSession(`s${i}`, { createdAt: T0 + at, ...(waits ? {} : { agentReachedAt: T0 }) }),
        );
        const { count, place } = countsOver(sessions);
        const session = sessions[pick % sessions.length] as Session;
        expect(await placeInQueue(session, count)).toBe(waitsInQueue(session) ? place(session) : 0);
      }),
    );
  });

  it("counts little more than the shorter side of an even queue, in two statements", async () => {
    const sessions = Array.from({ length: 10_000 }, (_, i) =>
      aSession(`even-${String(i).padStart(5, "0")}`, { createdAt: T0 + i * 100 }),
    );
    for (const at of [100, 2_500, 5_000, 7_300, 9_900]) {
      const { count, tally, place } = countsOver(sessions);
      const session = sessions[at] as Session;
      expect(await placeInQueue(session, count)).toBe(place(session));
      const shorter = Math.min(at, sessions.length - 1 - at);
      expect(tally.statements).toBe(2);
      expect(tally.entries).toBeLessThanOrEqual(64 + shorter);
    }
  });

  it("answers a new session in one statement, one that does not wait in none", async () => {
    const sessions = Array.from({ length: 1_000 }, (_, i) =>
      aSession(`t${i}`, { createdAt: T0 + i }),
    );
    const { count, tally } = countsOver(sessions);
    expect(await placeInQueue(sessions.at(-1) as Session, count)).toBe(1_000);
    expect(tally).toEqual({ statements: 1, entries: 0 });
    expect(await placeInQueue(aSession("ended", { state: "session_ended" }), count)).toBe(0);
    expect(tally.statements).toBe(1);
  });
});
