import { describe, expect, it } from "vitest";
import { UpstreamError } from "../../core/errors.ts";
import type { Session } from "../../core/model.ts";
import type { Rooms } from "../../core/ports.ts";
import { DeliverRoomDeletions } from "../../core/use-cases/deliver-room-deletions.ts";
import { InMemorySessions } from "../contract/fakes/in-memory-sessions.ts";

const T0 = Date.parse("2026-11-25T18:00:00Z");

/** `count` sessions ended with their room deletion owed. */
async function owing(sessions: InMemorySessions, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const session: Session = {
      id: `s${i}`,
      clientId: "app",
      deviceCode: `d${i}`,
      destinationName: "dest",
      destinationHost: "pexip.local",
      state: "session_granted",
      uuiData: "00",
      room: { name: `room-${i}`, alias: `room-${i}`, guestPin: "1234" },
      createdAt: T0,
      statusAt: T0,
      lastActivityAt: T0,
      version: 1,
    };
    const event = { sessionId: session.id, kind: "session", status: "x", actor: "t", at: T0 };
    await sessions.insert(session, event as never);
    await sessions.save({
      session: { ...session, state: "session_ended", version: 2 },
      expectedVersion: 1,
      events: [],
      roomDeletions: [`room-${i}`],
    });
  }
}

/** MaxConf deleting rooms, a moment each; remembers the most deletions it saw at once. */
function slowRooms(refuse: (name: string) => boolean = () => false) {
  const deleted: string[] = [];
  let inFlight = 0;
  let mostAtOnce = 0;
  const rooms: Rooms = {
    create: async () => ({ name: "x", alias: "x", guestPin: "1" }),
    list: async () => [],
    async delete(name) {
      mostAtOnce = Math.max(mostAtOnce, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight--;
      if (refuse(name)) throw new UpstreamError("maxconf", "unavailable", "MaxConf answered 503");
      deleted.push(name);
    },
  };
  return { rooms, deleted, mostAtOnce: () => mostAtOnce };
}

describe("delivering owed room deletions", () => {
  it("drains a backlog of 2,000 in one run, a bounded number at a time", async () => {
    const sessions = new InMemorySessions();
    await owing(sessions, 2000);
    const maxconf = slowRooms();
    const deliver = new DeliverRoomDeletions({
      sessions,
      rooms: maxconf.rooms,
      clock: { now: () => T0 + 1 },
    });
    expect(await deliver.execute()).toBe(2000);
    expect(new Set(maxconf.deleted).size).toBe(2000);
    expect(maxconf.mostAtOnce()).toBeGreaterThan(1);
    expect(maxconf.mostAtOnce()).toBeLessThanOrEqual(8);
    expect(await sessions.pendingRoomDeletions(T0 + 1, 10)).toEqual([]);
  });

  it("ends the run when MaxConf refuses, keeping every refused deletion for later", async () => {
    const sessions = new InMemorySessions();
    await owing(sessions, 200);
    const maxconf = slowRooms((name) => name === "room-3");
    const deliver = new DeliverRoomDeletions({
      sessions,
      rooms: maxconf.rooms,
      clock: { now: () => T0 + 1 },
    });
    const delivered = await deliver.execute();
    expect(delivered).toBeLessThan(200);
    expect(maxconf.deleted).not.toContain("room-3");
    const later = await sessions.pendingRoomDeletions(T0 + 10 * 60_000, 1000);
    expect(later.map((p) => p.roomName)).toContain("room-3");
    expect(later).toHaveLength(200 - delivered);
  });
});
