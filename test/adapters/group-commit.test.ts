import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openBetterSqlite } from "../../adapters/sqlite/better-sqlite3.ts";
import { GroupCommit } from "../../adapters/sqlite/group-commit.ts";

function probeTable() {
  const { db } = openBetterSqlite(join(mkdtempSync(join(tmpdir(), "group-commit-")), "g.db"));
  db.exec("CREATE TABLE probe (id INTEGER PRIMARY KEY, note TEXT NOT NULL)");
  const insert = db.prepare("INSERT INTO probe (note) VALUES (?)");
  return { db, insert };
}

/** A log whose syncs take a turn, are counted as they end, and fail while `failing` is set. */
function countedLog() {
  const log = {
    syncs: 0,
    failing: false,
    async sync() {
      await new Promise((resolve) => setImmediate(resolve));
      log.syncs++;
      if (log.failing) throw new Error("EIO");
    },
  };
  return log;
}

/** Records the order in which writes settle, and how many syncs each saw. */
function settlements(log: { syncs: number }) {
  const order: string[] = [];
  const note = (name: string, write: Promise<unknown>) =>
    write.then(
      () => order.push(`${name} after ${log.syncs} sync`),
      () => order.push(`${name} failed`),
    );
  return { order, note };
}

/** Waits a turn at a time until `done` holds. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setImmediate(resolve));
}

describe("group commit", () => {
  it("answers a relaxed write at its commit, a durable one after the log's sync", async () => {
    const { db, insert } = probeTable();
    const log = countedLog();
    const commits = new GroupCommit(db, log);
    const { order, note } = settlements(log);
    await Promise.all([
      note(
        "durable",
        commits.write(true, () => insert.run("acknowledged")),
      ),
      note(
        "relaxed",
        commits.write(false, () => insert.run("evidence")),
      ),
    ]);
    expect(order).toEqual(["relaxed after 0 sync", "durable after 1 sync"]);
  });

  it("syncs once for all the durable writes of a batch, and not for a batch of relaxed ones", async () => {
    const { db, insert } = probeTable();
    const log = countedLog();
    const commits = new GroupCommit(db, log);
    await Promise.all([1, 2, 3].map((n) => commits.write(true, () => insert.run(`d${n}`))));
    expect(log.syncs).toBe(1);
    await Promise.all([1, 2].map((n) => commits.write(false, () => insert.run(`r${n}`))));
    expect(log.syncs).toBe(1);
  });

  it("commits on while a sync is under way; the writes committed meanwhile wait for the next", async () => {
    const { db, insert } = probeTable();
    const ends: (() => void)[] = [];
    const log = { sync: () => new Promise<void>((resolve) => ends.push(resolve)) };
    const commits = new GroupCommit(db, log);
    const settled: string[] = [];
    const first = commits.write(true, () => insert.run("d1")).then(() => settled.push("d1"));
    await until(() => ends.length === 1);
    const second = commits.write(true, () => insert.run("d2")).then(() => settled.push("d2"));
    await commits.write(false, () => insert.run("r1")).then(() => settled.push("r1"));
    expect(settled).toEqual(["r1"]);
    expect(ends).toHaveLength(1); // d2 is committed, not yet under a sync
    ends[0]?.();
    await first;
    await until(() => ends.length === 2);
    expect(settled).toEqual(["r1", "d1"]);
    ends[1]?.();
    await second;
    expect(settled).toEqual(["r1", "d1", "d2"]);
  });

  it("fails the durable writes whose sync failed, and only those", async () => {
    const { db, insert } = probeTable();
    const log = countedLog();
    log.failing = true;
    const commits = new GroupCommit(db, log);
    const durable = commits.write(true, () => insert.run("acknowledged"));
    const relaxed = commits.write(false, () => insert.run("evidence"));
    await expect(durable).rejects.toThrow("EIO");
    await expect(relaxed).resolves.toBeDefined();
  });

  it("fails only the write that failed; the rest of its batch is committed", async () => {
    const { db, insert } = probeTable();
    const commits = new GroupCommit(db, countedLog());
    const failing = commits.write(true, () => {
      throw new Error("constraint");
    });
    const kept = commits.write(true, () => insert.run("kept"));
    await expect(failing).rejects.toThrow("constraint");
    await expect(kept).resolves.toBeDefined();
    expect(db.prepare("SELECT COUNT(*) AS n FROM probe").get()).toEqual({ n: 1 });
  });
});

describe("the write-ahead log's sync", () => {
  it("syncs the log's file of a FULL connection", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "wal-sync-")), "w.db");
    const file = openBetterSqlite(path);
    file.db.exec("CREATE TABLE t (x)");
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(0);
    expect(file.log).toBeDefined();
    await file.log?.sync();
    await file.log?.sync();
    await file.log?.close();
  });

  it("is absent with synchronous=NORMAL", () => {
    const path = join(mkdtempSync(join(tmpdir(), "wal-sync-")), "n.db");
    expect(openBetterSqlite(path, "NORMAL").log).toBeUndefined();
  });
});
