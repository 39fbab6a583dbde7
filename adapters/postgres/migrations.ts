import type { Pool } from "pg";

const live = "('allocating', 'session_granted', 'session_started')";
const waiting = "('session_granted', 'session_started')";
const isWaiting = (row: string) => `${row}.state IN ${waiting} AND ${row}.agent_reached_at IS NULL`;

/** Schema versions in order; a version, once released, is never edited — add a new one. */
const migrations: string[] = [
  `
  CREATE TABLE sessions (
    id text PRIMARY KEY,
    client_id text NOT NULL,
    device_code text NOT NULL,
    destination_name text NOT NULL,
    destination_host text NOT NULL,
    state text NOT NULL,
    reason text,
    uui_data text NOT NULL,
    room_name text,
    room_alias text,
    guest_pin text,
    created_at bigint NOT NULL,
    status_at bigint NOT NULL,
    last_activity_at bigint NOT NULL,
    agent_reached_at bigint,
    version integer NOT NULL,
    -- The replica that is allocating the session's room (while it is allocating).
    allocated_by text
  );
  -- One live session per device, enforced by the database itself, for every replica.
  CREATE UNIQUE INDEX sessions_live_device ON sessions (client_id, device_code) WHERE state IN ${live};
  CREATE INDEX sessions_allocating ON sessions (allocated_by) WHERE state = 'allocating';
  CREATE INDEX sessions_live_destination ON sessions (destination_name) WHERE state IN ${live};
  CREATE INDEX sessions_waiting ON sessions (destination_name, created_at, id)
    WHERE ${isWaiting("sessions")};
  CREATE INDEX sessions_idle ON sessions (destination_name, last_activity_at)
    WHERE state IN ${waiting};

  CREATE TABLE calls (
    call_id text PRIMARY KEY,
    session_id text NOT NULL REFERENCES sessions (id),
    client_call_id text NOT NULL,
    state text NOT NULL,
    created_at bigint NOT NULL,
    status_at bigint NOT NULL,
    -- Insertion order: the tie-break between calls created at the same time.
    seq bigint GENERATED ALWAYS AS IDENTITY,
    UNIQUE (session_id, client_call_id)
  );
  CREATE INDEX calls_live ON calls (session_id, created_at)
    WHERE state NOT IN ('call_ended', 'call_error');

  -- The audit trail: every status update, who sent it and when.
  CREATE TABLE session_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id text NOT NULL REFERENCES sessions (id),
    call_id text,
    kind text NOT NULL,
    status text NOT NULL,
    actor text NOT NULL,
    at bigint NOT NULL
  );
  CREATE INDEX session_events_session ON session_events (session_id, id);

  -- The outbox of room deletions owed to MaxConf, each claimed by one replica at a time.
  CREATE TABLE room_deletions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room_name text NOT NULL,
    owed_at bigint NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at bigint NOT NULL,
    delivered_at bigint,
    claimed_until bigint
  );
  CREATE INDEX room_deletions_pending ON room_deletions (next_attempt_at) WHERE delivered_at IS NULL;

  -- How many sessions wait for an agent at each destination, kept by triggers: a place in the
  -- queue is then known without counting the whole queue.
  CREATE TABLE waiting_counts (destination_name text PRIMARY KEY, waiting bigint NOT NULL);
  CREATE FUNCTION count_waiting() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    before boolean := TG_OP <> 'INSERT' AND ${isWaiting("OLD")};
    after boolean := TG_OP <> 'DELETE' AND ${isWaiting("NEW")};
    destination text := COALESCE(NEW.destination_name, OLD.destination_name);
  BEGIN
    IF before IS DISTINCT FROM after THEN
      INSERT INTO waiting_counts VALUES (destination, CASE WHEN after THEN 1 ELSE -1 END)
        ON CONFLICT (destination_name) DO UPDATE SET waiting = waiting_counts.waiting + EXCLUDED.waiting;
    END IF;
    RETURN NULL;
  END $$;
  CREATE TRIGGER waiting_counts AFTER INSERT OR DELETE OR UPDATE OF state, agent_reached_at
    ON sessions FOR EACH ROW EXECUTE FUNCTION count_waiting();

  -- The replicas alive now: a replica renews its row; one whose row lapsed is gone.
  CREATE TABLE replicas (id text PRIMARY KEY, alive_until timestamptz NOT NULL);

  -- A new session, with the rules across requests checked under locks every replica takes: one
  -- live session per device (answered with that session's id), at most per_client live sessions
  -- per client and per_destination per destination. Each statement reads what the holders of the
  -- locks before it committed. An intent (allocating) commits without waiting for the disk: it
  -- answered nobody, and the grant's commit, which does wait, carries it there.
  CREATE FUNCTION insert_session(s sessions, e session_events, per_client integer,
    per_destination integer, OUT outcome text, OUT existing_id text)
  LANGUAGE plpgsql AS $$
  BEGIN
    IF s.state = 'allocating' THEN
      PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('client ' || s.client_id, 0));
    SELECT id INTO existing_id FROM sessions
      WHERE client_id = s.client_id AND device_code = s.device_code AND state IN ${live};
    IF existing_id IS NOT NULL THEN
      outcome := 'existing';
      RETURN;
    END IF;
    IF s.state IN ${live} THEN
      IF per_client IS NOT NULL AND (SELECT count(*) FROM (SELECT FROM sessions
          WHERE client_id = s.client_id AND state IN ${live} LIMIT per_client) l) >= per_client THEN
        outcome := 'client_full';
        RETURN;
      END IF;
      IF per_destination IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('destination ' || s.destination_name, 0));
        IF (SELECT count(*) FROM (SELECT FROM sessions WHERE destination_name = s.destination_name
            AND state IN ${live} LIMIT per_destination) l) >= per_destination THEN
          outcome := 'destination_full';
          RETURN;
        END IF;
      END IF;
    END IF;
    INSERT INTO sessions SELECT s.*;
    INSERT INTO session_events (session_id, call_id, kind, status, actor, at)
      VALUES (e.session_id, e.call_id, e.kind, e.status, e.actor, e.at);
    outcome := 'inserted';
  END $$;

  -- Requests left per device, shared by every replica (a token bucket per key). Losing the last
  -- moments of a bucket to a crash only forgives a request or two: it commits without waiting.
  CREATE TABLE rate_buckets (key text PRIMARY KEY, tokens double precision NOT NULL,
    updated_at bigint NOT NULL);
  CREATE FUNCTION take_request(k text, capacity double precision, at bigint,
    per_ms double precision, OUT allowed boolean, OUT left_over double precision)
  LANGUAGE plpgsql AS $$
  DECLARE
    had double precision;
    since bigint;
  BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    INSERT INTO rate_buckets VALUES (k, capacity, at) ON CONFLICT (key) DO NOTHING;
    SELECT tokens, updated_at INTO had, since FROM rate_buckets WHERE key = k FOR UPDATE;
    left_over := LEAST(capacity, had + GREATEST(at - since, 0) * per_ms);
    allowed := left_over >= 1;
    IF allowed THEN
      left_over := left_over - 1;
    END IF;
    UPDATE rate_buckets SET tokens = left_over, updated_at = GREATEST(at, since) WHERE key = k;
  END $$;
  `,
  `
  -- What happened to each session besides its statuses: the app's requests, the upstream calls made
  -- for it (kind, and the row's fields); which session a room deletion is owed for; who of the
  -- staff read what.
  CREATE TABLE session_timeline (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id text NOT NULL,
    at bigint NOT NULL,
    kind text NOT NULL,
    request_id text,
    detail jsonb NOT NULL
  );
  CREATE INDEX session_timeline_session ON session_timeline (session_id, id);
  CREATE INDEX session_timeline_request ON session_timeline (request_id) WHERE request_id IS NOT NULL;
  CREATE INDEX session_timeline_at ON session_timeline (at);
  ALTER TABLE room_deletions ADD COLUMN session_id text;
  CREATE INDEX room_deletions_session ON room_deletions (session_id);
  CREATE INDEX sessions_created ON sessions (created_at, id);
  CREATE INDEX sessions_room ON sessions (room_name) WHERE room_name IS NOT NULL;
  CREATE TABLE ops_reads (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at bigint NOT NULL,
    staff text NOT NULL,
    what text NOT NULL
  );
  CREATE INDEX ops_reads_at ON ops_reads (at);
  `,
  `
  -- How many live sessions each client and each destination holds, kept by a trigger: a create
  -- checks its limits by reading two rows instead of counting sessions (under the same locks). A
  -- client's row goes when it holds none.
  CREATE TABLE live_counts (scope text NOT NULL, key text NOT NULL, live bigint NOT NULL,
    PRIMARY KEY (scope, key));
  INSERT INTO live_counts SELECT 'client', client_id, count(*) FROM sessions
    WHERE state IN ${live} GROUP BY client_id;
  INSERT INTO live_counts SELECT 'destination', destination_name, count(*) FROM sessions
    WHERE state IN ${live} GROUP BY destination_name;
  CREATE FUNCTION count_live() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    before boolean := TG_OP <> 'INSERT' AND OLD.state IN ${live};
    after boolean := TG_OP <> 'DELETE' AND NEW.state IN ${live};
    delta integer := CASE WHEN after THEN 1 ELSE -1 END;
    row sessions := COALESCE(NEW, OLD);
  BEGIN
    IF before IS DISTINCT FROM after THEN
      INSERT INTO live_counts VALUES ('client', row.client_id, delta), ('destination', row.destination_name, delta)
        ON CONFLICT (scope, key) DO UPDATE SET live = live_counts.live + EXCLUDED.live;
      DELETE FROM live_counts WHERE scope = 'client' AND key = row.client_id AND live <= 0;
    END IF;
    RETURN NULL;
  END $$;
  CREATE TRIGGER live_counts AFTER INSERT OR DELETE OR UPDATE OF state ON sessions
    FOR EACH ROW EXECUTE FUNCTION count_live();
  CREATE OR REPLACE FUNCTION insert_session(s sessions, e session_events, per_client integer,
    per_destination integer, OUT outcome text, OUT existing_id text)
  LANGUAGE plpgsql AS $$
  BEGIN
    IF s.state = 'allocating' THEN
      PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('client ' || s.client_id, 0));
    SELECT id INTO existing_id FROM sessions
      WHERE client_id = s.client_id AND device_code = s.device_code AND state IN ${live};
    IF existing_id IS NOT NULL THEN
      outcome := 'existing';
      RETURN;
    END IF;
    IF s.state IN ${live} THEN
      IF per_client IS NOT NULL AND COALESCE((SELECT live FROM live_counts
          WHERE scope = 'client' AND key = s.client_id), 0) >= per_client THEN
        outcome := 'client_full';
        RETURN;
      END IF;
      IF per_destination IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('destination ' || s.destination_name, 0));
        IF COALESCE((SELECT live FROM live_counts WHERE scope = 'destination'
            AND key = s.destination_name), 0) >= per_destination THEN
          outcome := 'destination_full';
          RETURN;
        END IF;
      END IF;
    END IF;
    INSERT INTO sessions SELECT s.*;
    INSERT INTO session_events (session_id, call_id, kind, status, actor, at)
      VALUES (e.session_id, e.call_id, e.kind, e.status, e.actor, e.at);
    outcome := 'inserted';
  END $$;
  `,
  `
  -- The counters in shards, a session's in the shard its id hashes to. A commit that waits for the
  -- disk holds the rows it changed until the disk answers, and every grant, first call and end
  -- changed the one row of its destination or client: they went one fsync at a time. Totals are
  -- the sums of a key's shards.
  ALTER TABLE waiting_counts ADD COLUMN shard integer NOT NULL DEFAULT 0;
  ALTER TABLE waiting_counts DROP CONSTRAINT waiting_counts_pkey;
  ALTER TABLE waiting_counts ADD PRIMARY KEY (destination_name, shard);
  ALTER TABLE live_counts ADD COLUMN shard integer NOT NULL DEFAULT 0;
  ALTER TABLE live_counts DROP CONSTRAINT live_counts_pkey;
  ALTER TABLE live_counts ADD PRIMARY KEY (scope, key, shard);
  CREATE FUNCTION counter_shard(session_id text) RETURNS integer LANGUAGE sql IMMUTABLE
    RETURN hashtext(session_id) & 15;
  CREATE OR REPLACE FUNCTION count_waiting() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    before boolean := TG_OP <> 'INSERT' AND ${isWaiting("OLD")};
    after boolean := TG_OP <> 'DELETE' AND ${isWaiting("NEW")};
    row sessions := COALESCE(NEW, OLD);
  BEGIN
    IF before IS DISTINCT FROM after THEN
      INSERT INTO waiting_counts (destination_name, shard, waiting)
        VALUES (row.destination_name, counter_shard(row.id), CASE WHEN after THEN 1 ELSE -1 END)
        ON CONFLICT (destination_name, shard)
        DO UPDATE SET waiting = waiting_counts.waiting + EXCLUDED.waiting;
    END IF;
    RETURN NULL;
  END $$;
  CREATE OR REPLACE FUNCTION count_live() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    before boolean := TG_OP <> 'INSERT' AND OLD.state IN ${live};
    after boolean := TG_OP <> 'DELETE' AND NEW.state IN ${live};
    delta integer := CASE WHEN after THEN 1 ELSE -1 END;
    row sessions := COALESCE(NEW, OLD);
    row_shard integer := counter_shard(row.id);
  BEGIN
    IF before IS DISTINCT FROM after THEN
      INSERT INTO live_counts (scope, key, shard, live)
        VALUES ('client', row.client_id, row_shard, delta),
          ('destination', row.destination_name, row_shard, delta)
        ON CONFLICT (scope, key, shard) DO UPDATE SET live = live_counts.live + EXCLUDED.live;
      DELETE FROM live_counts
        WHERE scope = 'client' AND key = row.client_id AND shard = row_shard AND live <= 0;
    END IF;
    RETURN NULL;
  END $$;
  CREATE OR REPLACE FUNCTION insert_session(s sessions, e session_events, per_client integer,
    per_destination integer, OUT outcome text, OUT existing_id text)
  LANGUAGE plpgsql AS $$
  BEGIN
    IF s.state = 'allocating' THEN
      PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('client ' || s.client_id, 0));
    SELECT id INTO existing_id FROM sessions
      WHERE client_id = s.client_id AND device_code = s.device_code AND state IN ${live};
    IF existing_id IS NOT NULL THEN
      outcome := 'existing';
      RETURN;
    END IF;
    IF s.state IN ${live} THEN
      IF per_client IS NOT NULL AND (SELECT COALESCE(sum(live), 0) FROM live_counts
          WHERE scope = 'client' AND key = s.client_id) >= per_client THEN
        outcome := 'client_full';
        RETURN;
      END IF;
      IF per_destination IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('destination ' || s.destination_name, 0));
        IF (SELECT COALESCE(sum(live), 0) FROM live_counts WHERE scope = 'destination'
            AND key = s.destination_name) >= per_destination THEN
          outcome := 'destination_full';
          RETURN;
        END IF;
      END IF;
    END IF;
    INSERT INTO sessions SELECT s.*;
    INSERT INTO session_events (session_id, call_id, kind, status, actor, at)
      VALUES (e.session_id, e.call_id, e.kind, e.status, e.actor, e.at);
    outcome := 'inserted';
  END $$;
  `,
  `
  -- The takes of several requests in one statement, the buckets locked in key order (so two
  -- replicas' batches never wait on each other in a circle), answered in the order asked.
  CREATE FUNCTION take_requests(keys text[], capacity double precision, at bigint,
    per_ms double precision) RETURNS TABLE (ord bigint, allowed boolean, left_over double precision)
  LANGUAGE plpgsql AS $$
  DECLARE
    asked record;
    taken record;
  BEGIN
    FOR asked IN SELECT u.k, u.o FROM unnest(keys) WITH ORDINALITY AS u(k, o) ORDER BY u.k, u.o LOOP
      SELECT * INTO taken FROM take_request(asked.k, capacity, at, per_ms);
      ord := asked.o;
      allowed := taken.allowed;
      left_over := taken.left_over;
      RETURN NEXT;
    END LOOP;
  END $$;
  `,
  `
  -- A create no longer waits for every other create of its client and its destination. Far from a
  -- limit (the live count plus one create per server connection, all that can be in flight at
  -- once, stays within it) creates take its lock shared, together; near it, alone, and count
  -- exactly (an exclusive lock waits for every shared holder to commit). A create that found the
  -- limit come near while it waited for its shared lock asks to be run again ('retry'). The
  -- unique index decides a race between two creates of one device.
  -- The counting triggers run on an update only when what they count changed: most saves (a
  -- keep-alive) change neither.
  DROP TRIGGER live_counts ON sessions;
  CREATE TRIGGER live_counts AFTER INSERT OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION count_live();
  CREATE TRIGGER live_counts_update AFTER UPDATE OF state ON sessions
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION count_live();
  DROP TRIGGER waiting_counts ON sessions;
  CREATE TRIGGER waiting_counts AFTER INSERT OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION count_waiting();
  CREATE TRIGGER waiting_counts_update AFTER UPDATE OF state, agent_reached_at ON sessions
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state
      OR OLD.agent_reached_at IS DISTINCT FROM NEW.agent_reached_at)
    EXECUTE FUNCTION count_waiting();
  CREATE FUNCTION live_count(scope text, key text) RETURNS bigint LANGUAGE sql STABLE
    RETURN (SELECT COALESCE(sum(live), 0) FROM live_counts c WHERE c.scope = $1 AND c.key = $2);
  CREATE FUNCTION lock_within(scope text, key text, lim integer) RETURNS text LANGUAGE plpgsql AS $$
  DECLARE
    in_flight integer := current_setting('max_connections')::integer;
    lock_key bigint := hashtextextended(scope || ' ' || key, 0);
  BEGIN
    IF lim IS NULL THEN
      RETURN 'within';
    END IF;
    IF live_count(scope, key) + in_flight <= lim THEN
      PERFORM pg_advisory_xact_lock_shared(lock_key);
      RETURN CASE WHEN live_count(scope, key) + in_flight <= lim THEN 'within' ELSE 'retry' END;
    END IF;
    PERFORM pg_advisory_xact_lock(lock_key);
    RETURN CASE WHEN live_count(scope, key) < lim THEN 'within' ELSE 'full' END;
  END $$;
  CREATE OR REPLACE FUNCTION insert_session(s sessions, e session_events, per_client integer,
    per_destination integer, OUT outcome text, OUT existing_id text)
  LANGUAGE plpgsql AS $$
  DECLARE
    verdict text;
  BEGIN
    IF s.state = 'allocating' THEN
      PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    SELECT id INTO existing_id FROM sessions
      WHERE client_id = s.client_id AND device_code = s.device_code AND state IN ${live};
    IF existing_id IS NOT NULL THEN
      outcome := 'existing';
      RETURN;
    END IF;
    IF s.state IN ${live} THEN
      verdict := lock_within('client', s.client_id, per_client);
      IF verdict <> 'within' THEN
        outcome := CASE verdict WHEN 'full' THEN 'client_full' ELSE verdict END;
        RETURN;
      END IF;
      verdict := lock_within('destination', s.destination_name, per_destination);
      IF verdict <> 'within' THEN
        outcome := CASE verdict WHEN 'full' THEN 'destination_full' ELSE verdict END;
        RETURN;
      END IF;
    END IF;
    INSERT INTO sessions SELECT s.*
      ON CONFLICT (client_id, device_code) WHERE state IN ${live} DO NOTHING;
    IF NOT FOUND THEN
      -- Another create of the device committed first: answered with its session.
      SELECT id INTO existing_id FROM sessions
        WHERE client_id = s.client_id AND device_code = s.device_code AND state IN ${live};
      outcome := CASE WHEN existing_id IS NULL THEN 'retry' ELSE 'existing' END;
      RETURN;
    END IF;
    INSERT INTO session_events (session_id, call_id, kind, status, actor, at)
      VALUES (e.session_id, e.call_id, e.kind, e.status, e.actor, e.at);
    outcome := 'inserted';
  END $$;
  `,
  `
  -- How many sessions are in each state, kept by triggers in the counters' shards: the support
  -- staff's list shows these counts with every page, and counting the sessions table was most of
  -- the list's cost.
  CREATE TABLE state_counts (state text NOT NULL, shard integer NOT NULL, sessions bigint NOT NULL,
    PRIMARY KEY (state, shard));
  INSERT INTO state_counts SELECT state, 0, count(*) FROM sessions GROUP BY state;
  CREATE FUNCTION count_state() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    row sessions := COALESCE(NEW, OLD);
    row_shard integer := counter_shard(row.id);
  BEGIN
    IF TG_OP <> 'INSERT' THEN
      UPDATE state_counts SET sessions = sessions - 1 WHERE state = OLD.state AND shard = row_shard;
    END IF;
    IF TG_OP <> 'DELETE' THEN
      INSERT INTO state_counts VALUES (NEW.state, row_shard, 1)
        ON CONFLICT (state, shard) DO UPDATE SET sessions = state_counts.sessions + 1;
    END IF;
    RETURN NULL;
  END $$;
  CREATE TRIGGER state_counts AFTER INSERT OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION count_state();
  CREATE TRIGGER state_counts_update AFTER UPDATE OF state ON sessions
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION count_state();
  `,
];

/** An arbitrary constant: the advisory lock every replica takes to migrate, one at a time. */
const migrationLock = 0x62637363;

/**
 * Brings the schema up to date, once however many replicas start together: each takes the
 * migration lock in turn, and finds the work done by the first. Each version runs in a
 * transaction with its version bump.
 */
export async function migrate(pool: Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [migrationLock]);
    await client.query("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)");
    const row = await client.query("SELECT MAX(version) AS version FROM schema_version");
    let current = Number(row.rows[0]?.version ?? 0);
    for (const [index, sql] of migrations.entries()) {
      const version = index + 1;
      if (version <= current) continue;
      await client.query("BEGIN");
      try {
        await client.query(sql);
        await client.query("INSERT INTO schema_version (version) VALUES ($1)", [version]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
      current = version;
    }
    return current;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [migrationLock]).catch(() => {});
    client.release();
  }
}
