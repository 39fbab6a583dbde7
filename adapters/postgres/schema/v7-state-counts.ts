export const v7 = `
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
`;
