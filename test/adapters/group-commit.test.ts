import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openBetterSqlite } from "../../adapters/sqlite/better-sqlite3.ts";
import { GroupCommit } from "../../adapters/sqlite/group-commit.ts";
import type { WalFlush } from "../../adapters/sqlite/wal-flush.ts";

function probeTable() {
  const { db } = openBetterSqlite(join(mkdtempSync(join(tmpdir(), "group-commit-")), "g.db"));
  db.exec("CREATE TABLE probe (id INTEGER PRIMARY KEY, note TEXT NOT NULL)");
  const insert = db.prepare("INSERT INTO probe (note) VALUES (?)");
  return { db, insert };
}

/** A flush the test finishes by hand, counting how often it was asked. */
function heldFlush() {
  const pending: (() => void)[] = [];
  const failures: ((error: Error) => void)[] = [];
  const flush = () =>
    new Promise<void>((resolve, reject) => {
      pending.push(resolve);
      failures.push(reject);
    });
  return { flush, pending, failures };
}

/** A durable and a relaxed write queued together, on a flush the test finishes by hand. */
function aDurableAndARelaxedWrite() {
  const { db, insert } = probeTable();
  const held = heldFlush();
  const commits = new GroupCommit(db, held);
  const durable = commits.write(true, () => insert.run("acknowledged"));
  const relaxed = commits.write(false, () => insert.run("evidence"));
  return { db, held, durable, relaxed };
}

const settled = async (promise: Promise<unknown>) => {
  let done = false;
  promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe("group commit with the log flushed off the event loop", () => {
  it("answers a durable write only once the flush after its commit is done", async () => {
    const { db, held, durable, relaxed } = aDurableAndARelaxedWrite();
    expect(await settled(relaxed)).toBe(true);
    expect(await settled(durable)).toBe(false);
    // Committed (readable) already, but not answered until it is on disk.
    expect(db.prepare("SELECT COUNT(*) AS n FROM probe").get()).toEqual({ n: 2 });
    expect(held.pending).toHaveLength(1);
    held.pending[0]?.();
    expect(await settled(durable)).toBe(true);
  });

  it("fails the durable writes whose flush failed, and only those", async () => {
    const { held, durable, relaxed } = aDurableAndARelaxedWrite();
    await settled(durable);
    held.failures[0]?.(new Error("EIO"));
    await expect(durable).rejects.toThrow("EIO");
    await expect(relaxed).resolves.toBeDefined();
  });

  it("asks for no flush when nothing in the batch needs one", async () => {
    const { db, insert } = probeTable();
    const held = heldFlush();
    const commits = new GroupCommit(db, held);
    await commits.write(false, () => insert.run("evidence"));
    expect(held.pending).toHaveLength(0);
  });
});

describe("the write-ahead log's flush", () => {
  it("shares one more flush among everyone who asks while one is under way", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "wal-flush-")), "w.db");
    const file = openBetterSqlite(path);
    file.db.exec("CREATE TABLE t (x)");
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(0);
    const flush = file.flush as WalFlush;
    const first = flush.flush();
    const second = flush.flush();
    const third = flush.flush();
    expect(second).toBe(third);
    expect(second).not.toBe(first);
    await Promise.all([first, second, third]);
    flush.close();
  });

  it("is absent with synchronous=NORMAL", () => {
    const path = join(mkdtempSync(join(tmpdir(), "wal-flush-")), "n.db");
    expect(openBetterSqlite(path, "NORMAL").flush).toBeUndefined();
  });
});
