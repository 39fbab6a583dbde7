import type { Random } from "../control/random.ts";
import { answerSdp } from "./sdp.ts";

/**
 * The media side of the conference node: what answers a WebRTC offer and carries the call's RTP.
 * Injected, because a real WebRTC stack is runtime-specific and the simulators stay web-standard;
 * without one, `syntacticCallMedia` answers on paper and no media flows.
 */
export interface CallMedia {
  /** A media leg for a WebRTC offer; undefined when the offer cannot be answered. */
  answer(offerSdp: string, events: CallMediaEvents): Promise<MediaLeg | undefined>;
}

export interface CallMediaEvents {
  /** The peer sent nothing for too long, or its connection failed: the node hangs up on it. */
  silent(): void;
}

/** A trickled ICE candidate, as the client API's `new_candidate` carries it. */
export interface TrickledCandidate {
  /** Empty: the end of the peer's candidates. */
  candidate: string;
  mid?: string;
}

/** One call's media, from the answer to the hang-up. */
export interface MediaLeg {
  readonly answerSdp: string;
  addCandidate(candidate: TrickledCandidate): Promise<void>;
  /** The answer to a renegotiation; undefined when the offer cannot be answered. */
  update(offerSdp: string): Promise<string | undefined>;
  /** The agent answered: it starts sending to this call. */
  startAgentMedia(): void;
  close(): void;
}

/** Answers that are valid SDP but lead nowhere: fast, deterministic, for tests of signalling. */
export function syntacticCallMedia(random: Random, address: string): CallMedia {
  const answer = (offer: string) => answerSdp(offer, random, address);
  return {
    async answer(offerSdp) {
      const sdp = answer(offerSdp);
      if (!sdp) return undefined;
      return {
        answerSdp: sdp,
        addCandidate: async () => {},
        update: async (offer) => answer(offer),
        startAgentMedia: () => {},
        close: () => {},
      };
    },
  };
}
