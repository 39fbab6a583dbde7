import { isWaiting } from "./states.ts";

const waitingAt = `destination_name = q.destination AND ${isWaiting("sessions")}`;
const end = (order: string) =>
  `(SELECT created_at FROM sessions WHERE ${waitingAt}
     ORDER BY created_at ${order}, id ${order} LIMIT 1)`;

export const v14 = `
  -- The queue's counts (postgres-queue.ts) as a function whose plan is made once per connection.
  -- As a prepared statement it was planned anew on every call: the planner saw the arrays' length,
  -- so a plan for one session looked far cheaper than one for any length, and it never kept a
  -- generic plan. Planning its six subqueries against the sessions' partial indexes took ~0.9 ms,
  -- the count itself ~0.2 (in one replica's creates: 1,529 ms planning, 687 running, over 9,504
  -- creates). A plan made once may be made while the tables are nearly empty: without sorts and
  -- sequential scans, the only plans left walk the queue's index from the session and read the
  -- counters by key (made on a table of one row, an unguarded plan fetched the destination's every
  -- live session and sorted them: 2.5 ms for a new session's place among 5,000).
  --
  -- For each session asked (one row of the arrays): those on the side asked (ahead or behind),
  -- counted up to the limit, walking the queue's index away from the session (ordered so, or a
  -- plan for any parameters reads the whole table); everyone waiting (kept by a trigger); whether
  -- the session itself still waits, found by its id alone (beside the queue's conditions, a
  -- planner without statistics yet walked the whole queue for it); and, when the count reached the
  -- limit, the queue's ends. (OFFSET 0: the counts are made once, not once for each mention.)
  CREATE FUNCTION queue_counts(destinations text[], ats bigint[], ids text[], limits integer[],
    aheads boolean[])
  RETURNS TABLE (ord bigint, counted integer, total integer, self integer, first_at bigint,
    last_at bigint)
  LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan SET enable_sort = off
    SET enable_seqscan = off AS $$
  #variable_conflict use_column
  BEGIN
    RETURN QUERY SELECT q.ord, c.counted, c.total, c.self,
        CASE WHEN c.counted >= q.lim THEN ${end("ASC")} END,
        CASE WHEN c.counted >= q.lim THEN ${end("DESC")} END
      FROM unnest(destinations, ats, ids, limits, aheads) WITH ORDINALITY
        AS q(destination, at, id, lim, ahead, ord),
      LATERAL (SELECT
        CASE WHEN q.ahead THEN
          (SELECT count(*)::integer FROM (SELECT FROM sessions WHERE ${waitingAt}
             AND (created_at, id) < (q.at, q.id) ORDER BY created_at DESC, id DESC LIMIT q.lim) a)
        ELSE
          (SELECT count(*)::integer FROM (SELECT FROM sessions WHERE ${waitingAt}
             AND (created_at, id) > (q.at, q.id) ORDER BY created_at, id LIMIT q.lim) b)
        END AS counted,
        (SELECT sum(waiting)::integer FROM waiting_counts
          WHERE destination_name = q.destination) AS total,
        (SELECT (${isWaiting("sessions")})::integer FROM sessions WHERE id = q.id) AS self
        OFFSET 0) c;
  END $$;
`;
