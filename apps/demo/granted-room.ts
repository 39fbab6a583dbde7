import type { SessionStatus, VideoSession } from "../../clients/video-api/index.ts";

/** What the app needs from a live video session to dial its room. */
export interface GrantedRoom {
  sessionId: string;
  destinationHost: string;
  roomName: string;
  roomAlias: string;
  guestPin: string;
  queuePosition: number;
}

const LIVE = new Set<SessionStatus>(["session_granted", "session_started"]);

/** The session's room; throws when the session is not live or its answer lacks room fields. */
export function grantedRoom(session: VideoSession): GrantedRoom {
  if (!LIVE.has(session.status)) {
    const reason = session.reason ? ` (${session.reason})` : "";
    throw new Error(`the session is ${session.status}${reason}`);
  }
  const { destination_host, room_name, room_alias, guest_pin } = session;
  if (!destination_host || !room_name || !room_alias || typeof guest_pin !== "string") {
    throw new Error(`the ${session.status} session lacks its room (destination, name, alias, pin)`);
  }
  return {
    sessionId: session.session_id,
    destinationHost: destination_host,
    roomName: room_name,
    roomAlias: room_alias,
    guestPin: guest_pin,
    queuePosition: session.queue_position,
  };
}
