import { expect } from "vitest";
import type { Session } from "../../../core/model.ts";
import type { SessionChange, Store } from "../../../core/ports.ts";
import { aCall, anEvent, aSession, T0 } from "../../support/builders.ts";
import { contractSuite } from "../harness.ts";
import type { StoreControls } from "./store-fixtures.ts";
import { inserted, saved } from "./store-fixtures.ts";

/** A keep-alive of `s`: a call's status, the session's state as it is. */
const keepAlive = (
  s: Session,
  clientCallId: string,
  expectedVersion = s.version,
): SessionChange => {
  const call = aCall(s, clientCallId, { state: "call_in_call", statusAt: T0 + 2000 });
  return {
    session: { ...s, lastActivityAt: T0 + 2000, version: s.version + 1 },
    expectedVersion,
    calls: [call],
    events: [{ ...anEvent(s), kind: "call", callId: call.callId, status: "call_in_call" }],
  };
};

/** Saves made at the same moment, which a store may write together: each is decided alone. */
export const savesAtOnceContract = contractSuite<Store, StoreControls>([
  {
    name: "saves at once: each decided by its own version; a broken one fails only itself",
    async run(store) {
      const started = await Promise.all(
        ["a", "b", "c", "d", "e", "f"].map(async (id) => {
          const s = await inserted(store, aSession(id));
          return saved(store, s, { state: "session_started" }, { calls: [aCall(s, "cc1")] });
        }),
      );
      const [a, b, c, d, e, f] = started as [Session, Session, Session, Session, Session, Session];
      const clash = { ...keepAlive(e, "cc1"), calls: [{ ...aCall(e, "cc1"), callId: "another" }] };
      const grant = aSession("g", { state: "allocating", room: undefined });
      await inserted(store, grant);
      const outcomes = await Promise.allSettled([
        store.sessions.save(keepAlive(a, "cc1")),
        store.sessions.save(keepAlive(b, "cc1")),
        store.sessions.save(keepAlive(c, "cc2")),
        store.sessions.save(keepAlive(d, "cc1", d.version - 1)),
        store.sessions.save(clash),
        store.sessions.save(keepAlive(f, "cc1")),
        store.sessions.save({
          session: { ...aSession("g"), version: grant.version + 1 },
          expectedVersion: grant.version,
          events: [{ ...anEvent(grant), status: "session_granted" }],
        }),
      ]);
      expect(outcomes.map((o) => (o.status === "fulfilled" ? o.value : "refused"))).toEqual([
        true,
        true,
        true,
        false,
        "refused",
        true,
        true,
      ]);
      for (const s of [a, b, f]) {
        expect(await store.sessions.get(s.id)).toMatchObject({ version: s.version + 1 });
        expect(await store.sessions.getCall(s.id, "cc1")).toMatchObject({ state: "call_in_call" });
      }
      expect(await store.sessions.getCall("c", "cc2")).toMatchObject({ state: "call_in_call" });
      expect(await store.sessions.get("d")).toEqual(d);
      expect(await store.sessions.getCall("d", "cc1")).toMatchObject({ state: "call_ringing" });
      expect(await store.sessions.get("e")).toEqual(e);
      expect(await store.sessions.get("g")).toMatchObject({ state: "session_granted" });
    },
  },
  {
    name: "saves at once: keep-alives and a grant all applied, each with its calls and events",
    async run(store) {
      const sessions = await Promise.all(
        ["a", "b", "c", "d"].map(async (id) => {
          const s = await inserted(store, aSession(id));
          return saved(store, s, { state: "session_started" }, { calls: [aCall(s, "cc1")] });
        }),
      );
      const grant = await inserted(store, aSession("g", { state: "allocating", room: undefined }));
      const outcomes = await Promise.all([
        ...sessions.map((s) => store.sessions.save(keepAlive(s, "cc1"))),
        store.sessions.save({
          session: { ...aSession("g"), version: grant.version + 1 },
          expectedVersion: grant.version,
          events: [{ ...anEvent(grant), status: "session_granted" }],
        }),
      ]);
      expect(outcomes).toEqual([true, true, true, true, true]);
      for (const s of sessions) {
        expect(await store.sessions.get(s.id)).toMatchObject({ lastActivityAt: T0 + 2000 });
        expect(await store.sessions.getCall(s.id, "cc1")).toMatchObject({ state: "call_in_call" });
        const history = await store.timeline.history(s.id);
        expect(history?.entries.filter((entry) => entry.kind === "status")).toHaveLength(2);
      }
      expect(await store.sessions.get("g")).toMatchObject({ state: "session_granted", version: 2 });
    },
  },
]);
