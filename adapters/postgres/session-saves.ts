import type pg from "pg";
import { StoreUnavailable } from "../../core/errors.ts";
import type { SessionChange } from "../../core/ports.ts";
import { Batches } from "./batches.ts";
import { run } from "./queries.ts";

/** Changes saved in one statement at most. */
const batchSize = 128;

/** One change: the session only if its version is as expected, then the rest. */
const one = `WITH updated AS (
    UPDATE sessions SET state = $2, reason = $3, room_name = $4, room_alias = $5, guest_pin = $6,
      status_at = $7, last_activity_at = $8, agent_reached_at = $9, version = $10
    WHERE id = $1 AND version = $11 RETURNING id
  ), calls_written AS (
    INSERT INTO calls (call_id, session_id, client_call_id, state, created_at, status_at)
    SELECT c.call_id, c.session_id, c.client_call_id, c.state, c.created_at, c.status_at
    FROM updated, json_to_recordset($12::json) AS c(n int, call_id text, session_id text,
      client_call_id text, state text, created_at bigint, status_at bigint) ORDER BY c.n
    ON CONFLICT (call_id) DO UPDATE SET state = EXCLUDED.state, status_at = EXCLUDED.status_at
  ), events_written AS (
    INSERT INTO session_events (session_id, call_id, kind, status, actor, at)
    SELECT e.session_id, e.call_id, e.kind, e.status, e.actor, e.at
    FROM updated, json_to_recordset($13::json) AS e(n int, session_id text, call_id text,
      kind text, status text, actor text, at bigint) ORDER BY e.n
  ), owed AS (
    INSERT INTO room_deletions (room_name, owed_at, next_attempt_at, session_id)
    SELECT room, $7, $7, $1 FROM updated, unnest($14::text[]) AS room
  )
  SELECT count(*)::int AS saved FROM updated`;

/** Many changes, one transaction (save_sessions, schema/v8-batched-saves.ts): the saved ones' ord. */
const many = "SELECT save_sessions($1, $2, $3) AS ord";

const callRows = (change: SessionChange, ord = 0) =>
  (change.calls ?? []).map((c) => ({
    ord,
    call_id: c.callId,
    session_id: c.sessionId,
    client_call_id: c.clientCallId,
    state: c.state,
    created_at: c.createdAt,
    status_at: c.statusAt,
  }));
const eventRows = (change: SessionChange, ord = 0) =>
  change.events.map((e) => ({
    ord,
    session_id: e.sessionId,
    call_id: e.callId ?? null,
    kind: e.kind,
    status: e.status,
    actor: e.actor,
    at: e.at,
  }));
/** What a save writes of the session, in the order of `one`'s $1…$11 (and save_sessions' fields). */
const updateOf = ({ session: s, expectedVersion }: SessionChange) => ({
  id: s.id,
  state: s.state,
  reason: s.reason ?? null,
  room_name: s.room?.name ?? null,
  room_alias: s.room?.alias ?? null,
  guest_pin: s.room?.guestPin ?? null,
  status_at: s.statusAt,
  last_activity_at: s.lastActivityAt,
  agent_reached_at: s.agentReachedAt ?? null,
  version: s.version,
  expected: expectedVersion,
});
/** A batch the database refused (not an outage): each of its changes is saved alone. */
const aloneUnlessUnavailable = (error: unknown): false => {
  if (error instanceof StoreUnavailable) throw error;
  return false;
};

/** Rows numbered in order (`n`): the order their ids are given in. */
const numbered = <T>(rows: T[]) => rows.map((row, n) => ({ n, ...row }));

/**
 * Saves of sessions, each atomic and committed before it is answered. A keep-alive (no session
 * status, no room deletion) and a grant go with the others of the moment in one statement; one
 * that was not saved so (its version moved on, or it was neither after all; or the batch was
 * refused, so that one broken change fails only itself) and every other change is saved alone,
 * and the single save decides.
 */
export class SessionSaves {
  private readonly batches: Batches<SessionChange, boolean>;

  constructor(
    private readonly pool: pg.Pool,
    /** Called once a committed change owed room deletions. */
    private readonly deletionsOwed: () => void,
  ) {
    this.batches = new Batches((changes) => this.saveMany(changes), batchSize);
  }

  async save(change: SessionChange): Promise<boolean> {
    const batched =
      !change.roomDeletions?.length &&
      change.events.every((e) => e.kind === "call" || e.status === "session_granted");
    if (batched && (await this.batches.run(change).catch(aloneUnlessUnavailable))) return true;
    return this.saveOne(change);
  }

  private async saveMany(changes: SessionChange[]): Promise<boolean[]> {
    const sessions = changes.map((change, ord) => ({ ord, ...updateOf(change) }));
    const { rows } = await run(this.pool, "save_sessions", many, [
      JSON.stringify(sessions),
      JSON.stringify(numbered(changes.flatMap((change, ord) => callRows(change, ord)))),
      JSON.stringify(numbered(changes.flatMap((change, ord) => eventRows(change, ord)))),
    ]);
    const saved = new Set(rows.map((row) => row.ord as number));
    return changes.map((_, ord) => saved.has(ord));
  }

  private async saveOne(change: SessionChange): Promise<boolean> {
    const { rows } = await run(this.pool, "save_session", one, [
      ...Object.values(updateOf(change)),
      JSON.stringify(numbered(callRows(change))),
      JSON.stringify(numbered(eventRows(change))),
      change.roomDeletions ?? [],
    ]);
    const saved = rows[0]?.saved === 1;
    if (saved && change.roomDeletions?.length) this.deletionsOwed();
    return saved;
  }
}
