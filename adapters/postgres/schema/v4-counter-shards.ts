import { isWaiting, live } from "./states.ts";

export const v4 = `
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
`;
