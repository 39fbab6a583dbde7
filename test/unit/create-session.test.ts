import { beforeEach, describe, expect, it, vi } from "vitest";
import { UpstreamError } from "../../core/errors.ts";
import type { Destination, Session } from "../../core/model.ts";
import type { Rooms } from "../../core/ports.ts";
import type { ServiceHours } from "../../core/service-hours.ts";
import { CreateSession, SingleFlight } from "../../core/use-cases/index.ts";
import { FakeAccessTokens } from "../contract/fakes/fake-access-tokens.ts";
import { FakeRooms } from "../contract/fakes/fake-rooms.ts";
import { inMemoryStore } from "../contract/fakes/in-memory-store.ts";
import { aDestination, aSession, givenStored, hex, T0 } from "../support/builders.ts";
import { openAllDay } from "../support/service-hours.ts";

const device = { clientId: "test-app", deviceCode: "device-new" };

let store: ReturnType<typeof inMemoryStore>;
let tokens: FakeAccessTokens;
let rooms: FakeRooms;
let destination: Destination;
let hours: ServiceHours;
let createSession: CreateSession;

/** The use case over the fakes; `maxconf` stands in for the rooms where a test watches them. */
function createSessionWith(maxconf: Rooms = rooms): CreateSession {
  let issued = 0;
  return new CreateSession(
    {
      ...store,
      rooms: maxconf,
      destinations: { all: () => [destination], forNewSession: () => destination },
      serviceHours: () => hours,
      clock: { now: () => T0 },
      ids: { sessionId: () => `s${++issued}`, callId: () => `call-${issued}` },
    },
    { livePerClient: 1 },
    new SingleFlight(),
  );
}

beforeEach(() => {
  store = inMemoryStore();
  tokens = new FakeAccessTokens({ now: () => T0 });
  rooms = new FakeRooms(tokens);
  destination = aDestination();
  hours = openAllDay();
  createSession = createSessionWith();
});

/** Rooms that remember what the store held for `sessionId` when a room was asked for. */
function roomsWatching(sessionId: string) {
  const seen: { stateWhenAsked?: Session["state"] } = {};
  const watched: Rooms = {
    async create(uuiData) {
      seen.stateWhenAsked = (await store.sessions.get(sessionId))?.state;
      return rooms.create(uuiData);
    },
    delete: (name) => rooms.delete(name),
    list: () => rooms.list(),
  };
  return { watched, seen };
}

const auditOf = (sessionId: string) =>
  store.data.events.filter((e) => e.sessionId === sessionId).map((e) => e.status);

