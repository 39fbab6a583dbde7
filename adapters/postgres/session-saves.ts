import type pg from "pg";
import type { SessionChange } from "../../core/ports.ts";
import { Batches } from "./batches.ts";
import { run } from "./queries.ts";

/** Changes saved in one statement at most. */
const batchSize = 128;

const calls = `json_to_recordset($COLS::json) AS c(n int, ord int, call_id text, session_id text,
  client_call_id text, state text, created_at bigint, status_at bigint)`;
const events = `json_to_recordset($COLS::json) AS e(n int, ord int, session_id text, call_id text,
  kind text, status text, actor text, at bigint)`;
const upsertCalls = `INSERT INTO calls (call_id, session_id, client_call_id, state, created_at, status_at)`;
const insertEvents = "INSERT INTO session_events (session_id, call_id, kind, status, actor, at)";

/** One change: the session only if its version is as expected, then the rest. */
const one = `WITH updated AS (
    UPDATE sessions SET state = $2, reason = $3, room_name = $4, room_alias = $5, guest_pin = $6,
      status_at = $7, last_activity_at = $8, agent_reached_at = $9, version = $10
    WHERE id = $1 AND version = $11 RETURNING id
  ), calls_written AS (
    ${upsertCalls}
    SELECT c.call_id, c.session_id, c.client_call_id, c.state, c.created_at, c.status_at
    FROM updated, ${calls.replace("$COLS", "$12")} ORDER BY c.n
    ON CONFLICT (call_id) DO UPDATE SET state = EXCLUDED.state, status_at = EXCLUDED.status_at
  ), events_written AS (
    ${insertEvents}
    SELECT e.session_id, e.call_id, e.kind, e.status, e.actor, e.at
    FROM updated, ${events.replace("$COLS", "$13")} ORDER BY e.n
  ), owed AS (
    INSERT INTO room_deletions (room_name, owed_at, next_attempt_at, session_id)
    SELECT room, $7, $7, $1 FROM updated, unnest($14::text[]) AS room
  )
  SELECT count(*)::int AS saved FROM updated`;

/**
 * Many changes that move no counter (the session's state and agent_reached_at stay as they are: a
 * keep-alive), one transaction: each session only if its version is as expected and those two are
 * unchanged, then its calls and events. Sessions are updated in id order, so two replicas' batches
 * lock shared sessions alike. Answers the changes (their `ord`) that were saved.
 */
const many = `WITH input AS (
    SELECT * FROM json_to_recordset($1::json) AS i(ord int, id text, state text, reason text,
      room_name text, room_alias text, guest_pin text, status_at bigint, last_activity_at bigint,
      agent_reached_at bigint, version integer, expected integer)
    ORDER BY i.id
  ), updated AS (
    UPDATE sessions s SET reason = i.reason, room_name = i.room_name, room_alias = i.room_alias,
      guest_pin = i.guest_pin, status_at = i.status_at, last_activity_at = i.last_activity_at,
      version = i.version
    FROM input i WHERE s.id = i.id AND s.version = i.expected AND s.state = i.state
      AND s.agent_reached_at IS NOT DISTINCT FROM i.agent_reached_at
    RETURNING i.ord
  ), calls_written AS (
    ${upsertCalls}
    SELECT c.call_id, c.session_id, c.client_call_id, c.state, c.created_at, c.status_at
    FROM ${calls.replace("$COLS", "$2")} WHERE c.ord IN (SELECT ord FROM updated) ORDER BY c.n
    ON CONFLICT (call_id) DO UPDATE SET state = EXCLUDED.state, status_at = EXCLUDED.status_at
  ), events_written AS (
    ${insertEvents}
    SELECT e.session_id, e.call_id, e.kind, e.status, e.actor, e.at
    FROM ${events.replace("$COLS", "$3")} WHERE e.ord IN (SELECT ord FROM updated) ORDER BY e.n
  )
  SELECT ord FROM updated`;

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
/** Rows numbered in order (`n`): the order their ids are given in. */
const numbered = <T>(rows: T[]) => rows.map((row, n) => ({ n, ...row }));

/**
 * Saves of sessions, each atomic and committed before it is answered. A change that moves no
 * counter (no session status, no room deletion: a keep-alive) goes with the others of the moment
 * in one statement; one that was not saved so (its version moved on, or its state or time with the
 * agent did) and every other change is saved alone, and the single save decides.
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
    const batched = !change.roomDeletions?.length && change.events.every((e) => e.kind === "call");
    if (batched && (await this.batches.run(change))) return true;
    return this.saveOne(change);
  }

  private async saveMany(changes: SessionChange[]): Promise<boolean[]> {
    const sessions = changes.map(({ session: s, expectedVersion }, ord) => ({
      ord,
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
    }));
    const { rows } = await run(this.pool, "save_sessions", many, [
      JSON.stringify(sessions),
      JSON.stringify(numbered(changes.flatMap((change, ord) => callRows(change, ord)))),
      JSON.stringify(numbered(changes.flatMap((change, ord) => eventRows(change, ord)))),
    ]);
    const saved = new Set(rows.map((row) => row.ord as number));
    return changes.map((_, ord) => saved.has(ord));
  }

  private async saveOne(change: SessionChange): Promise<boolean> {
    const { session } = change;
    const { rows } = await run(this.pool, "save_session", one, [
      session.id,
      session.state,
      session.reason ?? null,
      session.room?.name ?? null,
      session.room?.alias ?? null,
      session.room?.guestPin ?? null,
      session.statusAt,
      session.lastActivityAt,
      session.agentReachedAt ?? null,
      session.version,
      change.expectedVersion,
      JSON.stringify(numbered(callRows(change))),
      JSON.stringify(numbered(eventRows(change))),
      change.roomDeletions ?? [],
    ]);
    const saved = rows[0]?.saved === 1;
    if (saved && change.roomDeletions?.length) this.deletionsOwed();
    return saved;
  }
}
