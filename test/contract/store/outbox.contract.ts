import { expect } from "vitest";
import type { Store } from "../../../core/ports.ts";
import { aSession, T0 } from "../../support/builders.ts";
import { contractSuite } from "../harness.ts";
import { inserted, saved } from "./store-fixtures.ts";

export const outboxContract = contractSuite<Store, never>([
  {
    name: "room deletions are owed in the same write, handed out when due, retried, then done",
    async run(store) {
      const a = await inserted(store, aSession("a"));
      const b = await inserted(store, aSession("b"));
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
      expect(await store.outbox.due(T0 + 39, 10)).toEqual([]);
      expect(await store.outbox.due(T0 + 40, 10)).toMatchObject([{ roomName: "r-b" }]);
      const due = await store.outbox.due(T0 + 50, 10);
      expect(due).toMatchObject([
        { roomName: "r-b", attempts: 0 },
        { roomName: "r-a", attempts: 0 },
      ]);
      expect(await store.outbox.due(T0 + 50, 1)).toEqual(due.slice(0, 1));
      const [first, second] = due.map((deletion) => deletion.id) as [number, number];
      await store.outbox.failed(first, T0 + 90);
      expect(await store.outbox.due(T0 + 50, 10)).toMatchObject([{ roomName: "r-a" }]);
      expect(await store.outbox.due(T0 + 90, 10)).toMatchObject([
        { roomName: "r-a", attempts: 0 },
        { roomName: "r-b", attempts: 1 },
      ]);
      await store.outbox.delivered(second, T0 + 91);
      expect(await store.outbox.due(T0 + 91, 10)).toMatchObject([{ roomName: "r-b" }]);
    },
  },
  {
    name: "tells its listener once a change that owes deletions is committed, not before",
    async run(store) {
      let told = 0;
      store.outbox.whenOwed(() => told++);
      const a = await inserted(store, aSession("a"));
      const b = await saved(store, a, { statusAt: T0 + 1 });
      expect(told).toBe(0);
      const pending = saved(store, b, { state: "session_ended" }, { roomDeletions: ["room-a"] });
      expect(told).toBe(0);
      await pending;
      expect(told).toBe(1);
    },
  },
]);
