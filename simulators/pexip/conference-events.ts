import { endedByTheNode } from "./disconnect-reasons.ts";
import { EventStream } from "./event-stream.ts";
import {
  type Attendance,
  type LiveConference,
  type Participant,
  participantJson,
} from "./live-model.ts";

/** The conference's events, sent to every event stream open on it. */
export function broadcast(conference: LiveConference, event: string, data: unknown): void {
  for (const stream of conference.streams) stream.send(event, data);
}

/** A participant's new event stream: the roster is replayed first, as on every (re)connect. */
export function openStream({ conference, participant }: Attendance): EventStream {
  const stream = new EventStream(participant.uuid, (closed) => conference.streams.delete(closed));
  conference.streams.add(stream);
  stream.send("participant_sync_begin", null);
  for (const other of conference.participants.values()) {
    stream.send("participant_create", participantJson(other));
  }
  stream.send("participant_sync_end", null);
  return stream;
}

/** Ends a leaving participant's streams; when the node ended it, its client is told why first. */
export function closeStreams(
  conference: LiveConference,
  participant: Participant,
  reason: string,
): void {
  for (const stream of [...conference.streams]) {
    if (stream.participantUuid !== participant.uuid) continue;
    if (endedByTheNode(reason)) {
      for (const call of participant.calls.values()) {
        stream.send("call_disconnected", { call_uuid: call.uuid, reason });
      }
      stream.send("disconnect", { reason });
    }
    stream.close();
    conference.streams.delete(stream);
  }
}
