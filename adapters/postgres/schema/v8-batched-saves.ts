export const v8 = `
  -- A keep-alive changes a session's last_activity_at, which the idle sessions' index held: every
  -- keep-alive wrote a new row version into each of the session's indexes (no update of a session
  -- was HOT). The idle job finds a destination's waiting sessions by the live sessions' index and
  -- checks their activity itself, and each page keeps room for the row's next versions.
  DROP INDEX sessions_idle;
  ALTER TABLE sessions SET (fillfactor = 80);

  -- Many saves in one transaction, answered with those saved (their ord): each session only if its
  -- version is as expected and the change is a keep-alive (state and agent_reached_at unchanged: no
  -- counter moves) or a grant (allocating to session_granted), then the saved ones' calls and
  -- events, in the order given. Sessions go in the order of their counters' shard, grants first
  -- within it, then by id: two replicas' batches take the counter rows, and the sessions they
  -- share, in the same order, and so never wait on each other in a circle.
  CREATE FUNCTION save_sessions(changes json, calls json, events json) RETURNS SETOF integer
  LANGUAGE plpgsql AS $$
  DECLARE
    c record;
    saved integer[] := '{}';
  BEGIN
    FOR c IN SELECT * FROM json_to_recordset(changes) AS i(ord integer, id text, state text,
        reason text, room_name text, room_alias text, guest_pin text, status_at bigint,
        last_activity_at bigint, agent_reached_at bigint, version integer, expected integer)
      ORDER BY counter_shard(i.id), i.state <> 'session_granted', i.id
    LOOP
      UPDATE sessions s SET state = c.state, reason = c.reason, room_name = c.room_name,
        room_alias = c.room_alias, guest_pin = c.guest_pin, status_at = c.status_at,
        last_activity_at = c.last_activity_at, agent_reached_at = c.agent_reached_at,
        version = c.version
      WHERE s.id = c.id AND s.version = c.expected
        AND (s.state = c.state AND s.agent_reached_at IS NOT DISTINCT FROM c.agent_reached_at
          OR s.state = 'allocating' AND c.state = 'session_granted');
      IF FOUND THEN
        saved := saved || c.ord;
      END IF;
    END LOOP;
    INSERT INTO calls (call_id, session_id, client_call_id, state, created_at, status_at)
      SELECT x.call_id, x.session_id, x.client_call_id, x.state, x.created_at, x.status_at
      FROM json_to_recordset(calls) AS x(n integer, ord integer, call_id text, session_id text,
        client_call_id text, state text, created_at bigint, status_at bigint)
      WHERE x.ord = ANY (saved) ORDER BY x.n
      ON CONFLICT (call_id) DO UPDATE SET state = EXCLUDED.state, status_at = EXCLUDED.status_at;
    INSERT INTO session_events (session_id, call_id, kind, status, actor, at)
      SELECT x.session_id, x.call_id, x.kind, x.status, x.actor, x.at
      FROM json_to_recordset(events) AS x(n integer, ord integer, session_id text, call_id text,
        kind text, status text, actor text, at bigint)
      WHERE x.ord = ANY (saved) ORDER BY x.n;
    RETURN QUERY SELECT unnest(saved);
  END $$;

  -- The takes of a batch in one function, without a call of take_request and a setting per key.
  CREATE OR REPLACE FUNCTION take_requests(keys text[], capacity double precision, at bigint,
    per_ms double precision) RETURNS TABLE (ord bigint, allowed boolean, left_over double precision)
  LANGUAGE plpgsql AS $$
  DECLARE
    asked record;
    had double precision;
    since bigint;
  BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    FOR asked IN SELECT u.k, u.o FROM unnest(keys) WITH ORDINALITY AS u(k, o) ORDER BY u.k, u.o LOOP
      INSERT INTO rate_buckets VALUES (asked.k, capacity, at) ON CONFLICT (key) DO NOTHING;
      SELECT tokens, updated_at INTO had, since FROM rate_buckets WHERE key = asked.k FOR UPDATE;
      ord := asked.o;
      left_over := LEAST(capacity, had + GREATEST(at - since, 0) * per_ms);
      allowed := left_over >= 1;
      IF allowed THEN
        left_over := left_over - 1;
      END IF;
      UPDATE rate_buckets SET tokens = left_over, updated_at = GREATEST(at, since)
        WHERE key = asked.k;
      RETURN NEXT;
    END LOOP;
  END $$;
`;
