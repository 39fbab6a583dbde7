import type { Call, Destination } from "../../core/model.ts";
import type { SessionView } from "../../core/use-cases/index.ts";

const seconds = (ms: number) => Math.floor(ms / 1000);

/** The seed's video_session_message, with the field names the shipped app reads. */
export function videoSession({ session, queuePosition }: SessionView) {
  if (session.state === "requested" || session.state === "allocating") {
    throw new Error(`session ${session.id} is not ready to be shown`);
  }
  return {
    session_id: session.id,
    client_id: session.clientId,
    device_code: session.deviceCode,
    destination_host: session.destinationHost,
    room_name: session.room?.name ?? null,
    room_alias: session.room?.alias ?? null,
    guest_pin: session.room?.guestPin ?? null,
    queue_position: queuePosition,
    status: session.state,
    status_date: seconds(session.statusAt),
    created_date: seconds(session.createdAt),
    ...(session.reason ? { reason: session.reason } : {}),
  };
}

export function videoCall(call: Call) {
  if (call.state === "new") throw new Error(`call ${call.callId} has no status yet`);
  return {
    session_id: call.sessionId,
    call_id: call.callId,
    client_call_id: call.clientCallId,
    status: call.state,
    status_date: seconds(call.statusAt),
  };
}

export function videoDestination(destination: Destination) {
  return {
    destination_name: destination.name,
    destination_priority: destination.priority,
    destination_host: destination.host,
    max_inactive_seconds: destination.maxInactiveSeconds,
    max_queue_wait_seconds: destination.maxQueueWaitSeconds,
    max_active_sessions: destination.maxActiveSessions,
    ...(destination.numberOfAgents === undefined
      ? {}
      : { number_of_agents: destination.numberOfAgents }),
  };
}
