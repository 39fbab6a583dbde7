import { describe, expect, it } from "vitest";
import type { RoomAssignment } from "../../core/model.ts";
import type { Rooms } from "../../core/ports.ts";
import { videoSessionUseCases } from "../../core/use-cases/index.ts";
import { InMemorySessions } from "../contract/fakes/in-memory-sessions.ts";

const openAllDay = {
  time_zone: "America/Vancouver",
  regular_service_periods: [
    { start_day: "MONDAY", end_day: "SUNDAY", start_time: "00:00", end_time: "23:59" },
  ],
  service_unavailable_periods: [],
} as const;

describe("reconciliation and a create that is only slow", () => {
  it("leaves a create still allocating in this process alone, past the grace period", async () => {
    let nowMs = Date.parse("2026-11-25T18:00:00Z");
    let answerRoom: (room: RoomAssignment) => void = () => {};
    const rooms: Rooms = {
      create: () => new Promise((resolve) => (answerRoom = resolve)),
      delete: async () => {},
      list: async () => [],
    };
    const sessions = new InMemorySessions();
    const useCases = videoSessionUseCases(
      {
        sessions,
        rooms,
        destinations: {
          all: () => [
            {
              name: "dest",
              priority: 1,
              host: "pexip.local",
              maxInactiveSeconds: 600,
              maxActiveSessions: 10,
            },
          ],
          forNewSession: () => ({
            name: "dest",
            priority: 1,
            host: "pexip.local",
            maxInactiveSeconds: 600,
            maxActiveSessions: 10,
          }),
        },
        serviceHours: () => structuredClone(openAllDay) as never,
        clock: { now: () => nowMs },
        ids: { sessionId: () => "slow-session", callId: () => "call" },
        roomDeletionOwed: () => {},
      },
      { graceMs: 1_000, livePerClient: 1 },
    );

    const creating = useCases.createSession.execute({ clientId: "app", deviceCode: "device" });
    await new Promise((resolve) => setTimeout(resolve, 0)); // the intent is written
    nowMs += 5_000; // far past the grace: it would look interrupted
    expect(await useCases.reconcileRooms.execute()).toMatchObject({ interrupted: 0 });
    answerRoom({ name: "room-1", alias: "room-1", guestPin: "1234" });

    const created = await creating;
    expect(created).toMatchObject({ ok: true, value: { created: true } });
    expect((await sessions.get("slow-session"))?.state).toBe("session_granted");
  });
});
