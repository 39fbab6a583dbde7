export const v10 = `
  -- A take in one statement where it took three (v8: insert, lock, update): the bucket is refilled,
  -- taken from if it can be, and marked with the verdict in one UPDATE, whose SET reads the row as
  -- it was and which locks it as it writes; a key without a bucket gets a full one less the take.
  -- The buckets are still taken in key order, and answered in the order asked.
  ALTER TABLE rate_buckets ADD COLUMN allowed boolean NOT NULL DEFAULT true;
  CREATE OR REPLACE FUNCTION take_requests(keys text[], capacity double precision, at bigint,
    per_ms double precision) RETURNS TABLE (ord bigint, allowed boolean, left_over double precision)
  LANGUAGE plpgsql AS $$
  DECLARE
    asked record;
  BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    FOR asked IN SELECT u.k, u.o FROM unnest(keys) WITH ORDINALITY AS u(k, o) ORDER BY u.k, u.o LOOP
      ord := asked.o;
      LOOP
        UPDATE rate_buckets b SET
          allowed = LEAST(capacity, b.tokens + GREATEST(at - b.updated_at, 0) * per_ms) >= 1,
          tokens = LEAST(capacity, b.tokens + GREATEST(at - b.updated_at, 0) * per_ms)
            - CASE WHEN LEAST(capacity, b.tokens + GREATEST(at - b.updated_at, 0) * per_ms) >= 1
              THEN 1 ELSE 0 END,
          updated_at = GREATEST(at, b.updated_at)
        WHERE b.key = asked.k RETURNING b.allowed, b.tokens INTO allowed, left_over;
        EXIT WHEN FOUND;
        -- A new bucket; one another transaction made first is taken from above.
        INSERT INTO rate_buckets AS b (key, tokens, updated_at, allowed)
          VALUES (asked.k, CASE WHEN capacity >= 1 THEN capacity - 1 ELSE capacity END, at, capacity >= 1) ON CONFLICT (key) DO NOTHING
          RETURNING b.allowed, b.tokens INTO allowed, left_over;
        EXIT WHEN FOUND;
      END LOOP;
      RETURN NEXT;
    END LOOP;
  END $$;
`;
