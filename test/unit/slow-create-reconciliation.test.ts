import { describe, expect, it } from "vitest";
import type { RoomAssignment } from "../../core/model.ts";
import type { Rooms } from "../../core/ports.ts";
import { CreateSession, ReconcileRooms, SingleFlight } from "../../core/use-cases/index.ts";
import { inMemoryStore } from "../contract/fakes/in-memory-store.ts";
import { aDestination, T0 } from "../support/builders.ts";
import { openAllDay } from "../support/service-hours.ts";

describe("reconciliation and a create that is only slow", () => {
  it("leaves a create still allocating in this process alone, however slow", async () => {
    let nowMs = T0;
    let answerRoom: (room: RoomAssignment) => void = () => {};
    const rooms: Rooms = {
      create: () => new Promise((resolve) => (answerRoom = resolve)),
      delete: async () => {},
      list: async () => [],
    };
    const store = inMemoryStore();
    const clock = { now: () => nowMs };
    const destination = aDestination();
    const createSession = new CreateSession(
      {
        ...store,
        rooms,
        destinations: { all: () => [destination], forNewSession: () => destination },
        serviceHours: openAllDay,
        clock,
        ids: { sessionId: () => "slow-session", callId: () => "call" },
      },
      { livePerClient: 1 },
      new SingleFlight(),
    );
    const reconcileRooms = new ReconcileRooms({ ...store, rooms, clock });

    const creating = createSession.execute({ clientId: "app", deviceCode: "device" });
    await new Promise((resolve) => setTimeout(resolve, 0)); // the intent is written
    nowMs += 600_000; // however long it takes, its process is alive: it is not interrupted
    expect(await reconcileRooms.execute()).toMatchObject({ interrupted: 0 });
    answerRoom({ name: "room-1", alias: "room-1", guestPin: "1234" });

    const created = await creating;
    expect(created).toMatchObject({ ok: true, value: { created: true } });
    expect((await store.sessions.get("slow-session"))?.state).toBe("session_granted");
  });
});
