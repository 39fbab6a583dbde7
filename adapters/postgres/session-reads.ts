import type pg from "pg";
import type { Call, Session } from "../../core/model.ts";
import { Batches } from "./batches.ts";
import { run } from "./queries.ts";
import { callFields, sessionFields, toCall, toSession } from "./rows.ts";

/** Reads sent in one statement at most. */
const batchSize = 128;

/** A session by its id, or (with clientCallId) one of its calls. */
interface Read {
  sessionId: string;
  clientCallId: string | null;
}

/** Each read's row as JSON (a session's or a call's), or null, in the order asked. */
const read = `SELECT CASE WHEN r.client_call_id IS NULL
    THEN (SELECT row_to_json(s) FROM (SELECT ${sessionFields} FROM sessions
      WHERE id = r.session_id) s)
    ELSE (SELECT row_to_json(c) FROM (SELECT ${callFields} FROM calls
      WHERE session_id = r.session_id AND client_call_id = r.client_call_id) c)
  END AS found
  FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS r(session_id, client_call_id, ord)
  ORDER BY r.ord`;

/**
 * Sessions and calls read by key, the reads of requests arriving together in one statement (a
 * keep-alive's session and call go in the same one): a round trip is most of a read's cost.
 */
export class SessionReads {
  private readonly batches: Batches<Read, unknown>;

  constructor(pool: pg.Pool) {
    this.batches = new Batches(async (reads) => {
      const { rows } = await run(pool, "read_sessions", read, [
        reads.map((r) => r.sessionId),
        reads.map((r) => r.clientCallId),
      ]);
      return rows.map((row) => row.found);
    }, batchSize);
  }

  async session(id: string): Promise<Session | undefined> {
    const found = await this.batches.run({ sessionId: id, clientCallId: null });
    return found ? toSession(found) : undefined;
  }

  async call(sessionId: string, clientCallId: string): Promise<Call | undefined> {
    const found = await this.batches.run({ sessionId, clientCallId });
    return found ? toCall(found) : undefined;
  }
}
