import { expect } from "vitest";
import type { Store } from "../../../core/ports.ts";
import { aSession, T0 } from "../../support/builders.ts";
import { contractSuite } from "../harness.ts";
import type { StoreControls } from "./store-fixtures.ts";
import { inserted, saved } from "./store-fixtures.ts";

export const outboxContract = contractSuite<Store, StoreControls>([
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
      expect(await store.outbox.claim(T0 + 39, 10, 0)).toEqual([]);
      expect(await store.outbox.claim(T0 + 40, 10, 0)).toMatchObject([{ roomName: "r-b" }]);
      const due = await store.outbox.claim(T0 + 50, 10, 0);
      expect(due).toMatchObject([
        { roomName: "r-b", attempts: 0 },
        { roomName: "r-a", attempts: 0 },
      ]);
      expect(await store.outbox.claim(T0 + 50, 1, 0)).toEqual(due.slice(0, 1));
      const [first, second] = due.map((deletion) => deletion.id) as [number, number];
      await store.outbox.failed(first, T0 + 90);
      expect(await store.outbox.claim(T0 + 50, 10, 0)).toMatchObject([{ roomName: "r-a" }]);
      expect(await store.outbox.claim(T0 + 90, 10, 0)).toMatchObject([
        { roomName: "r-a", attempts: 0 },
        { roomName: "r-b", attempts: 1 },
      ]);
      await store.outbox.delivered(second, T0 + 91);
      expect(await store.outbox.claim(T0 + 91, 10, 0)).toMatchObject([{ roomName: "r-b" }]);
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
  {
    name: "a claimed deletion is not handed out again until its lease runs out (its claimer died)",
    async run(store) {
      await owe(store, 1);
      expect(await store.outbox.claim(T0, 10, 1000)).toMatchObject([{ roomName: "room-0" }]);
      expect(await store.outbox.claim(T0 + 999, 10, 1000)).toEqual([]);
      expect(await store.outbox.claim(T0 + 1000, 10, 1000)).toMatchObject([{ roomName: "room-0" }]);
    },
  },
  {
    name: "claims made at once, by two processes, share the due deletions without overlap",
    needs: "a second process on the database",
    async run(store, controls) {
      const other = await controls.anotherProcess();
      await owe(store, 20);
      const claims = await Promise.all(
        [store, other, store, other, store, other].map((s) => s.outbox.claim(T0, 4, 60_000)),
      );
      const claimed = claims.flat().map((deletion) => deletion.roomName);
      expect(claimed).toHaveLength(new Set(claimed).size);
      expect(claimed).toHaveLength(20);
      expect(await store.outbox.claim(T0, 10, 60_000)).toEqual([]);
    },
  },
]);

/** `count` sessions ended at T0, each owing the deletion of room-<i>. */
async function owe(store: Store, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const s = await inserted(store, aSession(`owing-${i}`));
    await saved(
      store,
      s,
      { state: "session_ended", statusAt: T0 },
      { roomDeletions: [`room-${i}`] },
    );
  }
}
