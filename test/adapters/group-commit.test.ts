import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openBetterSqlite } from "../../adapters/sqlite/better-sqlite3.ts";
import { GroupCommit } from "../../adapters/sqlite/group-commit.ts";

/** A table on a new file, and a write that notes the connection's synchronous level. */
function probe(synchronous: "FULL" | "NORMAL") {
  const file = openBetterSqlite(
    join(mkdtempSync(join(tmpdir(), "group-commit-")), "g.db"),
    synchronous,
  );
  const { db } = file;
  db.exec("CREATE TABLE probe (id INTEGER PRIMARY KEY, level INTEGER NOT NULL)");
  const insert = db.prepare("INSERT INTO probe (level) VALUES (?)");
  const commits = new GroupCommit(db, file.synchronous);
  /** Writes a row holding the level its commit runs at (1 NORMAL, 2 FULL); answers it. */
  const noteLevel = (durable: boolean) =>
    commits.write(durable, () => {
      // Prepared each time: SQLite writes a pragma's value into the statement when preparing it.
      const now = Number(db.prepare("PRAGMA synchronous").get()?.synchronous);
      insert.run(now);
      return now;
    });
  return { db, commits, noteLevel };
}

const NORMAL = 1;
const FULL = 2;

describe("group commit", () => {
  it("commits a batch holding an acknowledged write with FULL: one sync for the batch", async () => {
    const { noteLevel } = probe("FULL");
    const [relaxed, durable] = await Promise.all([noteLevel(false), noteLevel(true)]);
    expect([relaxed, durable]).toEqual([FULL, FULL]);
  });

  it("commits a batch of writes that need no sync (an intent, evidence) with NORMAL", async () => {
    const { noteLevel } = probe("FULL");
    await noteLevel(true);
    expect(await Promise.all([noteLevel(false), noteLevel(false)])).toEqual([NORMAL, NORMAL]);
    expect(await noteLevel(true)).toBe(FULL);
  });

  it("never syncs when the file is opened with NORMAL", async () => {
    const { noteLevel } = probe("NORMAL");
    expect(await Promise.all([noteLevel(true), noteLevel(false)])).toEqual([NORMAL, NORMAL]);
  });

  it("fails only the write that failed; the rest of its batch is committed", async () => {
    const { db, commits, noteLevel } = probe("FULL");
    const failing = commits.write(true, () => {
      throw new Error("constraint");
    });
    const [kept] = await Promise.all([noteLevel(true), expect(failing).rejects.toThrow()]);
    expect(kept).toBe(FULL);
    expect(db.prepare("SELECT COUNT(*) AS n FROM probe").get()).toEqual({ n: 1 });
  });
});
