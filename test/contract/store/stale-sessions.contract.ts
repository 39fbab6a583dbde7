import { expect } from "vitest";
import type { Store } from "../../../core/ports.ts";
import { aCall, aSession, T0 } from "../../support/builders.ts";
import { contractSuite } from "../harness.ts";
import type { StoreControls } from "./store-fixtures.ts";
import { ids, inserted, saved } from "./store-fixtures.ts";

export const staleSessionsContract = contractSuite<Store, StoreControls>([
  {
    name: "idleSince: granted or started sessions of the destination inactive before the cutoff",
    async run(store) {
      const cutoff = T0 + 100;
      await inserted(store, aSession("idle", { lastActivityAt: cutoff - 1 }));
      await inserted(store, aSession("started", { state: "session_started", lastActivityAt: 0 }));
      await inserted(store, aSession("at-cutoff", { lastActivityAt: cutoff }));
      await inserted(store, aSession("allocating", { state: "allocating", lastActivityAt: 0 }));
      await inserted(store, aSession("elsewhere", { destinationName: "destination-b" }));
      const ended = await inserted(store, aSession("ended", { lastActivityAt: 0 }));
      await saved(store, ended, { state: "session_ended" });
      const cutoffs = { idle: cutoff, waiting: cutoff };
      expect(ids(await store.staleSessions.idleSince("destination-a", cutoffs))).toEqual([
        "idle",
        "started",
      ]);
    },
  },
  {
    name: "idleSince: a session waiting for the agent (call ringing or pending) has the longer wait",
    async run(store) {
      const cutoffs = { idle: T0 + 100, waiting: T0 - 100 };
      const quiet = { state: "session_started" as const, lastActivityAt: T0 };
      for (const [id, call] of [
        ["ringing", "call_ringing"],
        ["pending", "call_media_pending"],
        ["in-call", "call_in_call"],
        ["ended-call", "call_ended"],
      ] as const) {
        const s = await inserted(store, aSession(id, quiet));
        await saved(store, s, {}, { calls: [aCall(s, "c1", { state: call })] });
      }
      const longAgo = await inserted(
        store,
        aSession("ringing-long", { ...quiet, lastActivityAt: 0 }),
      );
      await saved(store, longAgo, {}, { calls: [aCall(longAgo, "c1", { state: "call_ringing" })] });
      expect(ids(await store.staleSessions.idleSince("destination-a", cutoffs))).toEqual([
        "ended-call",
        "in-call",
        "ringing-long",
      ]);
    },
  },
  {
    name: "a process's own allocations are never orphaned, however old",
    async run(store) {
      const allocating = { state: "allocating" as const, room: undefined };
      await inserted(store, aSession("mine", { ...allocating, createdAt: 0 }));
      await inserted(store, aSession("granted", { createdAt: 0 }));
      expect(await store.staleSessions.orphanedAllocations()).toEqual([]);
      expect(await store.staleSessions.isOrphaned("mine")).toBe(false);
      expect(await store.staleSessions.isOrphaned("granted")).toBe(false);
      expect(await store.staleSessions.isOrphaned("nobody")).toBe(false);
    },
  },
  {
    name: "allocations left by a process that is gone are orphaned, once, until settled",
    needs: "a second process on the database",
    async run(store, controls) {
      const gone = await controls.anotherProcess();
      const allocating = { state: "allocating" as const, room: undefined };
      const left = await inserted(gone, aSession("left", allocating));
      await gone.close();
      expect(ids(await store.staleSessions.orphanedAllocations())).toEqual(["left"]);
      expect(await store.staleSessions.isOrphaned("left")).toBe(true);
      await saved(store, left, { state: "session_failed", reason: "interrupted" });
      expect(await store.staleSessions.orphanedAllocations()).toEqual([]);
      expect(await store.staleSessions.isOrphaned("left")).toBe(false);
    },
  },
]);
