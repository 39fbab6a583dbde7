import { expect } from "vitest";
import type { Store } from "../../../core/ports.ts";
import { aSession, T0 } from "../../support/builders.ts";
import { contractSuite } from "../harness.ts";
import { ids, inserted, saved } from "./store-fixtures.ts";

export const staleSessionsContract = contractSuite<Store, never>([
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
      expect(ids(await store.staleSessions.idleSince("destination-a", cutoff))).toEqual([
        "idle",
        "started",
      ]);
    },
  },
  {
    name: "allocatingSince: sessions still allocating, created before the cutoff",
    async run(store) {
      const allocating = { state: "allocating" as const, room: undefined };
      await inserted(store, aSession("old", { ...allocating, createdAt: T0 - 1 }));
      await inserted(store, aSession("new", { ...allocating, createdAt: T0 }));
      await inserted(store, aSession("granted", { createdAt: 0 }));
      expect(ids(await store.staleSessions.allocatingSince(T0))).toEqual(["old"]);
    },
  },
]);
