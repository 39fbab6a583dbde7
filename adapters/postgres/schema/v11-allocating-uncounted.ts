export const v11 = `
  -- Sessions allocating a room are no longer counted by the state counts' trigger. A grant's commit
  -- waits for the disk holding the counter rows it moved (allocating down, granted up), and every
  -- create's intent, adding to an allocating row, waited behind it: the intents went at the pace of
  -- the grants' fsyncs. The allocating sessions are few (the creates in flight) and indexed
  -- (sessions_allocating): they are counted where they are when the counts are read.
  CREATE OR REPLACE FUNCTION count_state() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    row sessions := COALESCE(NEW, OLD);
    row_shard integer := counter_shard(row.id);
  BEGIN
    IF TG_OP <> 'INSERT' AND OLD.state <> 'allocating' THEN
      UPDATE state_counts SET sessions = sessions - 1 WHERE state = OLD.state AND shard = row_shard;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.state <> 'allocating' THEN
      INSERT INTO state_counts VALUES (NEW.state, row_shard, 1)
        ON CONFLICT (state, shard) DO UPDATE SET sessions = state_counts.sessions + 1;
    END IF;
    RETURN NULL;
  END $$;
  DELETE FROM state_counts WHERE state = 'allocating';
`;
