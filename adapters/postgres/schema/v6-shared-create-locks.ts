import { live } from "./states.ts";

export const v6 = `
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
`;
