import { live } from "./states.ts";

export const v9 = `
  -- The support staff's list of live sessions, newest first, page by page: walked in order down an
  -- index of the live ones, fifty rows, whatever the planner's statistics say. Planned from
  -- statistics taken when few sessions were live, the list fetched every live session and sorted
  -- them (p50 10 or 70 ms at 10,000 live, from one run to the next); with sorting off for this
  -- one query, the index walk is the only plan left.
  CREATE INDEX sessions_live_created ON sessions (created_at, id) WHERE state IN ${live};

  CREATE FUNCTION live_sessions_page(before_at bigint, before_id text, page integer)
  RETURNS SETOF sessions LANGUAGE sql STABLE SET enable_sort = off AS $$
    SELECT * FROM sessions
    WHERE state IN ${live}
      AND (created_at, id) < (COALESCE(before_at, 9223372036854775807), COALESCE(before_id, ''))
    ORDER BY created_at DESC, id DESC LIMIT page
  $$;
`;
