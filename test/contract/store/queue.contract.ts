import { expect } from "vitest";
import type { Session } from "../../../core/model.ts";
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
  {
    name: "queue positions of a page at once: the same as one by one, in the page's order",
    async run(store) {
      const sessions = [
        aSession("p1", { createdAt: T0 }),
        aSession("p2", { createdAt: T0 + 1 }),
        aSession("p3", { createdAt: T0 + 1, state: "session_started" }),
        aSession("p4", { createdAt: T0 + 2, agentReachedAt: T0 + 3 }),
        aSession("p5", { createdAt: T0 + 3 }),
        aSession("b1", { createdAt: T0 + 1, destinationName: "destination-b" }),
        aSession("b2", { createdAt: T0 + 4, destinationName: "destination-b" }),
      ];
      for (const s of sessions) await inserted(store, s);
      const ended = await saved(store, sessions[1] as Session, { state: "session_ended" });
      // Newest first, as a list shows them, waiting or not, at two destinations.
      const page = [...sessions.slice(2), ended, sessions[0] as Session].reverse();
      const oneByOne = await Promise.all(page.map((s) => store.queue.position(s)));
      expect(await store.queue.positions(page)).toEqual(oneByOne);
      expect(oneByOne).toEqual([1, 0, 2, 1, 3, 0, 2]);
      expect(await store.queue.positions([])).toEqual([]);
    },
  },
  {
    name: "queue positions in a long queue, asked together and alone: head, middle and tail",
    async run(store) {
      const queue = Array.from({ length: 300 }, (_, i) =>
        aSession(`long-${String(i).padStart(3, "0")}`, { createdAt: T0 + i }),
      );
      for (const s of queue) await inserted(store, s);
      const asked = [0, 1, 63, 64, 150, 235, 236, 299].map((i) => queue[i] as Session);
      const expected = [1, 2, 64, 65, 151, 236, 237, 300];
      expect(await Promise.all(asked.map((s) => store.queue.position(s)))).toEqual(expected);
      for (const [i, s] of asked.entries()) {
        expect(await store.queue.position(s)).toBe(expected[i]);
      }
    },
  },
  {
    name: "queue positions when times mislead: a burst of ties, then a few an hour apart",
    async run(store) {
      const burst = Array.from({ length: 200 }, (_, i) =>
        aSession(`burst-${String(i).padStart(3, "0")}`, { createdAt: T0 }),
      );
      const sparse = Array.from({ length: 100 }, (_, i) =>
        aSession(`sparse-${String(i).padStart(3, "0")}`, { createdAt: T0 + (i + 1) * 3_600_000 }),
      );
      for (const s of [...burst, ...sparse]) await inserted(store, s);
      const queue = [...burst, ...sparse];
      const asked = [0, 70, 130, 199, 200, 235, 236, 299];
      const places = await Promise.all(asked.map((i) => store.queue.position(queue[i] as Session)));
      expect(places).toEqual(asked.map((i) => i + 1));
    },
  },
]);
