import { beforeEach, describe, expect, it } from "vitest";
import type { Session } from "../../core/model.ts";
import type { ListedRoom } from "../../core/ports.ts";
import { ReconcileRooms } from "../../core/use-cases/index.ts";
import { FakeAccessTokens } from "../contract/fakes/fake-access-tokens.ts";
import { FakeRooms } from "../contract/fakes/fake-rooms.ts";
import { inMemoryStore } from "../contract/fakes/in-memory-store.ts";
import { aSession, givenStored, hex, T0 } from "../support/builders.ts";

let store: ReturnType<typeof inMemoryStore>;
let rooms: FakeRooms;
let now: number;
let reconcileRooms: ReconcileRooms;

beforeEach(() => {
  store = inMemoryStore();
  now = T0;
  const clock = { now: () => now };
  rooms = new FakeRooms(new FakeAccessTokens(clock));
  reconcileRooms = new ReconcileRooms({ ...store, rooms, clock });
});

/** Given: MaxConf made a room for session `id` (tagged with its uuiData), and we stored the session. */
async function givenRoomFor(id: string, overrides: Partial<Session> = {}): Promise<string> {
  const room = await rooms.create(hex(id));
  await givenStored(store, aSession(id, { room, ...overrides }));
  return room.name;
}

/** Then: a run does nothing; session s1 is still allocating, and its `room` still there. */
async function thenLeftAllocating(room: string): Promise<void> {
  expect(await reconcileRooms.execute()).toEqual({ interrupted: 0, deleted: [], unattributed: 0 });
  expect((await store.sessions.get("s1"))?.state).toBe("allocating");
  expect(await roomNames()).toEqual([room]);
}

const roomNames = async () => (await rooms.list()).map((room) => room.name);

describe("ReconcileRooms", () => {
  it.each<Session["state"]>(["session_ended", "session_expired", "session_failed"])(
    "deletes the room of a session of ours that is %s",
    async (state) => {
      const room = await givenRoomFor("s1", { state });

      expect(await reconcileRooms.execute()).toEqual({
        interrupted: 0,
        deleted: [room],
        unattributed: 0,
      });
      expect(await roomNames()).toEqual([]);
    },
  );

  it("deletes a room made for a session that failed before it learnt of the room", async () => {
    const room = await givenRoomFor("s1", { state: "session_failed", room: undefined });

    expect(await reconcileRooms.execute()).toMatchObject({ deleted: [room] });
  });

  it.each<Session["state"]>(["session_granted", "session_started"])(
    "leaves the room of a session that is %s",
    async (state) => {
      const room = await givenRoomFor("s1", { state });

      expect(await reconcileRooms.execute()).toEqual({
        interrupted: 0,
        deleted: [],
        unattributed: 0,
      });
      expect(await roomNames()).toEqual([room]);
    },
  );

  it.each<[string, ListedRoom]>([
    ["with no uuiData in its tag", { name: "kiosk" }],
    ["naming a session we do not have", { name: "other-deployment", uuiText: "not-ours" }],
    ["naming a session of ours made with other uuiData", { name: "lookalike", uuiText: "s1" }],
  ])("leaves a room %s, counted as unattributed", async (_, foreign) => {
    await givenStored(store, aSession("s1", { state: "session_ended", uuiData: hex("agent-tag") }));
    rooms.addForeign(foreign);

    expect(await reconcileRooms.execute()).toEqual({
      interrupted: 0,
      deleted: [],
      unattributed: 1,
    });
    expect(await roomNames()).toEqual([foreign.name]);
  });

  it("fails a create whose process is gone, and deletes the room it left", async () => {
    const room = await rooms.create(hex("s1"));
    const goneProcess = inMemoryStore(store.data);
    await givenStored(goneProcess, aSession("s1", { state: "allocating", room: undefined }));

    expect(await reconcileRooms.execute()).toEqual({
      interrupted: 1,
      deleted: [room.name],
      unattributed: 0,
    });
    expect(await store.sessions.get("s1")).toMatchObject({
      state: "session_failed",
      reason: "interrupted",
      statusAt: now,
    });
    expect(store.data.events.at(-1)).toMatchObject({ status: "session_failed", actor: "system" });
  });

  it("leaves a create this process is still allocating, however long it takes", async () => {
    const room = await givenRoomFor("s1", { state: "allocating", room: undefined });
    now = T0 + 10 * 3_600_000;

    await thenLeftAllocating(room);
  });

  it("looks up a hundred rooms' sessions at once, and still sorts every room right", async () => {
    const ended = await Promise.all(
      Array.from({ length: 150 }, (_, i) => givenRoomFor(`e${i}`, { state: "session_ended" })),
    );
    const live = await givenRoomFor("live", { state: "session_started" });
    rooms.addForeign({ name: "kiosk" });
    const get = store.sessions.get.bind(store.sessions);
    let asked = 0;
    let mostAtOnce = 0;
    store.sessions.get = async (id) => {
      mostAtOnce = Math.max(mostAtOnce, ++asked);
      await Promise.resolve();
      asked--;
      return get(id);
    };

    const reconciled = await reconcileRooms.execute();

    expect(mostAtOnce).toBe(100);
    expect(reconciled).toEqual({ interrupted: 0, deleted: ended, unattributed: 1 });
    expect((await roomNames()).sort()).toEqual(["kiosk", live].sort());
  });
});
