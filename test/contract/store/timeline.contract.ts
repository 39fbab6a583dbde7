import { expect } from "vitest";
import type { Store } from "../../../core/ports.ts";
import type { RequestRecord, UpstreamRecord } from "../../../core/timeline.ts";
import { aSession, T0 } from "../../support/builders.ts";
import { contractSuite } from "../harness.ts";
import type { StoreControls } from "./store-fixtures.ts";
import { ids, inserted, saved } from "./store-fixtures.ts";

const request = (sessionId: string, at: number, requestId = `req-${at}`): RequestRecord => ({
  kind: "request",
  sessionId,
  at,
  requestId,
  method: "POST",
  route: "/video/v2/sessions",
  status: 201,
  ms: 12,
});

const upstream = (sessionId: string, at: number, outcome: number | string): UpstreamRecord => ({
  kind: "upstream",
  sessionId,
  at,
  requestId: `req-${T0}`,
  upstream: "maxconf",
  operation: "room create",
  outcome,
  ms: 7,
  attempt: 1,
  cause: "request",
});

/** Records are written soon after, not at once: read until they are there. */
const historyOnceRecorded = async (store: Store, id: string, count: number) => {
  await expect
    .poll(async () => (await store.timeline.history(id))?.entries.length ?? 0)
    .toBeGreaterThanOrEqual(count);
  return store.timeline.history(id);
};

export const timelineContract = contractSuite<Store, StoreControls>([
  {
    name: "a history: the session, its statuses and records in time order, its owed deletions",
    async run(store) {
      const s = await inserted(store, aSession("a", { statusAt: T0 }));
      store.timeline.record(request("a", T0));
      store.timeline.record(upstream("a", T0 + 5, 200));
      await saved(
        store,
        s,
        { state: "session_ended", statusAt: T0 + 20 },
        {
          events: [
            { sessionId: "a", kind: "session", status: "session_ended", actor: "app", at: T0 + 20 },
          ],
          roomDeletions: ["room-a"],
        },
      );
      const history = await historyOnceRecorded(store, "a", 4);
      expect(history?.session).toMatchObject({ id: "a", state: "session_ended" });
      expect(history?.entries).toMatchObject([
        { seq: 0, kind: "status", status: "session_granted", subject: "session" },
        { seq: 1, kind: "request", requestId: `req-${T0}`, status: 201 },
        { seq: 2, kind: "upstream", operation: "room create", outcome: 200 },
        { seq: 3, kind: "status", status: "session_ended", actor: "app" },
      ]);
      expect(history?.deletions).toEqual([
        { roomName: "room-a", attempts: 0, nextAttemptAt: T0 + 20 },
      ]);
      expect(await store.timeline.history("nobody")).toBeUndefined();
    },
  },
  {
    name: "search: by session, request id, room, state, liveness and creation time, newest first, in pages",
    async run(store) {
      for (const [i, id] of ["s1", "s2", "s3", "s4"].entries()) {
        await inserted(store, aSession(id, { createdAt: T0 + i * 1000 }));
      }
      const ended = await store.sessions.get("s2");
      if (ended) await saved(store, ended, { state: "session_ended" });
      store.timeline.record(request("s3", T0 + 2500, "the-request"));
      await historyOnceRecorded(store, "s3", 2);

      const search = (query: object) =>
        store.timeline.search({ limit: 10, ...query }).then((found) => found.map((s) => s.id));
      expect(await search({})).toEqual(["s4", "s3", "s2", "s1"]);
      expect(await search({ sessionId: "s2" })).toEqual(["s2"]);
      expect(await search({ requestId: "the-request" })).toEqual(["s3"]);
      expect(await search({ roomName: "room-s1" })).toEqual(["s1"]);
      expect(await search({ state: "session_ended" })).toEqual(["s2"]);
      expect(ids(await store.timeline.search({ limit: 10, live: true }))).toEqual([
        "s1",
        "s3",
        "s4",
      ]);
      expect(await search({ createdFrom: T0 + 1000, createdTo: T0 + 2000 })).toEqual(["s3", "s2"]);
      const [first, second] = await store.timeline.search({ limit: 2 });
      expect([first?.id, second?.id]).toEqual(["s4", "s3"]);
      const next = { createdAt: second?.createdAt ?? 0, id: second?.id ?? "" };
      expect(await search({ limit: 2, after: next })).toEqual(["s2", "s1"]);
    },
  },
  {
    name: "the live sessions in pages, newest first: those made at one instant by id, ended ones left out",
    async run(store) {
      const made = { l1: T0, l2: T0 + 1000, l3: T0 + 1000, l4: T0 + 2000, l5: T0 + 3000 };
      for (const [id, createdAt] of Object.entries(made)) {
        await inserted(store, aSession(id, { createdAt }));
      }
      const ended = await store.sessions.get("l4");
      if (ended) await saved(store, ended, { state: "session_ended" });

      const page = async (after?: { createdAt: number; id: string }) =>
        (await store.timeline.search({ live: true, limit: 2, after })).map((s) => s.id);
      expect(await page()).toEqual(["l5", "l3"]);
      expect(await page({ createdAt: made.l3, id: "l3" })).toEqual(["l2", "l1"]);
      expect(await page({ createdAt: made.l1, id: "l1" })).toEqual([]);
    },
  },
  {
    name: "pruning forgets the records before the cutoff (and staff reads), never the statuses",
    async run(store) {
      await inserted(store, aSession("a", { statusAt: T0 }));
      store.timeline.record(request("a", T0 - 10_000));
      store.timeline.record(request("a", T0 + 10_000));
      store.timeline.recordRead({ at: T0 - 10_000, staff: "oid-1", what: "timeline a" });
      await historyOnceRecorded(store, "a", 3);
      await expect.poll(() => store.timeline.prune(T0), { timeout: 5000 }).toBeGreaterThan(0);
      const history = await store.timeline.history("a");
      expect(history?.entries.map((e) => e.kind)).toEqual(["status", "request"]);
      expect(history?.entries[1]).toMatchObject({ at: T0 + 10_000 });
    },
  },
]);
