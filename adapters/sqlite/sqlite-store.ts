import type { Store, StoreCounts, StoreStatus } from "../../core/ports.ts";
import type { SqlDatabase, SqliteFile } from "./database.ts";
import { GroupCommit } from "./group-commit.ts";
import { SqliteRoomDeletionOutbox } from "./sqlite-outbox.ts";
import { SqliteQueue } from "./sqlite-queue.ts";
import { SqliteSessions } from "./sqlite-sessions.ts";
import { SqliteStaleSessions } from "./sqlite-stale-sessions.ts";
import { SqliteTimeline } from "./sqlite-timeline.ts";

/** Every store port on one SQLite database (opened and migrated), sharing its group commits. */
export function sqliteStore({ db, log }: SqliteFile): Store {
  const commits = new GroupCommit(db, log);
  const outbox = new SqliteRoomDeletionOutbox(db, commits);
  // This process, as the owner of the creates it has under way.
  const owner = crypto.randomUUID();
  return {
    sessions: new SqliteSessions(db, commits, owner, () => outbox.owed()),
    staleSessions: new SqliteStaleSessions(db, owner),
    queue: new SqliteQueue(db),
    outbox,
    status: new SqliteStoreStatus(db),
    timeline: new SqliteTimeline(db, commits),
    close: async () => {
      db.close();
      await log?.close();
    },
  };
}

class SqliteStoreStatus implements StoreStatus {
  private readonly sql;

  constructor(private readonly db: SqlDatabase) {
    this.sql = {
      countByState: db.prepare(
        "SELECT state, sessions AS count FROM state_counts WHERE sessions > 0",
      ),
      countPending: db.prepare(
        `SELECT COUNT(*) AS count FROM room_deletions WHERE delivered_at IS NULL`,
      ),
    };
  }

  /** Takes the write lock and lets it go. */
  async writable(): Promise<boolean> {
    try {
      this.db.exec("BEGIN IMMEDIATE");
      this.db.exec("ROLLBACK");
      return true;
    } catch {
      return false;
    }
  }

  async counts(): Promise<StoreCounts> {
    const byState = this.sql.countByState.all();
    return {
      sessionsByState: Object.fromEntries(byState.map((r) => [String(r.state), Number(r.count)])),
      pendingRoomDeletions: Number(this.sql.countPending.get()?.count ?? 0),
    };
  }
}
