import { expect } from "vitest";
import type { Call, Session, SessionEvent } from "../../core/model.ts";
import type { LiveLimits, SessionChange, Sessions } from "../../core/ports.ts";
import { contractSuite } from "./harness.ts";

const T0 = 1_767_600_000_000;

function session(id: string, overrides: Partial<Session> = {}): Session {
  return {
    id,
    clientId: "contract-app",
    deviceCode: `device-${id}`,
    destinationName: "destination-a",
    destinationHost: "conference.test",
    state: "session_granted",
    uuiData: "636f6e7472616374",
    room: { name: `room-${id}`, alias: `alias-${id}`, guestPin: "1234" },
    createdAt: T0,
    statusAt: T0,
    lastActivityAt: T0,
    version: 1,
    ...overrides,
  };
}

const eventOf = (s: Session): SessionEvent => ({
  sessionId: s.id,
  kind: "session",
  status: s.state,
  actor: "contract-test",
  at: s.statusAt,
});

function call(s: Session, clientCallId: string, overrides: Partial<Call> = {}): Call {
  return {
    sessionId: s.id,
    callId: `call-${s.id}-${clientCallId}`,
    clientCallId,
    state: "call_ringing",
    createdAt: T0 + 1000,
    statusAt: T0 + 1000,
    ...overrides,
  };
}

async function inserted(store: Sessions, s: Session, limits?: LiveLimits): Promise<Session> {
  expect(await store.insert(s, eventOf(s), limits)).toEqual({ kind: "inserted" });
  return s;
}

/** Saves the next version of `s` with `changes`; the save must be accepted. */
async function saved(
  store: Sessions,
  s: Session,
  changes: Partial<Session>,
  extra: Omit<Partial<SessionChange>, "session" | "expectedVersion"> = {},
): Promise<Session> {
  const next = { ...s, ...changes, version: s.version + 1 };
  const accepted = await store.save({
    session: next,
    expectedVersion: s.version,
    events: [],
    ...extra,
  });
  expect(accepted).toBe(true);
  return next;
}

const ids = (sessions: Session[]) => sessions.map((s) => s.id).sort();

