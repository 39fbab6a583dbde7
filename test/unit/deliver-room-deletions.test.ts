import { beforeEach, describe, expect, it } from "vitest";
import { UpstreamError } from "../../core/errors.ts";
import type { Rooms, Store } from "../../core/ports.ts";
import { DeliverRoomDeletions } from "../../core/use-cases/index.ts";
import { FakeAccessTokens } from "../contract/fakes/fake-access-tokens.ts";
import { FakeRooms } from "../contract/fakes/fake-rooms.ts";
import { inMemoryStore } from "../contract/fakes/in-memory-store.ts";
import { anEvent, aSession, T0 } from "../support/builders.ts";

/** `count` sessions ended with their room deletion owed. */
async function owing({ sessions }: Store, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const session = aSession(`s${i}`);
    await sessions.insert(session, anEvent(session));
    await sessions.save({
      session: { ...session, state: "session_ended", version: 2 },
      expectedVersion: 1,
      events: [],
      roomDeletions: [`room-s${i}`],
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
    const store = inMemoryStore();
    await owing(store, 2000);
    const maxconf = slowRooms();
    const deliver = new DeliverRoomDeletions({
      outbox: store.outbox,
      rooms: maxconf.rooms,
      clock: { now: () => T0 + 1 },
    });
    expect(await deliver.execute()).toBe(2000);
    expect(new Set(maxconf.deleted).size).toBe(2000);
    expect(maxconf.mostAtOnce()).toBeGreaterThan(1);
    expect(maxconf.mostAtOnce()).toBeLessThanOrEqual(8);
    expect(await store.outbox.claim(T0 + 1, 10, 0)).toEqual([]);
  });

  it("ends the run when MaxConf refuses, keeping every refused deletion for later", async () => {
    const store = inMemoryStore();
    await owing(store, 200);
    const maxconf = slowRooms((name) => name === "room-s3");
    const deliver = new DeliverRoomDeletions({
      outbox: store.outbox,
      rooms: maxconf.rooms,
      clock: { now: () => T0 + 1 },
    });
    const delivered = await deliver.execute();
    expect(delivered).toBeLessThan(200);
    expect(maxconf.deleted).not.toContain("room-s3");
    const later = await store.outbox.claim(T0 + 10 * 60_000, 1000, 0);
    expect(later.map((p) => p.roomName)).toContain("room-s3");
    expect(later).toHaveLength(200 - delivered);
  });

  describe("over MaxConf in memory", () => {
    let now: number;
    let store: ReturnType<typeof inMemoryStore>;
    let rooms: FakeRooms;
    let deliver: DeliverRoomDeletions;

    beforeEach(() => {
      now = T0;
      const clock = { now: () => now };
      store = inMemoryStore();
      rooms = new FakeRooms(new FakeAccessTokens(clock));
      deliver = new DeliverRoomDeletions({ outbox: store.outbox, rooms, clock });
    });

    it("delivers a deletion once: a room MaxConf no longer has counts as deleted", async () => {
      await owing(store, 1);

      expect(await deliver.execute()).toBe(1);
      expect(await deliver.execute()).toBe(0);
      expect(store.data.deletions).toMatchObject([{ roomName: "room-s0", deliveredAt: now }]);
    });

    it("tries a refused deletion again after 1 s, twice as long each time, at most 5 min", async () => {
      await owing(store, 1);
      rooms.refuse("delete", 12, 503);
      const waits = [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300].map((s) => s * 1000);

      for (const [attempts, wait] of waits.entries()) {
        expect(await deliver.execute()).toBe(0);
        expect(await store.outbox.claim(now + wait - 1, 10, 0)).toEqual([]);
        expect(await store.outbox.claim(now + wait, 10, 0)).toMatchObject([
          { roomName: "room-s0", attempts: attempts + 1 },
        ]);
        now += wait;
      }
      expect(await deliver.execute()).toBe(1);
    });
  });
});
