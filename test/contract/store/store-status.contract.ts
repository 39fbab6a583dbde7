import { expect } from "vitest";
import type { Store } from "../../../core/ports.ts";
import { aSession } from "../../support/builders.ts";
import { contractSuite } from "../harness.ts";
import type { StoreControls } from "./store-fixtures.ts";
import { inserted, saved } from "./store-fixtures.ts";

export const storeStatusContract = contractSuite<Store, StoreControls>([
  {
    name: "a store that is open takes writes",
    async run(store) {
      expect(await store.status.writable()).toBe(true);
    },
  },
  {
    name: "counts sessions by state and the room deletions not yet delivered",
    async run(store) {
      expect(await store.status.counts()).toMatchObject({
        sessionsByState: {},
        pendingRoomDeletions: 0,
      });
      await inserted(store, aSession("a"));
      const b = await inserted(store, aSession("b"));
      await saved(store, b, { state: "session_ended" }, { roomDeletions: ["room-b"] });
      const counts = await store.status.counts();
      expect(counts.sessionsByState).toEqual({ session_granted: 1, session_ended: 1 });
      expect(counts.pendingRoomDeletions).toBe(1);
      const c = await inserted(store, aSession("c", { state: "allocating", room: undefined }));
      expect((await store.status.counts()).sessionsByState).toEqual({
        allocating: 1,
        session_granted: 1,
        session_ended: 1,
      });
      await saved(store, c, { state: "session_granted" });
      expect((await store.status.counts()).sessionsByState).toEqual({
        session_granted: 2,
        session_ended: 1,
      });
      const [owed] = await store.outbox.claim(Number.MAX_SAFE_INTEGER, 10, 0);
      await store.outbox.delivered(owed?.id ?? 0, Date.now());
      expect((await store.status.counts()).pendingRoomDeletions).toBe(0);
    },
  },
]);