describe("CreateSession", () => {
  it("grants a session with a room, having written the intent before asking for it", async () => {
    const { watched, seen } = roomsWatching("s1");

    const created = await createSessionWith(watched).execute(device);

    expect(seen.stateWhenAsked).toBe("allocating");
    expect(created).toEqual({
      ok: true,
      value: {
        session: expect.objectContaining({
          id: "s1",
          state: "session_granted",
          room: { name: "fake-room-1", alias: "fake-room-1", guestPin: "1001" },
        }),
        queuePosition: 1,
        created: true,
      },
    });
    expect((await store.sessions.get("s1"))?.state).toBe("session_granted");
    expect(store.data.events).toMatchObject([
      { sessionId: "s1", status: "allocating", actor: device.clientId, at: T0 },
      { sessionId: "s1", status: "session_granted", actor: "system", at: T0 },
    ]);
  });

  it("hands MaxConf the hex of the session id as uuiData", async () => {
    await createSession.execute(device);

    expect((await store.sessions.get("s1"))?.uuiData).toBe(hex("s1"));
    expect(await rooms.list()).toEqual([{ name: "fake-room-1", uuiText: "s1" }]);
  });

  const refusals: [string, () => Promise<unknown>, string][] = [
    [
      "outside service hours",
      async () => {
        // T0 is a Wednesday morning.
        const afternoons = { start_time: "12:00", end_time: "17:00" };
        hours.regular_service_periods = [{ start_day: "MONDAY", end_day: "FRIDAY", ...afternoons }];
      },
      "outside_service_hours",
    ],
    [
      "inside an unavailable period",
      async () => {
        hours.service_unavailable_periods = [
          { start_date: T0 / 1000 - 3600, end_date: T0 / 1000 + 3600, reason: "HOLIDAY" },
        ];
      },
      "service_unavailable",
    ],
    [
      "when the destination is full",
      async () => {
        destination = aDestination({ maxActiveSessions: 1 });
        await givenStored(store, aSession("another", { clientId: "another-app" }));
      },
      "max_active_sessions",
    ],
  ];
  it.each(refusals)(
    "does not grant a session %s, and asks for no room",
    async (_, given, reason) => {
      await given();

      const created = await createSession.execute(device);

      expect(created).toMatchObject({
        ok: true,
        value: { session: { id: "s1", state: "session_not_granted", reason }, queuePosition: 0 },
      });
      expect(created.ok && created.value.created).toBe(true);
      expect(created.ok && created.value.session.room).toBeUndefined();
      expect(await store.sessions.get("s1")).toMatchObject({
        state: "session_not_granted",
        reason,
      });
      expect(auditOf("s1")).toEqual(["session_not_granted"]);
      expect(await rooms.list()).toEqual([]);
    },
  );

  it("answers a device's live session again, and asks for no room", async () => {
    const live = await givenStored(store, aSession("live", device));

    const again = await createSession.execute(device);

    expect(again).toEqual({ ok: true, value: { session: live, queuePosition: 1, created: false } });
    expect(await rooms.list()).toEqual([]);
    expect(store.data.sessions.size).toBe(1);
  });

  it("answers a device's live session even outside service hours", async () => {
    await givenStored(store, aSession("live", device));
    hours.regular_service_periods = [];

    const again = await createSession.execute(device);

    expect(again).toMatchObject({ ok: true, value: { session: { id: "live" }, created: false } });
    expect(store.data.sessions.size).toBe(1);
  });

  it("makes a new session for a device whose last one is over", async () => {
    await givenStored(store, aSession("over", { ...device, state: "session_ended" }));

    const created = await createSession.execute(device);

    expect(created).toMatchObject({ ok: true, value: { session: { id: "s1" }, created: true } });
  });

  it("lets concurrent creates for one device share one attempt and one room", async () => {
    const [first, second] = await Promise.all([
      createSession.execute(device),
      createSession.execute(device),
    ]);

    expect(first).toMatchObject({ ok: true, value: { session: { id: "s1" }, created: true } });
    expect(second).toMatchObject({ ok: true, value: { session: { id: "s1" }, created: false } });
    expect(await rooms.list()).toHaveLength(1);
    expect(store.data.sessions.size).toBe(1);
  });

  it("refuses a client over its live limit, and asks for no room", async () => {
    await givenStored(store, aSession("other-device", { clientId: device.clientId }));

    const created = await createSession.execute(device);

    expect(created).toEqual({ ok: false, error: { kind: "live_session_limit", limit: 1 } });
    expect(await store.sessions.get("s1")).toBeUndefined();
    expect(await rooms.list()).toEqual([]);
  });

  const upstreamFailures: [string, () => void, string][] = [
    ["MaxConf", () => rooms.refuse("create", 1, 503), "maxconf_unavailable"],
    ["the token server", () => tokens.refuseFetches(1, 503), "token-server_unavailable"],
  ];
  it.each(upstreamFailures)(
    "fails the session when %s cannot help, answering the upstream error",
    async (_, given, reason) => {
      given();

      const created = await createSession.execute(device);

      expect(created).toEqual({
        ok: false,
        // The failed session kept for it: the request is that session's, in its timeline.
        error: { kind: "upstream", error: expect.any(UpstreamError), sessionId: "s1" },
      });
      expect(await store.sessions.get("s1")).toMatchObject({ state: "session_failed", reason });
      expect(auditOf("s1")).toEqual(["allocating", "session_failed"]);
      expect(await rooms.list()).toEqual([]);
    },
  );

  it("fails the session as internal_error when making the room throws a bug", async () => {
    const broken: Rooms = {
      create: () => Promise.reject(new TypeError("a bug")),
      delete: (name) => rooms.delete(name),
      list: () => rooms.list(),
    };

    await expect(createSessionWith(broken).execute(device)).rejects.toThrow("a bug");

    expect(await store.sessions.get("s1")).toMatchObject({
      state: "session_failed",
      reason: "internal_error",
    });
  });

  it("answers busy while the device's session is allocating elsewhere, and asks for no room", async () => {
    await givenStored(
      store,
      aSession("elsewhere", { ...device, state: "allocating", room: undefined }),
    );

    // It polls the other attempt for 15 s before it gives up: time is moved on, not waited out.
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    try {
      const creating = createSession.execute(device);
      await vi.advanceTimersByTimeAsync(16_000);
      expect(await creating).toEqual({ ok: false, error: { kind: "busy" } });
    } finally {
      vi.useRealTimers();
    }
    expect(await rooms.list()).toEqual([]);
  });
});
