import { inTransaction, type SqlDatabase } from "./database.ts";

const live = "('allocating', 'session_granted', 'session_started')";
const waiting = "('session_granted', 'session_started')";
/** In the queue: granted or started, and no call has reached the agent yet. */
const isWaiting = (row: string) => `${row}.state IN ${waiting} AND ${row}.agent_reached_at IS NULL`;

/** Schema versions in order; a version, once released, is never edited — add a new one. */
const migrations: string[] = [
  `
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    device_code TEXT NOT NULL,
    destination_name TEXT NOT NULL,
    destination_host TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    uui_data TEXT NOT NULL,
    room_name TEXT,
    room_alias TEXT,
    guest_pin TEXT,
    created_at INTEGER NOT NULL,
    status_at INTEGER NOT NULL,
    last_activity_at INTEGER NOT NULL,
    agent_reached_at INTEGER,
    version INTEGER NOT NULL
  );
  -- One live session per device, enforced by the database itself.
  CREATE UNIQUE INDEX sessions_live_device ON sessions (client_id, device_code)
    WHERE state IN ${live};
  CREATE INDEX sessions_room ON sessions (room_name) WHERE room_name IS NOT NULL;
  CREATE INDEX sessions_allocating ON sessions (created_at) WHERE state = 'allocating';
  CREATE INDEX sessions_live_destination ON sessions (destination_name) WHERE state IN ${live};
  CREATE INDEX sessions_waiting ON sessions (destination_name, created_at)
    WHERE state IN ${waiting} AND agent_reached_at IS NULL;
  CREATE INDEX sessions_idle ON sessions (destination_name, last_activity_at)
    WHERE state IN ${waiting};

  CREATE TABLE calls (
    call_id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    client_call_id TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    status_at INTEGER NOT NULL,
    UNIQUE (session_id, client_call_id)
  );
  CREATE INDEX calls_live ON calls (session_id, created_at)
    WHERE state NOT IN ('call_ended', 'call_error');

  -- The audit trail: every status update, who sent it and when.
  CREATE TABLE session_events (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    call_id TEXT,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    actor TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX session_events_session ON session_events (session_id, id);

  -- The outbox of room deletions owed to MaxConf.
  CREATE TABLE room_deletions (
    id INTEGER PRIMARY KEY,
    room_name TEXT NOT NULL,
    owed_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    delivered_at INTEGER
  );
  CREATE INDEX room_deletions_pending ON room_deletions (next_attempt_at)
    WHERE delivered_at IS NULL;
  `,
  `
  -- How many sessions wait for an agent at each destination, kept by triggers: a new session's
  -- place in the queue is then known without counting the whole queue.
  CREATE TABLE waiting_counts (
    destination_name TEXT PRIMARY KEY,
    waiting INTEGER NOT NULL
  ) WITHOUT ROWID;
  INSERT INTO waiting_counts
    SELECT destination_name, COUNT(*) FROM sessions WHERE ${isWaiting("sessions")}
    GROUP BY destination_name;
  CREATE TRIGGER waiting_counts_insert AFTER INSERT ON sessions WHEN ${isWaiting("NEW")}
  BEGIN
    INSERT INTO waiting_counts VALUES (NEW.destination_name, 1)
      ON CONFLICT (destination_name) DO UPDATE SET waiting = waiting + 1;
  END;
  CREATE TRIGGER waiting_counts_update AFTER UPDATE OF state, agent_reached_at ON sessions
    WHEN (${isWaiting("OLD")}) != (${isWaiting("NEW")})
  BEGIN
    INSERT INTO waiting_counts VALUES (NEW.destination_name, CASE WHEN ${isWaiting("NEW")} THEN 1 ELSE -1 END)
      ON CONFLICT (destination_name) DO UPDATE SET waiting = waiting + excluded.waiting;
  END;
  CREATE TRIGGER waiting_counts_delete AFTER DELETE ON sessions WHEN ${isWaiting("OLD")}
  BEGIN
    UPDATE waiting_counts SET waiting = waiting - 1 WHERE destination_name = OLD.destination_name;
  END;
  `,
  `
  -- A place in the queue is counted by (created_at, id) among the waiting: with every column the
  -- count names in the index, it reads only the index, not one table row per session counted.
  DROP INDEX sessions_waiting;
  CREATE INDEX sessions_waiting
    ON sessions (destination_name, created_at, id, state, agent_reached_at)
    WHERE ${isWaiting("sessions")};
  `,
  `
  -- Which process (store instance) wrote an allocating session: when it is gone, the session is
  -- orphaned. And the lease of a claimed room deletion.
  ALTER TABLE sessions ADD COLUMN allocated_by TEXT;
  ALTER TABLE room_deletions ADD COLUMN claimed_until INTEGER;
  `,
  `
  -- What happened to each session besides its statuses: the app's requests, the upstream calls made
  -- for it (kind, and the row's fields as JSON); which session a room deletion is owed for; who
  -- of the staff read what.
  CREATE TABLE session_timeline (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    request_id TEXT,
    detail TEXT NOT NULL
  );
  CREATE INDEX session_timeline_session ON session_timeline (session_id, id);
  CREATE INDEX session_timeline_request ON session_timeline (request_id)
    WHERE request_id IS NOT NULL;
  CREATE INDEX session_timeline_at ON session_timeline (at);
  ALTER TABLE room_deletions ADD COLUMN session_id TEXT;
  CREATE INDEX room_deletions_session ON room_deletions (session_id);
  CREATE INDEX sessions_created ON sessions (created_at, id);
  CREATE TABLE ops_reads (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    staff TEXT NOT NULL,
    what TEXT NOT NULL
  );
  CREATE INDEX ops_reads_at ON ops_reads (at);
  `,
  `
  -- How many live sessions each client and each destination holds, kept by triggers: a create
  -- checks its limits by reading two rows instead of counting sessions. A client's row goes when
  -- it holds none.
  CREATE TABLE live_counts (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    live INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
  ) WITHOUT ROWID;
  INSERT INTO live_counts SELECT 'client', client_id, COUNT(*) FROM sessions
    WHERE state IN ${live} GROUP BY client_id;
  INSERT INTO live_counts SELECT 'destination', destination_name, COUNT(*) FROM sessions
    WHERE state IN ${live} GROUP BY destination_name;
  ${liveCountTrigger("insert", `AFTER INSERT ON sessions WHEN NEW.state IN ${live}`, "NEW", "1")}
  ${liveCountTrigger(
    "update",
    `AFTER UPDATE OF state ON sessions WHEN (OLD.state IN ${live}) != (NEW.state IN ${live})`,
    "NEW",
    `CASE WHEN NEW.state IN ${live} THEN 1 ELSE -1 END`,
  )}
  ${liveCountTrigger("delete", `AFTER DELETE ON sessions WHEN OLD.state IN ${live}`, "OLD", "-1")}
  `,
  `
  -- How many sessions are in each state, kept by triggers: the support staff's list shows these
  -- counts with every page, and counting the sessions table was most of the list's cost.
  CREATE TABLE state_counts (state TEXT PRIMARY KEY, sessions INTEGER NOT NULL) WITHOUT ROWID;
  INSERT INTO state_counts SELECT state, COUNT(*) FROM sessions GROUP BY state;
  CREATE TRIGGER state_counts_insert AFTER INSERT ON sessions
  BEGIN
    ${addToStateCount("NEW")}
  END;
  CREATE TRIGGER state_counts_update AFTER UPDATE OF state ON sessions
    WHEN OLD.state != NEW.state
  BEGIN
    UPDATE state_counts SET sessions = sessions - 1 WHERE state = OLD.state;
    ${addToStateCount("NEW")}
  END;
  CREATE TRIGGER state_counts_delete AFTER DELETE ON sessions
  BEGIN
    UPDATE state_counts SET sessions = sessions - 1 WHERE state = OLD.state;
  END;
  `,
];

