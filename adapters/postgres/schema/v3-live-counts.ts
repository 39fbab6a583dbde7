import { live } from "./states.ts";

export const v3 = `
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
`;
