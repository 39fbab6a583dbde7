import { beforeEach, describe, expect, it } from "vitest";
import type { SessionState } from "../../core/model.ts";
import type { Sessions } from "../../core/ports.ts";
import { OneAtATime, type SessionCommand, UpdateSession } from "../../core/use-cases/index.ts";
import { inMemoryStore } from "../contract/fakes/in-memory-store.ts";
import {
  aCall,
  anotherWriterFirst,
  aSession,
  givenStored,
  ownerOf,
  T0,
} from "../support/builders.ts";

const now = T0 + 60_000;
const owner = ownerOf(aSession("s1"));

let store: ReturnType<typeof inMemoryStore>;
let updateSession: UpdateSession;

function updateSessionOver(sessions: Sessions): UpdateSession {
  return new UpdateSession({ ...store, sessions, clock: { now: () => now } }, new OneAtATime());
}

beforeEach(() => {
  store = inMemoryStore();
  updateSession = updateSessionOver(store.sessions);
});

describe("UpdateSession", () => {
  it("starts a granted session", async () => {
    await givenStored(store, aSession("s1"));

    const started = await updateSession.execute(owner, "s1", "start");

    const expected = { state: "session_started", statusAt: now, lastActivityAt: now, version: 2 };
    expect(started).toMatchObject({ ok: true, value: { session: expected, queuePosition: 1 } });
    expect(await store.sessions.get("s1")).toMatchObject(expected);
    expect(store.data.events.at(-1)).toEqual({
      sessionId: "s1",
      kind: "session",
      status: "session_started",
      actor: owner.clientId,
      at: now,
    });
  });

  it("answers a start of a started session with it, as active as now", async () => {
    await givenStored(store, aSession("s1", { state: "session_started" }));

    const again = await updateSession.execute(owner, "s1", "start");

    expect(again).toMatchObject({
      ok: true,
      value: { session: { state: "session_started", statusAt: T0, lastActivityAt: now } },
    });
  });

  it.each<SessionCommand>(["end", "close"])(
    "%s: ends a live session, owing its room's deletion and hanging up its live call at once",
    async (command) => {
      const session = aSession("s1", { state: "session_started" });
      await givenStored(store, session, aCall(session, "c1", { state: "call_in_call" }));

      const ended = await updateSession.execute(owner, "s1", command);

      expect(ended).toMatchObject({
        ok: true,
        value: { session: { state: "session_ended", statusAt: now }, queuePosition: 0 },
      });
      expect(store.data.deletions).toMatchObject([{ roomName: "room-s1", nextAttemptAt: now }]);
      expect(await store.sessions.getCall("s1", "c1")).toMatchObject({ state: "call_ended" });
      expect(store.data.events.slice(-2)).toMatchObject([
        { kind: "session", status: "session_ended", actor: owner.clientId, at: now },
        { kind: "call", status: "call_ended", actor: owner.clientId, at: now },
      ]);
    },
  );

  it.each<[SessionCommand, SessionState]>([
    ["end", "session_ended"],
    ["close", "session_ended"],
    ["close", "session_expired"],
    ["close", "session_failed"],
    ["close", "session_not_granted"],
  ])("%s of a session already %s succeeds and changes nothing", async (command, state) => {
    const over = await givenStored(store, aSession("s1", { state }));
    const before = structuredClone(store.data);

    const repeated = await updateSession.execute(owner, "s1", command);

    expect(repeated).toEqual({ ok: true, value: { session: over, queuePosition: 0 } });
    expect(store.data).toEqual(before);
  });

  it.each<[SessionCommand, SessionState, string]>([
    ["start", "session_ended", "session_started"],
    ["start", "session_expired", "session_started"],
    ["end", "session_expired", "session_ended"],
    ["end", "session_failed", "session_ended"],
  ])("refuses %s of a session in %s, changing nothing", async (command, state, requested) => {
    await givenStored(store, aSession("s1", { state }));
    const before = structuredClone(store.data);

    const refused = await updateSession.execute(owner, "s1", command);

    expect(refused).toEqual({
      ok: false,
      error: { kind: "refused_transition", subject: "session", current: state, requested },
    });
    expect(store.data).toEqual(before);
  });

  it("does not find another device's session, and changes nothing", async () => {
    await givenStored(store, aSession("s1"));
    const before = structuredClone(store.data);

    const stranger = { ...owner, deviceCode: "another-device" };
    const answer = await updateSession.execute(stranger, "s1", "end");

    expect(answer).toEqual({ ok: false, error: { kind: "not_found" } });
    expect(store.data).toEqual(before);
  });

  it("tries again when another writer saved the session first", async () => {
    await givenStored(store, aSession("s1"));
    const racing = updateSessionOver(
      anotherWriterFirst(store.sessions, { lastActivityAt: T0 + 1 }),
    );

    const ended = await racing.execute(owner, "s1", "end");

    expect(ended).toMatchObject({ ok: true, value: { session: { state: "session_ended" } } });
    expect(await store.sessions.get("s1")).toMatchObject({ state: "session_ended", version: 3 });
    expect(store.data.deletions).toHaveLength(1);
  });

  it("answers busy when the session keeps changing under it, and leaves it as it was", async () => {
    await givenStored(store, aSession("s1"));
    const racing = updateSessionOver(anotherWriterFirst(store.sessions, {}, Infinity));

    const answer = await racing.execute(owner, "s1", "end");

    expect(answer).toEqual({ ok: false, error: { kind: "busy" } });
    expect(await store.sessions.get("s1")).toMatchObject({ state: "session_granted" });
    expect(store.data.deletions).toEqual([]);
  });
});
