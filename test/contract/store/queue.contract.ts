import { expect } from "vitest";
import type { Store } from "../../../core/ports.ts";
import { aSession, T0 } from "../../support/builders.ts";
import { contractSuite } from "../harness.ts";
import type { StoreControls } from "./store-fixtures.ts";
import { inserted, saved } from "./store-fixtures.ts";

export const queueContract = contractSuite<Store, StoreControls>([
  {
    name: "queue positions: waiting sessions in creation order, ties by id, per destination",
    async run(store) {
      const first = aSession("q1", { createdAt: T0 });
      const tied = aSession("q2", { createdAt: T0 }); // created with q1: after it by id
      const last = aSession("q3", { createdAt: T0 + 1, state: "session_started" });
      for (const s of [tied, last, first]) await inserted(store, s);
      await inserted(
        store,
        aSession("elsewhere", { destinationName: "destination-b", createdAt: 0 }),
      );
      await inserted(store, aSession("allocating", { state: "allocating", createdAt: 0 }));
      const positions = await Promise.all([first, tied, last].map((s) => store.queue.position(s)));
      expect(positions).toEqual([1, 2, 3]);
      // An agent reached q1: it no longer waits, nor counts for those behind it.
      const reached = await saved(store, first, { agentReachedAt: T0 + 5 });
      expect(await store.queue.position(reached)).toBe(0);
      expect(await store.queue.position(last)).toBe(2);
      const ended = await saved(store, tied, { state: "session_ended" });
      expect(await store.queue.position(ended)).toBe(0);
      expect(await store.queue.position(last)).toBe(1);
    },
  },
]);
