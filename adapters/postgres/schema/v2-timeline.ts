export const v2 = `
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
`;
