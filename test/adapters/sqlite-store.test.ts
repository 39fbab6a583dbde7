import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openBetterSqlite } from "../../adapters/sqlite/better-sqlite3.ts";
import { migrate } from "../../adapters/sqlite/migrations.ts";
import { sqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import type { Session } from "../../core/model.ts";
import { aCall, anEvent, aSession } from "../support/builders.ts";

function openStore() {
  const path = join(mkdtempSync(join(tmpdir(), "sessions-")), "test.db");
  const file = openBetterSqlite(path);
  const store = sqliteStore(file);
  return { db: file.db, path, store: store.sessions, ports: store };
}

describe("the SQLite store", () => {
  it("runs in WAL mode and migrates idempotently", () => {
    const { db } = openStore();
    expect(db.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    expect(migrate(db)).toBe(7);
  });

  it("counts a place in the queue from the index alone", () => {
    const { db } = openStore();
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT COUNT(*) FROM sessions
         WHERE destination_name = ? AND state IN ('session_granted', 'session_started')
           AND agent_reached_at IS NULL AND (created_at, id) < (?, ?)`,
      )
      .all("dest", 1, "id") as { detail: string }[];
    expect(plan.map((step) => step.detail).join("\n")).toContain(
      "USING COVERING INDEX sessions_waiting",
    );
  });

  it("keeps one live session per device", async () => {
    const { store } = openStore();
    const first = aSession("a");
    expect(await store.insert(first, anEvent(first))).toEqual({ kind: "inserted" });
    const second = aSession("b", { deviceCode: first.deviceCode });
    const again = await store.insert(second, anEvent(second));
    expect(again).toMatchObject({ kind: "existing", session: { id: "a" } });
    expect(await store.get("b")).toBeUndefined();
  });

  it("refuses a live session over the destination's limit, atomically", async () => {
    const { store } = openStore();
    const limits = { perDestination: 2 };
    const insert = (s: Session) => store.insert(s, anEvent(s), limits);
    expect(await insert(aSession("a"))).toEqual({ kind: "inserted" });
    expect(await insert(aSession("b"))).toEqual({ kind: "inserted" });
    expect(await insert(aSession("c"))).toEqual({ kind: "destination_full" });
    const refused = aSession("d", { state: "session_not_granted" });
    expect(await store.insert(refused, anEvent(refused))).toEqual({ kind: "inserted" });
  });

  it("refuses a save computed from an old version", async () => {
    const { store } = openStore();
    const s = aSession("a");
    await store.insert(s, anEvent(s));
    const next = { ...s, state: "session_started" as const, version: 2 };
    expect(await store.save({ session: next, expectedVersion: 1, events: [] })).toBe(true);
    expect(
      await store.save({ session: { ...next, version: 3 }, expectedVersion: 1, events: [] }),
    ).toBe(false);
    expect((await store.get("a"))?.state).toBe("session_started");
  });

  it("keeps every status update as an event, and owes room deletions in the same write", async () => {
    const { db, store, ports } = openStore();
    const { outbox } = ports;
    const s = aSession("a");
    await store.insert(s, anEvent(s));
    const call = aCall(s, "cc1", {
      callId: "c1",
      state: "call_in_call",
      createdAt: 2000,
      statusAt: 2000,
    });
    for (let i = 0; i < 3; i++) {
      const current = (await store.get("a")) as Session;
      await store.save({
        session: { ...current, version: current.version + 1 },
        expectedVersion: current.version,
        calls: [call],
        events: [
          {
            sessionId: "a",
            callId: "c1",
            kind: "call",
            status: "call_in_call",
            actor: "app",
            at: 2000 + i,
          },
        ],
      });
    }
    expect(
      db.prepare("SELECT COUNT(*) AS n FROM session_events WHERE call_id = 'c1'").get(),
    ).toEqual({ n: 3 });
    expect(await store.liveCall("a")).toMatchObject({ clientCallId: "cc1", state: "call_in_call" });

    const current = (await store.get("a")) as Session;
    await store.save({
      session: { ...current, state: "session_ended", statusAt: 5000, version: current.version + 1 },
      expectedVersion: current.version,
      events: [],
      roomDeletions: ["room-a"],
    });
    const pending = await outbox.claim(5000, 10, 0);
    expect(pending).toMatchObject([{ roomName: "room-a", attempts: 0 }]);
    await outbox.failed(pending[0]?.id ?? 0, 9000);
    expect(await outbox.claim(5000, 10, 0)).toEqual([]);
    expect(await outbox.claim(9000, 10, 0)).toMatchObject([{ attempts: 1 }]);
    await outbox.delivered(pending[0]?.id ?? 0, 9000);
    expect(await outbox.claim(99_000, 10, 0)).toEqual([]);
  });

  it("places waiting sessions in creation order and skips those with an agent", async () => {
    const { store, ports } = openStore();
    const { queue } = ports;
    const sessions = ["a", "b", "c"].map((id, i) => aSession(id, { createdAt: 1000 + i }));
    for (const s of sessions) await store.insert(s, anEvent(s));
    const positions = await Promise.all(sessions.map((s) => queue.position(s)));
    expect(positions).toEqual([1, 2, 3]);
    const a = sessions[0] as Session;
    await store.save({
      session: { ...a, agentReachedAt: 3000, version: 2 },
      expectedVersion: 1,
      events: [],
    });
    expect(await queue.position(sessions[2] as Session)).toBe(2);
    expect(await queue.position({ ...a, agentReachedAt: 3000 })).toBe(0);
  });

  it("places sessions in a long queue, counted from either end", async () => {
    const { store, ports } = openStore();
    const { queue } = ports;
    // Pairs created in the same millisecond: the id breaks the tie.
    const sessions = Array.from({ length: 600 }, (_, i) =>
      aSession(`s${String(i).padStart(3, "0")}`, { createdAt: 1000 + Math.floor(i / 2) }),
    );
    await Promise.all(sessions.map((s) => store.insert(s, anEvent(s))));
    const at = (i: number) => sessions[i] as Session;
    const places = async () => Promise.all([0, 1, 299, 598, 599].map((i) => queue.position(at(i))));
    expect(await places()).toEqual([1, 2, 300, 599, 600]);

    const reached = at(10);
    await store.save({
      session: { ...reached, agentReachedAt: 3000, version: 2 },
      expectedVersion: 1,
      events: [],
    });
    const ended = at(590);
    await store.save({
      session: { ...ended, state: "session_ended", version: 2 },
      expectedVersion: 1,
      events: [],
    });
    expect(await places()).toEqual([1, 2, 299, 597, 598]);
  });

  it("survives reopening: what was committed is there", async () => {
    const { db, path, store } = openStore();
    const s = aSession("a");
    await store.insert(s, anEvent(s));
    db.close();
    const reopened = sqliteStore(openBetterSqlite(path)).sessions;
    expect((await reopened.get("a"))?.room?.name).toBe("room-a");
  });
});
