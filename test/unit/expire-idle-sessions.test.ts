import { beforeEach, describe, expect, it } from "vitest";
import type { SessionState } from "../../core/model.ts";
import type { IdleCutoffs, Sessions } from "../../core/ports.ts";
import { ExpireIdleSessions, OneAtATime } from "../../core/use-cases/index.ts";
import { inMemoryStore } from "../contract/fakes/in-memory-store.ts";
import {
  aCall,
  aDestination,
  anotherWriterFirst,
  aSession,
  givenStored,
  T0,
} from "../support/builders.ts";

/** destination-a lets a session idle 10 minutes, destination-b 1 minute. */
const destinations = [
  aDestination({ name: "destination-a", maxInactiveSeconds: 600 }),
  aDestination({ name: "destination-b", maxInactiveSeconds: 60 }),
];
const pastTenMinutes = T0 + 600_001;

let store: ReturnType<typeof inMemoryStore>;
let now: number;
let expireIdleSessions: ExpireIdleSessions;

function expireOver(sessions: Sessions): ExpireIdleSessions {
  return new ExpireIdleSessions(
    {
      ...store,
      sessions,
      destinations: {
        all: () => destinations,
        forNewSession: () => destinations[0] ?? aDestination(),
      },
      clock: { now: () => now },
    },
    new OneAtATime(),
  );
}

beforeEach(() => {
  store = inMemoryStore();
  now = T0;
  expireIdleSessions = expireOver(store.sessions);
});

describe("ExpireIdleSessions", () => {
  it("expires a session idle past its destination's limit, owing its room's deletion", async () => {
    await givenStored(store, aSession("s1"));
    now = pastTenMinutes;

    expect(await expireIdleSessions.execute()).toBe(1);

    expect(await store.sessions.get("s1")).toMatchObject({
      state: "session_expired",
      statusAt: now,
    });
    expect(store.data.deletions).toMatchObject([{ roomName: "room-s1" }]);
    expect(store.data.events.at(-1)).toMatchObject({
      status: "session_expired",
      actor: "system",
      at: now,
    });
  });

  it("leaves a session idle exactly as long as its destination allows", async () => {
    await givenStored(store, aSession("s1"));
    now = T0 + 600_000;

    expect(await expireIdleSessions.execute()).toBe(0);
    expect(await store.sessions.get("s1")).toMatchObject({ state: "session_granted" });
  });

  it("hangs up the live call of a started session it expires", async () => {
    const started = aSession("s1", { state: "session_started" });
    await givenStored(store, started, aCall(started, "c1", { state: "call_in_call" }));
    now = pastTenMinutes;

    expect(await expireIdleSessions.execute()).toBe(1);
    expect(await store.sessions.getCall("s1", "c1")).toMatchObject({ state: "call_ended" });
  });

  it("measures each destination's sessions by that destination's limit", async () => {
    await givenStored(store, aSession("a1", { destinationName: "destination-a" }));
    await givenStored(store, aSession("b1", { destinationName: "destination-b" }));
    now = T0 + 120_000;

    expect(await expireIdleSessions.execute()).toBe(1);
    expect((await store.sessions.get("a1"))?.state).toBe("session_granted");
    expect((await store.sessions.get("b1"))?.state).toBe("session_expired");
  });

  it.each<SessionState>([
    "allocating",
    "session_ended",
    "session_expired",
    "session_failed",
    "session_not_granted",
  ])("leaves a session that is %s", async (state) => {
    await givenStored(store, aSession("s1", { state }));
    const before = structuredClone(store.data);
    now = pastTenMinutes;

    expect(await expireIdleSessions.execute()).toBe(0);
    expect(store.data).toEqual(before);
  });

  it("leaves a session another writer updated while it was being expired", async () => {
    await givenStored(store, aSession("s1"));
    now = pastTenMinutes;
    const racing = expireOver(anotherWriterFirst(store.sessions, { lastActivityAt: now }));

    expect(await racing.execute()).toBe(0);
    expect(await store.sessions.get("s1")).toMatchObject({ state: "session_granted" });
    expect(store.data.deletions).toEqual([]);
  });

  it("leaves a session that had activity after it was found idle", async () => {
    await givenStored(store, aSession("s1"));
    now = pastTenMinutes;
    // A call update lands between the search for idle sessions and the expiry.
    const activityAfterTheSearch = {
      ...store.staleSessions,
      async idleSince(destinationName: string, cutoffs: IdleCutoffs) {
        const idle = await store.staleSessions.idleSince(destinationName, cutoffs);
        const current = await store.sessions.get("s1");
        if (current) {
          const next = { ...current, lastActivityAt: now, version: current.version + 1 };
          await store.sessions.save({
            session: next,
            expectedVersion: current.version,
            events: [],
          });
        }
        return idle;
      },
    };
    const expire = new ExpireIdleSessions(
      {
        ...store,
        staleSessions: activityAfterTheSearch,
        destinations: { all: () => destinations, forNewSession: () => aDestination() },
        clock: { now: () => now },
      },
      new OneAtATime(),
    );

    expect(await expire.execute()).toBe(0);
    expect(await store.sessions.get("s1")).toMatchObject({ state: "session_granted" });
  });

  it("leaves a session whose call is ringing (waiting for an agent) past max_inactive_seconds", async () => {
    const waiting = aSession("s1", { state: "session_started" });
    await givenStored(store, waiting, aCall(waiting, "c1", { state: "call_ringing" }));
    now = pastTenMinutes;

    expect(await expireIdleSessions.execute()).toBe(0);
    expect(await store.sessions.get("s1")).toMatchObject({ state: "session_started" });
  });

  it("expires a waiting session whose app went away, past max_queue_wait_seconds", async () => {
    const waiting = aSession("s1", { state: "session_started" });
    await givenStored(store, waiting, aCall(waiting, "c1", { state: "call_media_pending" }));
    now = T0 + 3_600_001;

    expect(await expireIdleSessions.execute()).toBe(1);
    expect(await store.sessions.get("s1")).toMatchObject({ state: "session_expired" });
    expect(store.data.deletions).toMatchObject([{ roomName: "room-s1" }]);
  });
});
