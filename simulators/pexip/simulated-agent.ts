import type { SimClock } from "../control/clock.ts";
import type { Random } from "../control/random.ts";
import { broadcast } from "./conference-events.ts";
import { hasAgent, type LiveConference, type Participant, participantJson } from "./live-model.ts";

export interface SimulatedAgentOptions {
  clock: SimClock;
  random: Random;
  joinDelayMs: number;
  /** Whether the conference is still the live one of its name (it may have ended meanwhile). */
  isLive(conference: LiveConference): boolean;
  /** Puts a participant in the conference's roster. */
  admit(conference: LiveConference, participant: Participant): void;
}

/**
 * The contact centre's agent: the room dials it (SIP into a Genesys queue) once a citizen is in,
 * and it answers after a while, which lets the waiting guests in.
 */
export class SimulatedAgent {
  readonly #options: SimulatedAgentOptions;

  constructor(options: SimulatedAgentOptions) {
    this.#options = options;
  }

  dial(conference: LiveConference): void {
    if (hasAgent(conference) || conference.cancelAgentJoin) return;
    conference.cancelAgentJoin = this.#options.clock.setTimer(this.#options.joinDelayMs, () => {
      conference.cancelAgentJoin = undefined;
      if (this.#options.isLive(conference)) this.#answer(conference);
    });
  }

  #answer(conference: LiveConference): void {
    const { clock, random } = this.#options;
    this.#options.admit(conference, {
      uuid: random.uuid(),
      displayName: "Agent",
      role: "HOST",
      isAgent: true,
      protocol: "sip",
      serviceType: "conference",
      callTag: "",
      vendor: "Genesys Cloud",
      hasMedia: true,
      isVideoCall: true,
      startMs: clock.now(),
      calls: new Map(),
      alias: conference.config.aliases[0]?.alias ?? conference.name,
    });
    // With a host present, waiting guests are let into the conference.
    for (const guest of conference.participants.values()) {
      for (const call of guest.calls.values()) if (call.acked) call.media.startAgentMedia();
      if (guest.serviceType !== "waiting_room") continue;
      guest.serviceType = "conference";
      broadcast(conference, "participant_update", participantJson(guest));
    }
  }
}
