export const v8 = `
  -- A keep-alive changes a session's last_activity_at, which the idle sessions' index held: every
  -- keep-alive wrote a new row version into each of the session's indexes (no update of a session
  -- was HOT). The idle job finds a destination's waiting sessions by the live sessions' index and
  -- checks their activity itself, and each page keeps room for the row's next versions.
  DROP INDEX sessions_idle;
  ALTER TABLE sessions SET (fillfactor = 80);
`;
