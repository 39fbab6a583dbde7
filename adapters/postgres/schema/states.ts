// The states the schema's rules name, as SQL lists.
export const live = "('allocating', 'session_granted', 'session_started')";
export const waiting = "('session_granted', 'session_started')";
export const isWaiting = (row: string) =>
  `${row}.state IN ${waiting} AND ${row}.agent_reached_at IS NULL`;
