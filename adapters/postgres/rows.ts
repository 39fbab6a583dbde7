import { z } from "zod";
import { type Call, callStates, type Session, sessionStates } from "../../core/model.ts";

export const live = "('allocating', 'session_granted', 'session_started')";

/** A session row, read back in the domain's own names (the room as one object, or null). */
export const sessionFields = `id, client_id AS "clientId", device_code AS "deviceCode",
  destination_name AS "destinationName", destination_host AS "destinationHost", state, reason,
  uui_data AS "uuiData",
  CASE WHEN room_name IS NULL THEN NULL
    ELSE json_build_object('name', room_name, 'alias', room_alias, 'guestPin', guest_pin) END AS room,
  created_at AS "createdAt", status_at AS "statusAt", last_activity_at AS "lastActivityAt",
  agent_reached_at AS "agentReachedAt", version`;

export const callFields = `session_id AS "sessionId", call_id AS "callId",
  client_call_id AS "clientCallId", state, created_at AS "createdAt", status_at AS "statusAt"`;

const absentWhenNull = <T extends z.ZodType>(type: T) =>
  type.nullable().transform((value) => value ?? undefined);

/** What a row must hold to be a session; one that does not is a broken store, not a session. */
const sessionRow = z.object({
  id: z.string(),
  clientId: z.string(),
  deviceCode: z.string(),
  destinationName: z.string(),
  destinationHost: z.string(),
  state: z.enum(sessionStates),
  reason: absentWhenNull(z.string()),
  uuiData: z.string(),
  room: absentWhenNull(z.object({ name: z.string(), alias: z.string(), guestPin: z.string() })),
  createdAt: z.number().int(),
  statusAt: z.number().int(),
  lastActivityAt: z.number().int(),
  agentReachedAt: absentWhenNull(z.number().int()),
  version: z.number().int(),
});

const callRow = z.object({
  sessionId: z.string(),
  callId: z.string(),
  clientCallId: z.string(),
  state: z.enum(callStates),
  createdAt: z.number().int(),
  statusAt: z.number().int(),
});

export const toSession = (row: unknown): Session => sessionRow.parse(row);
export const toCall = (row: unknown): Call => callRow.parse(row);

/** A session as the `sessions` composite type's fields, in column order ($1…$17). */
export function sessionRecord(s: Session, allocatedBy: string | null): unknown[] {
  return [
    s.id,
    s.clientId,
    s.deviceCode,
    s.destinationName,
    s.destinationHost,
    s.state,
    s.reason ?? null,
    s.uuiData,
    s.room?.name ?? null,
    s.room?.alias ?? null,
    s.room?.guestPin ?? null,
    s.createdAt,
    s.statusAt,
    s.lastActivityAt,
    s.agentReachedAt ?? null,
    s.version,
    allocatedBy,
  ];
}
