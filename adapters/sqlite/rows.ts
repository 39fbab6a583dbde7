import { z } from "zod";
import { type Call, callStates, type Session, sessionStates } from "../../core/model.ts";
import type { Row, SqlValue } from "./database.ts";

export const live = "('allocating', 'session_granted', 'session_started')";
export const waiting = "('session_granted', 'session_started')";

export const sessionColumns = `id, client_id, device_code, destination_name, destination_host,
  state, reason, uui_data, room_name, room_alias, guest_pin, created_at, status_at,
  last_activity_at, agent_reached_at, version`;

const text = z.string();
const time = z.number().int();
const maybe = <T extends z.ZodType>(type: T) => type.nullable().transform((v) => v ?? undefined);

/** A sessions row as read back; a row that does not fit is a broken store, not a session. */
const sessionRow = z.object({
  id: text,
  client_id: text,
  device_code: text,
  destination_name: text,
  destination_host: text,
  state: z.enum(sessionStates),
  reason: maybe(text),
  uui_data: text,
  room_name: z.string().nullable(),
  room_alias: z.string().nullable(),
  guest_pin: z.string().nullable(),
  created_at: time,
  status_at: time,
  last_activity_at: time,
  agent_reached_at: maybe(time),
  version: time,
});

const callRow = z.object({
  session_id: text,
  call_id: text,
  client_call_id: text,
  state: z.enum(callStates),
  created_at: time,
  status_at: time,
});

export function toSession(row: Row): Session {
  const r = sessionRow.parse(row);
  return {
    id: r.id,
    clientId: r.client_id,
    deviceCode: r.device_code,
    destinationName: r.destination_name,
    destinationHost: r.destination_host,
    state: r.state,
    reason: r.reason,
    uuiData: r.uui_data,
    room:
      r.room_name === null
        ? undefined
        : {
            name: r.room_name,
            alias: present(r.room_alias, "room_alias"),
            guestPin: present(r.guest_pin, "guest_pin"),
          },
    createdAt: r.created_at,
    statusAt: r.status_at,
    lastActivityAt: r.last_activity_at,
    agentReachedAt: r.agent_reached_at,
    version: r.version,
  };
}

export function toCall(row: Row): Call {
  const r = callRow.parse(row);
  return {
    sessionId: r.session_id,
    callId: r.call_id,
    clientCallId: r.client_call_id,
    state: r.state,
    createdAt: r.created_at,
    statusAt: r.status_at,
  };
}

/** A room is stored whole: a room name without its alias or PIN is a broken row. */
function present(value: string | null, column: string): string {
  if (value === null) throw new Error(`sessions row has a room but no ${column}`);
  return value;
}

/** The values of `sessionColumns`, in order. */
export function sessionValues(s: Session): SqlValue[] {
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
  ];
}

export const placeholders = (count: number) => Array.from({ length: count }, () => "?").join(", ");
