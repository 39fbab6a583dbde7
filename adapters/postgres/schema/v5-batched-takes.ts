export const v5 = `
  -- The takes of several requests in one statement, the buckets locked in key order (so two
  -- replicas' batches never wait on each other in a circle), answered in the order asked.
  CREATE FUNCTION take_requests(keys text[], capacity double precision, at bigint,
    per_ms double precision) RETURNS TABLE (ord bigint, allowed boolean, left_over double precision)
  LANGUAGE plpgsql AS $$
  DECLARE
    asked record;
    taken record;
  BEGIN
    FOR asked IN SELECT u.k, u.o FROM unnest(keys) WITH ORDINALITY AS u(k, o) ORDER BY u.k, u.o LOOP
      SELECT * INTO taken FROM take_request(asked.k, capacity, at, per_ms);
      ord := asked.o;
      allowed := taken.allowed;
      left_over := taken.left_over;
      RETURN NEXT;
    END LOOP;
  END $$;
`;