export const sessionsContract = contractSuite<Sessions, never>([
  {
    name: "stores a session and reads it back as it was stored",
    async run(store) {
      const full = session("a", { reason: "why", agentReachedAt: T0 + 5, statusAt: T0 + 1 });
      const bare = session("b", { state: "session_not_granted", room: undefined });
      await inserted(store, full);
      await inserted(store, bare);
      expect(await store.get("a")).toEqual(full);
      expect(await store.get("b")).toEqual(bare);
    },
  },
  {
    name: "what was never stored reads as nothing",
    async run(store) {
      expect(await store.get("nope")).toBeUndefined();
      expect(await store.findByRoom("nope")).toBeUndefined();
      expect(await store.getCall("nope", "nope")).toBeUndefined();
      expect(await store.liveCall("nope")).toBeUndefined();
      expect(await store.pendingRoomDeletions(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    },
  },
  {
    name: "one live session per device: another insert answers the live one and stores nothing",
    async run(store) {
      const live = await inserted(store, session("a"));
      const device = { clientId: live.clientId, deviceCode: live.deviceCode };
      const again = session("b", { ...device, state: "allocating", room: undefined });
      expect(await store.insert(again, eventOf(again))).toEqual({
        kind: "existing",
        session: live,
      });
      // Even a refusal is not recorded while the device has a live session.
      const refused = session("c", { ...device, state: "session_not_granted", room: undefined });
      expect(await store.insert(refused, eventOf(refused))).toEqual({
        kind: "existing",
        session: live,
      });
      expect(await store.get("b")).toBeUndefined();
      expect(await store.get("c")).toBeUndefined();
    },
  },
  {
    name: "concurrent inserts for one device store exactly one live session",
    async run(store) {
      const attempts = Array.from({ length: 20 }, (_, i) =>
        session(`s${i}`, { deviceCode: "one-device", state: "allocating", room: undefined }),
      );
      const answers = await Promise.all(attempts.map((s) => store.insert(s, eventOf(s))));
      const winners = attempts.filter((_, i) => answers[i]?.kind === "inserted");
      expect(winners).toHaveLength(1);
      for (const answer of answers) {
        if (answer.kind === "existing") expect(answer.session.id).toBe(winners[0]?.id);
        else expect(answer.kind).toBe("inserted");
      }
    },
  },
  {
    name: "allocating, granted and started sessions are live for their device; ended ones not",
    async run(store) {
      for (const state of ["allocating", "session_granted", "session_started"] as const) {
        const s = await inserted(store, session(state, { state, deviceCode: state }));
        const again = session(`${state}-again`, { deviceCode: state });
        expect(await store.insert(again, eventOf(again))).toEqual({ kind: "existing", session: s });
        await saved(store, s, { state: "session_ended" });
        expect(await store.insert(again, eventOf(again))).toEqual({ kind: "inserted" });
      }
    },
  },
  {
    name: "a device whose session ended may start another",
    async run(store) {
      const first = await inserted(store, session("a", { deviceCode: "d" }));
      await saved(store, first, { state: "session_ended" });
      const second = await inserted(store, session("b", { deviceCode: "d" }));
      expect(await store.get("b")).toEqual(second);
    },
  },
  {
    name: "a destination holds at most perDestination live sessions; ended ones and others do not count",
    async run(store) {
      const limits = { perDestination: 2 };
      const a = await inserted(store, session("a"), limits);
      await inserted(store, session("b"), limits);
      expect(await store.insert(session("c"), eventOf(session("c")), limits)).toEqual({
        kind: "destination_full",
      });
      expect(await store.get("c")).toBeUndefined();
      await inserted(store, session("d", { destinationName: "destination-b" }), limits);
      await saved(store, a, { state: "session_ended" });
      await inserted(store, session("c"), limits);
    },
  },
  {
    name: "a client holds at most perClient live sessions, whatever its device codes",
    async run(store) {
      const limits = { perClient: 2, perDestination: 10 };
      const a = await inserted(store, session("a"), limits);
      await inserted(store, session("b"), limits);
      const third = session("c");
      expect(await store.insert(third, eventOf(third), limits)).toEqual({ kind: "client_full" });
      expect(await store.get("c")).toBeUndefined();
      // Another client is not held back; an ended session frees a place.
      await inserted(store, session("d", { clientId: "another-app" }), limits);
      await saved(store, a, { state: "session_ended" });
      await inserted(store, third, limits);
      // The device rule still answers first: a repeat is the device's own session, not a refusal.
      const repeat = session("e", { deviceCode: third.deviceCode });
      expect(await store.insert(repeat, eventOf(repeat), limits)).toMatchObject({
        kind: "existing",
        session: { id: "c" },
      });
    },
  },
  {
    name: "a save from the current version applies; one from an old version writes nothing",
    async run(store) {
      const v1 = await inserted(store, session("a"));
      const v2 = await saved(store, v1, { state: "session_started", statusAt: T0 + 10 });
      const stale = await store.save({
        session: { ...v1, state: "session_ended", version: 2 },
        expectedVersion: 1,
        calls: [call(v1, "cc1")],
        events: [eventOf(v1)],
        roomDeletions: [v1.room?.name ?? ""],
      });
      expect(stale).toBe(false);
      expect(await store.get("a")).toEqual(v2);
      expect(await store.getCall("a", "cc1")).toBeUndefined();
      expect(await store.pendingRoomDeletions(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
      expect(await store.save({ session: session("x"), expectedVersion: 1, events: [] })).toBe(
        false,
      );
    },
  },
  {
    name: "two concurrent saves from one version: exactly one wins (optimistic concurrency)",
    async run(store) {
      const v1 = await inserted(store, session("a"));
      const change = (state: Session["state"]) => ({
        session: { ...v1, state, version: 2 },
        expectedVersion: 1,
        events: [],
      });
      const outcomes = await Promise.all([
        store.save(change("session_started")),
        store.save(change("session_ended")),
      ]);
      expect([...outcomes].sort()).toEqual([false, true]);
      const winner = outcomes[0] ? "session_started" : "session_ended";
      expect(await store.get("a")).toMatchObject({ state: winner, version: 2 });
    },
  },
  {
    name: "a save changes the state, not the session's identity or origin",
    async run(store) {
      const v1 = await inserted(store, session("a"));
      await saved(store, v1, {
        clientId: "someone-else",
        destinationName: "destination-b",
        uuiData: "00",
        createdAt: T0 + 99,
        state: "session_started",
        lastActivityAt: T0 + 50,
      });
      expect(await store.get("a")).toEqual({
        ...v1,
        state: "session_started",
        lastActivityAt: T0 + 50,
        version: 2,
      });
    },
  },
  {
    name: "calls are written with the session; the live call is the latest one not ended",
    async run(store) {
      let s = await inserted(store, session("a"));
      const first = call(s, "cc1");
      s = await saved(store, s, {}, { calls: [first] });
      expect(await store.getCall("a", "cc1")).toEqual(first);
      // An update keeps when the call was created.
      const inCall = {
        ...first,
        state: "call_in_call" as const,
        statusAt: T0 + 3000,
        createdAt: 0,
      };
      s = await saved(store, s, {}, { calls: [inCall] });
      expect(await store.getCall("a", "cc1")).toEqual({ ...inCall, createdAt: first.createdAt });
      const second = call(s, "cc2", { createdAt: T0 + 4000, statusAt: T0 + 4000 });
      s = await saved(store, s, {}, { calls: [second] });
      expect((await store.liveCall("a"))?.clientCallId).toBe("cc2");
      s = await saved(store, s, {}, { calls: [{ ...second, state: "call_ended" }] });
      expect((await store.liveCall("a"))?.clientCallId).toBe("cc1");
      s = await saved(store, s, {}, { calls: [{ ...first, state: "call_error" }] });
      expect(await store.liveCall("a")).toBeUndefined();
    },
  },
  {
    name: "calls created at the same time: the one written last is the live one",
    async run(store) {
      let s = await inserted(store, session("a"));
      s = await saved(store, s, {}, { calls: [call(s, "early")] });
      await saved(store, s, {}, { calls: [call(s, "late")] });
      expect((await store.liveCall("a"))?.clientCallId).toBe("late");
    },
  },
  {
    name: "a second call under a client call id the session uses fails the whole change",
    async run(store) {
      let s = await inserted(store, session("a"));
      s = await saved(store, s, {}, { calls: [call(s, "cc1")] });
      const clash = { ...call(s, "cc1"), callId: "another-call-id" };
      await expect(
        store.save({
          session: { ...s, state: "session_started", version: s.version + 1 },
          expectedVersion: s.version,
          calls: [clash],
          events: [],
        }),
      ).rejects.toThrow();
      expect(await store.get("a")).toEqual(s);
    },
  },
  {
    name: "queue positions: waiting sessions in creation order, ties by id, per destination",
    async run(store) {
      const first = session("q1", { createdAt: T0 });
      const tied = session("q2", { createdAt: T0 }); // created with q1: after it by id
      const last = session("q3", { createdAt: T0 + 1, state: "session_started" });
      for (const s of [tied, last, first]) await inserted(store, s);
      await inserted(
        store,
        session("elsewhere", { destinationName: "destination-b", createdAt: 0 }),
      );
      await inserted(store, session("allocating", { state: "allocating", createdAt: 0 }));
      const positions = await Promise.all([first, tied, last].map((s) => store.queuePosition(s)));
      expect(positions).toEqual([1, 2, 3]);
      // An agent reached q1: it no longer waits, nor counts for those behind it.
      const reached = await saved(store, first, { agentReachedAt: T0 + 5 });
      expect(await store.queuePosition(reached)).toBe(0);
      expect(await store.queuePosition(last)).toBe(2);
      const ended = await saved(store, tied, { state: "session_ended" });
      expect(await store.queuePosition(ended)).toBe(0);
      expect(await store.queuePosition(last)).toBe(1);
    },
  },
  {
    name: "idleSince: granted or started sessions of the destination inactive before the cutoff",
    async run(store) {
      const cutoff = T0 + 100;
      await inserted(store, session("idle", { lastActivityAt: cutoff - 1 }));
      await inserted(store, session("started", { state: "session_started", lastActivityAt: 0 }));
      await inserted(store, session("at-cutoff", { lastActivityAt: cutoff }));
      await inserted(store, session("allocating", { state: "allocating", lastActivityAt: 0 }));
      await inserted(store, session("elsewhere", { destinationName: "destination-b" }));
      const ended = await inserted(store, session("ended", { lastActivityAt: 0 }));
      await saved(store, ended, { state: "session_ended" });
      expect(ids(await store.idleSince("destination-a", cutoff))).toEqual(["idle", "started"]);
    },
  },
  {
    name: "findByRoom finds the session a room was given to, in any state",
    async run(store) {
      const s = await inserted(store, session("a"));
      const ended = await saved(store, s, { state: "session_ended" });
      expect(await store.findByRoom("room-a")).toEqual(ended);
    },
  },
  {
    name: "allocatingSince: sessions still allocating, created before the cutoff",
    async run(store) {
      const allocating = { state: "allocating" as const, room: undefined };
      await inserted(store, session("old", { ...allocating, createdAt: T0 - 1 }));
      await inserted(store, session("new", { ...allocating, createdAt: T0 }));
      await inserted(store, session("granted", { createdAt: 0 }));
      expect(ids(await store.allocatingSince(T0))).toEqual(["old"]);
    },
  },
  {
    name: "room deletions are owed in the same write, handed out when due, retried, then done",
    async run(store) {
      const a = await inserted(store, session("a"));
      const b = await inserted(store, session("b"));
      await saved(
        store,
        a,
        { state: "session_ended", statusAt: T0 + 50 },
        { roomDeletions: ["r-a"] },
      );
      await saved(
        store,
        b,
        { state: "session_ended", statusAt: T0 + 40 },
        { roomDeletions: ["r-b"] },
      );
      expect(await store.pendingRoomDeletions(T0 + 39, 10)).toEqual([]);
      expect(await store.pendingRoomDeletions(T0 + 40, 10)).toMatchObject([{ roomName: "r-b" }]);
      const due = await store.pendingRoomDeletions(T0 + 50, 10);
      expect(due).toMatchObject([
        { roomName: "r-b", attempts: 0 },
        { roomName: "r-a", attempts: 0 },
      ]);
      expect(await store.pendingRoomDeletions(T0 + 50, 1)).toEqual(due.slice(0, 1));
      const [first, second] = due.map((deletion) => deletion.id) as [number, number];
      await store.roomDeletionFailed(first, T0 + 90);
      expect(await store.pendingRoomDeletions(T0 + 50, 10)).toMatchObject([{ roomName: "r-a" }]);
      expect(await store.pendingRoomDeletions(T0 + 90, 10)).toMatchObject([
        { roomName: "r-a", attempts: 0 },
        { roomName: "r-b", attempts: 1 },
      ]);
      await store.roomDeletionDone(second, T0 + 91);
      expect(await store.pendingRoomDeletions(T0 + 91, 10)).toMatchObject([{ roomName: "r-b" }]);
    },
  },
]);
