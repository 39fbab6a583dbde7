import type { Random } from "../control/random.ts";
import type { CallMedia, TrickledCandidate } from "./call-media.ts";
import { broadcast } from "./conference-events.ts";
import { type Attendance, hasAgent, participantJson } from "./live-model.ts";

/** The participants' WebRTC calls: the media leg of each, from the offer to the hang-up. */
export class CallLegs {
  readonly #random: Random;
  readonly #media: CallMedia;
  readonly #silent: (attendance: Attendance) => void;

  /** `silent`: a call whose peer went silent (the node then ends its participant). */
  constructor(random: Random, media: CallMedia, silent: (attendance: Attendance) => void) {
    this.#random = random;
    this.#media = media;
    this.#silent = silent;
  }

  async start(
    attendance: Attendance,
    offer: string,
  ): Promise<{ call_uuid: string; sdp: string } | undefined> {
    const { participant, conference } = attendance;
    let callUuid = "";
    const media = await this.#media.answer(offer, {
      silent: () => {
        if (participant.calls.has(callUuid)) this.#silent(attendance);
      },
    });
    if (!media) return undefined;
    if (!conference.participants.has(participant.uuid)) {
      media.close(); // it left while the answer was being made
      return undefined;
    }
    callUuid = this.#random.uuid();
    participant.calls.set(callUuid, { uuid: callUuid, acked: false, media });
    participant.protocol = "webrtc";
    participant.isVideoCall = /^m=video /m.test(offer);
    broadcast(conference, "participant_update", participantJson(participant));
    return { call_uuid: callUuid, sdp: media.answerSdp };
  }

  /** The answer to an SDP renegotiation of an existing call. */
  async update(attendance: Attendance, callUuid: string, offer: string) {
    return attendance.participant.calls.get(callUuid)?.media.update(offer);
  }

  async addCandidate(attendance: Attendance, callUuid: string, candidate: TrickledCandidate) {
    await attendance.participant.calls.get(callUuid)?.media.addCandidate(candidate);
  }

  /** The client applied the answer: media may flow, and the agent sends once it is in. */
  ack({ participant, conference }: Attendance, callUuid: string): boolean {
    const call = participant.calls.get(callUuid);
    if (!call) return false;
    call.acked = true;
    participant.hasMedia = true;
    if (hasAgent(conference)) call.media.startAgentMedia();
    broadcast(conference, "participant_update", participantJson(participant));
    return true;
  }

  hangUp({ participant, conference }: Attendance, callUuid: string): boolean {
    const call = participant.calls.get(callUuid);
    if (!call) return false;
    call.media.close();
    participant.calls.delete(callUuid);
    if (participant.calls.size === 0) {
      participant.protocol = "api";
      participant.hasMedia = false;
      participant.isVideoCall = false;
    }
    broadcast(conference, "participant_update", participantJson(participant));
    return true;
  }
}
