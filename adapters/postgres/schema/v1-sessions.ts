import { isWaiting, live, waiting } from "./states.ts";

export const v1 = `
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
`;
