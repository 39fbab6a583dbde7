import { expect } from "vitest";
import type { Session } from "../../../core/model.ts";
import type { Store } from "../../../core/ports.ts";
import { aCall, anEvent, aSession, T0 } from "../../support/builders.ts";
import { contractSuite } from "../harness.ts";
import type { StoreControls } from "./store-fixtures.ts";
import { inserted, saved } from "./store-fixtures.ts";

export const sessionsContract = contractSuite<Store, StoreControls>([
  {
    name: "stores a session and reads it back as it was stored",
    async run(store) {
      const full = aSession("a", { reason: "why", agentReachedAt: T0 + 5, statusAt: T0 + 1 });
      const bare = aSession("b", { state: "session_not_granted", room: undefined });
      await inserted(store, full);
      await inserted(store, bare);
      expect(await store.sessions.get("a")).toEqual(full);
      expect(await store.sessions.get("b")).toEqual(bare);
    },
  },
  {
    name: "what was never stored reads as nothing",
    async run(store) {
      expect(await store.sessions.get("nope")).toBeUndefined();
      expect(await store.sessions.getCall("nope", "nope")).toBeUndefined();
      expect(await store.sessions.liveCall("nope")).toBeUndefined();
      expect(await store.outbox.claim(Number.MAX_SAFE_INTEGER, 10, 0)).toEqual([]);
    },
  },
  {
    name: "one live session per device: another insert answers the live one and stores nothing",
    async run(store) {
      const live = await inserted(store, aSession("a"));
      const device = { clientId: live.clientId, deviceCode: live.deviceCode };
      const again = aSession("b", { ...device, state: "allocating", room: undefined });
      expect(await store.sessions.insert(again, anEvent(again))).toEqual({
        kind: "existing",
        session: live,
      });
      // Even a refusal is not recorded while the device has a live session.
      const refused = aSession("c", { ...device, state: "session_not_granted", room: undefined });
      expect(await store.sessions.insert(refused, anEvent(refused))).toEqual({
        kind: "existing",
        session: live,
      });
      expect(await store.sessions.get("b")).toBeUndefined();
      expect(await store.sessions.get("c")).toBeUndefined();
    },
  },
  {
    name: "concurrent inserts for one device store exactly one live session",
    async run(store) {
      const attempts = Array.from({ length: 20 }, (_, i) =>
        aSession(`s${i}`, { deviceCode: "one-device", state: "allocating", room: undefined }),
      );
      const answers = await Promise.all(attempts.map((s) => store.sessions.insert(s, anEvent(s))));
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
        const s = await inserted(store, aSession(state, { state, deviceCode: state }));
        const again = aSession(`${state}-again`, { deviceCode: state });
        expect(await store.sessions.insert(again, anEvent(again))).toEqual({
          kind: "existing",
          session: s,
        });
        await saved(store, s, { state: "session_ended" });
        expect(await store.sessions.insert(again, anEvent(again))).toEqual({ kind: "inserted" });
      }
    },
  },
  {
    name: "a device whose session ended may start another",
    async run(store) {
      const first = await inserted(store, aSession("a", { deviceCode: "d" }));
      await saved(store, first, { state: "session_ended" });
      const second = await inserted(store, aSession("b", { deviceCode: "d" }));
      expect(await store.sessions.get("b")).toEqual(second);
    },
  },
  {
    name: "a destination holds at most perDestination live sessions; ended ones and others do not count",
    async run(store) {
      const limits = { perDestination: 2 };
      const a = await inserted(store, aSession("a"), limits);
      await inserted(store, aSession("b"), limits);
      expect(await store.sessions.insert(aSession("c"), anEvent(aSession("c")), limits)).toEqual({
        kind: "destination_full",
      });
      expect(await store.sessions.get("c")).toBeUndefined();
      await inserted(store, aSession("d", { destinationName: "destination-b" }), limits);
      await saved(store, a, { state: "session_ended" });
      await inserted(store, aSession("c"), limits);
    },
  },
  {
    name: "creates at once never hold more than the limits, however near them they start",
    async run(store) {
      // More than a PostgreSQL server's connections below the limit: creates begin together,
      // far from it, and go on until it is reached.
      const limits = { perClient: 1_000, perDestination: 320 };
      const outcomes = await Promise.all(
        [...Array(360).keys()].map((i) => {
          const session = aSession(`s-${i}`, { deviceCode: `device-${i}` });
          return store.sessions.insert(session, anEvent(session), limits);
        }),
      );
      const kinds = outcomes.map((outcome) => outcome.kind);
      expect(kinds.filter((kind) => kind === "inserted")).toHaveLength(320);
      expect(kinds.filter((kind) => kind === "destination_full")).toHaveLength(40);
    },
  },
  {
    name: "a client holds at most perClient live sessions, whatever its device codes",
    async run(store) {
      const limits = { perClient: 2, perDestination: 10 };
      const a = await inserted(store, aSession("a"), limits);
      await inserted(store, aSession("b"), limits);
      const third = aSession("c");
      expect(await store.sessions.insert(third, anEvent(third), limits)).toEqual({
        kind: "client_full",
      });
      expect(await store.sessions.get("c")).toBeUndefined();
      // Another client is not held back; an ended session frees a place.
      await inserted(store, aSession("d", { clientId: "another-app" }), limits);
      await saved(store, a, { state: "session_ended" });
      await inserted(store, third, limits);
      // The device rule still answers first: a repeat is the device's own session, not a refusal.
      const repeat = aSession("e", { deviceCode: third.deviceCode });
      expect(await store.sessions.insert(repeat, anEvent(repeat), limits)).toMatchObject({
        kind: "existing",
        session: { id: "c" },
      });
    },
  },
  {
    name: "a save from the current version applies; one from an old version writes nothing",
    async run(store) {
      const v1 = await inserted(store, aSession("a"));
      const v2 = await saved(store, v1, { state: "session_started", statusAt: T0 + 10 });
      const stale = await store.sessions.save({
        session: { ...v1, state: "session_ended", version: 2 },
        expectedVersion: 1,
        calls: [aCall(v1, "cc1")],
        events: [anEvent(v1)],
        roomDeletions: [v1.room?.name ?? ""],
      });
      expect(stale).toBe(false);
      expect(await store.sessions.get("a")).toEqual(v2);
      expect(await store.sessions.getCall("a", "cc1")).toBeUndefined();
      expect(await store.outbox.claim(Number.MAX_SAFE_INTEGER, 10, 0)).toEqual([]);
      expect(
        await store.sessions.save({ session: aSession("x"), expectedVersion: 1, events: [] }),
      ).toBe(false);
    },
  },
  {
    name: "two concurrent saves from one version: exactly one wins (optimistic concurrency)",
    async run(store) {
      const v1 = await inserted(store, aSession("a"));
      const change = (state: Session["state"]) => ({
        session: { ...v1, state, version: 2 },
        expectedVersion: 1,
        events: [],
      });
      const outcomes = await Promise.all([
        store.sessions.save(change("session_started")),
        store.sessions.save(change("session_ended")),
      ]);
      expect([...outcomes].sort()).toEqual([false, true]);
      const winner = outcomes[0] ? "session_started" : "session_ended";
      expect(await store.sessions.get("a")).toMatchObject({ state: winner, version: 2 });
    },
  },
  {
    name: "a save changes the state, not the session's identity or origin",
    async run(store) {
      const v1 = await inserted(store, aSession("a"));
      await saved(store, v1, {
        clientId: "someone-else",
        destinationName: "destination-b",
        uuiData: "00",
        createdAt: T0 + 99,
        state: "session_started",
        lastActivityAt: T0 + 50,
      });
      expect(await store.sessions.get("a")).toEqual({
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
      let s = await inserted(store, aSession("a"));
      const first = aCall(s, "cc1");
      s = await saved(store, s, {}, { calls: [first] });
      expect(await store.sessions.getCall("a", "cc1")).toEqual(first);
      // An update keeps when the call was created.
      const inCall = {
        ...first,
        state: "call_in_call" as const,
        statusAt: T0 + 3000,
        createdAt: 0,
      };
      s = await saved(store, s, {}, { calls: [inCall] });
      expect(await store.sessions.getCall("a", "cc1")).toEqual({
        ...inCall,
        createdAt: first.createdAt,
      });
      const second = aCall(s, "cc2", { createdAt: T0 + 4000, statusAt: T0 + 4000 });
      s = await saved(store, s, {}, { calls: [second] });
      expect((await store.sessions.liveCall("a"))?.clientCallId).toBe("cc2");
      s = await saved(store, s, {}, { calls: [{ ...second, state: "call_ended" }] });
      expect((await store.sessions.liveCall("a"))?.clientCallId).toBe("cc1");
      s = await saved(store, s, {}, { calls: [{ ...first, state: "call_error" }] });
      expect(await store.sessions.liveCall("a")).toBeUndefined();
    },
  },
  {
    name: "calls created at the same time: the one written last is the live one",
    async run(store) {
      let s = await inserted(store, aSession("a"));
      s = await saved(store, s, {}, { calls: [aCall(s, "early")] });
      await saved(store, s, {}, { calls: [aCall(s, "late")] });
      expect((await store.sessions.liveCall("a"))?.clientCallId).toBe("late");
    },
  },
  {
    name: "a second call under a client call id the session uses fails the whole change",
    async run(store) {
      let s = await inserted(store, aSession("a"));
      s = await saved(store, s, {}, { calls: [aCall(s, "cc1")] });
      const clash = { ...aCall(s, "cc1"), callId: "another-call-id" };
      await expect(
        store.sessions.save({
          session: { ...s, state: "session_started", version: s.version + 1 },
          expectedVersion: s.version,
          calls: [clash],
          events: [],
        }),
      ).rejects.toThrow();
      expect(await store.sessions.get("a")).toEqual(s);
    },
  },
]);
