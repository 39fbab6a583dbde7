import { type Call, callStates, type Session, sessionStates } from "../../core/model.ts";
import { columnsOf } from "./columns.ts";
import type { Row, SqlValue } from "./database.ts";

export const live = "('allocating', 'session_granted', 'session_started')";
export const waiting = "('session_granted', 'session_started')";

export const sessionColumns = `id, client_id, device_code, destination_name, destination_host,
  state, reason, uui_data, room_name, room_alias, guest_pin, created_at, status_at,
  last_activity_at, agent_reached_at, version`;

/** A sessions row as read back; a row that does not fit is a broken store, not a session. */
export function toSession(row: Row): Session {
  const c = columnsOf(row, "sessions");
  const roomName = c.textOrNull("room_name");
  return {
    id: c.text("id"),
    clientId: c.text("client_id"),
    deviceCode: c.text("device_code"),
    destinationName: c.text("destination_name"),
    destinationHost: c.text("destination_host"),
    state: c.oneOf("state", sessionStates),
    reason: c.textOrNull("reason") ?? undefined,
    uuiData: c.text("uui_data"),
    room:
      roomName === null
        ? undefined
        : {
            name: roomName,
            alias: present(c.textOrNull("room_alias"), "room_alias"),
            guestPin: present(c.textOrNull("guest_pin"), "guest_pin"),
          },
    createdAt: c.int("created_at"),
    statusAt: c.int("status_at"),
    lastActivityAt: c.int("last_activity_at"),
    agentReachedAt: c.intOrNull("agent_reached_at") ?? undefined,
    version: c.int("version"),
  };
}

export function toCall(row: Row): Call {
  const c = columnsOf(row, "calls");
  return {
    sessionId: c.text("session_id"),
    callId: c.text("call_id"),
    clientCallId: c.text("client_call_id"),
    state: c.oneOf("state", callStates),
    createdAt: c.int("created_at"),
    statusAt: c.int("status_at"),
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
