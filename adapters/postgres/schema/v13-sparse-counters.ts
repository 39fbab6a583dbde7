export const v13 = `
  -- The counter rows change with every create, grant and end, and each change leaves the row's old
  -- version behind on its page until the page is pruned, which happens once little of it is free:
  -- under load a count read walked chains of dead versions (the reads of a create's counts 60–80
  -- µs on fresh counters, 100–130 after a few thousand creates). Pages filled to a tenth are pruned
  -- as soon as they are read with dead versions on them; the tables hold a few rows per key and
  -- shard. (A page already full stays so; a row's next version goes to a page with room.)
  ALTER TABLE live_counts SET (fillfactor = 10);
  ALTER TABLE waiting_counts SET (fillfactor = 10);
  ALTER TABLE state_counts SET (fillfactor = 10);
`;