function addToStateCount(row: string): string {
  return `INSERT INTO state_counts VALUES (${row}.state, 1)
      ON CONFLICT (state) DO UPDATE SET sessions = sessions + 1;`;
}

/** A trigger adding `delta` to the live counts of the row's client and destination. */
function liveCountTrigger(name: string, when: string, row: string, delta: string): string {
  const add = (scope: string, key: string) =>
    `INSERT INTO live_counts VALUES ('${scope}', ${row}.${key}, ${delta})
       ON CONFLICT (scope, key) DO UPDATE SET live = live + excluded.live;`;
  return `CREATE TRIGGER live_counts_${name} ${when}
  BEGIN
    ${add("client", "client_id")}
    ${add("destination", "destination_name")}
    DELETE FROM live_counts WHERE scope = 'client' AND key = ${row}.client_id AND live <= 0;
  END;`;
}

/** Brings the schema up to date; each step runs in its own transaction with its version bump. */
export function migrate(db: SqlDatabase): number {
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const row = db.prepare("SELECT MAX(version) AS version FROM schema_version").get();
  let current = Number(row?.version ?? 0);
  for (const [index, sql] of migrations.entries()) {
    const version = index + 1;
    if (version <= current) continue;
    inTransaction(db, () => {
      db.exec(sql);
      db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(version);
    });
    current = version;
  }
  return current;
}
