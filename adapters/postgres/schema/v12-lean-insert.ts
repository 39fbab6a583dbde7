import { isWaiting, live } from "./states.ts";

/** The live sessions of one scope's key, summed over its counter shards (v4). */
const liveOf = (scope: string, key: string) =>
  `(SELECT COALESCE(sum(live), 0) FROM live_counts WHERE scope = '${scope}' AND key = ${key})`;

/** The device's live session, if it has one (the partial unique index holds at most one). */
const deviceLive = `SELECT id FROM sessions
  WHERE client_id = s.client_id AND device_code = s.device_code AND state IN ${live}`;

export const v12 = `
  -- A new session in five statements where it took some twenty (a profile of PostgreSQL under
  -- creates: most of its time in PL/pgSQL's statements, their executor start-ups, the counting
  -- triggers and live_count's SQL calls). The device's live session and both live counts are read
  -- in one statement, both locks are taken in another (the client's first, as before, so no two
  -- creates wait on each other in a circle), both counts read again under them in a third, and the
  -- session, its counters and its first event are written in one. The counting triggers no longer
  -- fire on an insert: insert_session, the only writer of new sessions, counts what it inserts.
  DROP TRIGGER live_counts ON sessions;
  CREATE TRIGGER live_counts AFTER DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION count_live();
  DROP TRIGGER waiting_counts ON sessions;
  CREATE TRIGGER waiting_counts AFTER DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION count_waiting();
  DROP TRIGGER state_counts ON sessions;
  CREATE TRIGGER state_counts AFTER DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION count_state();
  DROP FUNCTION lock_within(text, text, integer);
  DROP FUNCTION live_count(text, text);
  CREATE OR REPLACE FUNCTION insert_session(s sessions, e session_events, per_client integer,
    per_destination integer, OUT outcome text, OUT existing_id text)
  LANGUAGE plpgsql AS $$
  DECLARE
    -- Far from a limit (the count plus every create that can be in flight stays within it) a
    -- create takes the key's lock shared; near it, alone, and counts exactly (v6).
    in_flight integer := current_setting('max_connections')::integer;
    client_live bigint;
    destination_live bigint;
    client_near boolean := false;
    destination_near boolean := false;
    row_shard integer := counter_shard(s.id);
  BEGIN
    IF s.state = 'allocating' THEN
      PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    SELECT (${deviceLive}), ${liveOf("client", "s.client_id")},
        ${liveOf("destination", "s.destination_name")}
      INTO existing_id, client_live, destination_live;
    IF existing_id IS NOT NULL THEN
      outcome := 'existing';
      RETURN;
    END IF;
    IF s.state IN ${live} AND (per_client IS NOT NULL OR per_destination IS NOT NULL) THEN
      client_near := client_live + in_flight > per_client;
      destination_near := destination_live + in_flight > per_destination;
      PERFORM CASE WHEN per_client IS NULL THEN NULL
          WHEN client_near THEN pg_advisory_xact_lock(hashtextextended('client ' || s.client_id, 0))
          ELSE pg_advisory_xact_lock_shared(hashtextextended('client ' || s.client_id, 0)) END,
        CASE WHEN per_destination IS NULL THEN NULL
          WHEN destination_near
            THEN pg_advisory_xact_lock(hashtextextended('destination ' || s.destination_name, 0))
          ELSE pg_advisory_xact_lock_shared(hashtextextended('destination ' || s.destination_name, 0))
        END;
      -- Read again: a statement of its own, so that it sees what the locks waited for.
      SELECT ${liveOf("client", "s.client_id")}, ${liveOf("destination", "s.destination_name")}
        INTO client_live, destination_live;
      IF client_near AND client_live >= per_client THEN
        outcome := 'client_full';
        RETURN;
      END IF;
      -- A create that found the limit come near while it waited for its shared lock: again.
      IF NOT client_near AND client_live + in_flight > per_client THEN
        outcome := 'retry';
        RETURN;
      END IF;
      IF destination_near AND destination_live >= per_destination THEN
        outcome := 'destination_full';
        RETURN;
      END IF;
      IF NOT destination_near AND destination_live + in_flight > per_destination THEN
        outcome := 'retry';
        RETURN;
      END IF;
    END IF;
    WITH inserted AS (
      INSERT INTO sessions SELECT s.*
        ON CONFLICT (client_id, device_code) WHERE state IN ${live} DO NOTHING RETURNING id
    ), live_counted AS (
      INSERT INTO live_counts (scope, key, shard, live)
        SELECT scope, key, row_shard, 1 FROM inserted,
          (VALUES ('client', s.client_id), ('destination', s.destination_name)) AS k(scope, key)
        WHERE s.state IN ${live}
      ON CONFLICT (scope, key, shard) DO UPDATE SET live = live_counts.live + 1
    ), waiting_counted AS (
      INSERT INTO waiting_counts (destination_name, shard, waiting)
        SELECT s.destination_name, row_shard, 1 FROM inserted WHERE ${isWaiting("s")}
      ON CONFLICT (destination_name, shard) DO UPDATE SET waiting = waiting_counts.waiting + 1
    ), state_counted AS (
      -- Allocating sessions are counted where they are (v11).
      INSERT INTO state_counts (state, shard, sessions)
        SELECT s.state, row_shard, 1 FROM inserted WHERE s.state <> 'allocating'
      ON CONFLICT (state, shard) DO UPDATE SET sessions = state_counts.sessions + 1
    )
    INSERT INTO session_events (session_id, call_id, kind, status, actor, at)
      SELECT e.session_id, e.call_id, e.kind, e.status, e.actor, e.at FROM inserted;
    IF NOT FOUND THEN
      -- Another create of the device committed first: answered with its session.
      existing_id := (${deviceLive});
      outcome := CASE WHEN existing_id IS NULL THEN 'retry' ELSE 'existing' END;
      RETURN;
    END IF;
    outcome := 'inserted';
  END $$;
`;
