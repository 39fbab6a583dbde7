import type { SimClock } from "../control/clock.ts";
import type { Random } from "../control/random.ts";
import { CallLegs } from "./call-legs.ts";
import type { CallMedia } from "./call-media.ts";
import { broadcast, closeStreams } from "./conference-events.ts";
import type { ConferenceConfig } from "./configuration.ts";
import {
  CONFERENCE_ENDED_REASON,
  MEDIA_TIMEOUT_REASON,
  TOKEN_EXPIRED_REASON,
} from "./disconnect-reasons.ts";
import { conferenceEvent, type EventSink, participantEvent } from "./event-sink.ts";
import {
  type Attendance,
  type LiveConference,
  type Participant,
  participantJson,
  type Role,
} from "./live-model.ts";
import { ParticipantTokens } from "./participant-tokens.ts";
import { SimulatedAgent } from "./simulated-agent.ts";

export interface ConferenceNodeOptions {
  clock: SimClock;
  random: Random;
  eventSink: EventSink;
  tokenExpiresSeconds: number;
  agentJoinDelayMs: number;
  callMedia: CallMedia;
}

export interface JoinRequest {
  config: ConferenceConfig;
  alias: string;
  displayName: string;
  role: Role;
  callTag: string;
  vendor: string;
}

/**
 * The runtime of a Pexip conferencing node: who is in which conference (the roster), and what
 * happens as they come and go. Tokens, calls, the agent and the event streams each have their own
 * module; this one ties them to the roster.
 */
export class ConferenceNode {
  readonly calls: CallLegs;
  readonly #options: ConferenceNodeOptions;
  readonly #live = new Map<string, LiveConference>();
  readonly #tokens: ParticipantTokens;
  readonly #agent: SimulatedAgent;

  constructor(options: ConferenceNodeOptions) {
    this.#options = options;
    const { clock, random } = options;
    this.#tokens = new ParticipantTokens({
      clock,
      random,
      lifetimeSeconds: options.tokenExpiresSeconds,
      expired: (attendance) => this.leave(attendance, TOKEN_EXPIRED_REASON),
    });
    // A call that went silent ends its participant, as a dropped WebRTC client does on Pexip.
    this.calls = new CallLegs(random, options.callMedia, (attendance) =>
      this.leave(attendance, MEDIA_TIMEOUT_REASON),
    );
    this.#agent = new SimulatedAgent({
      clock,
      random,
      joinDelayMs: options.agentJoinDelayMs,
      isLive: (conference) => this.#live.get(conference.name) === conference,
      admit: (conference, agent) => this.#admit(conference, agent),
    });
  }

  liveConferences(): LiveConference[] {
    return [...this.#live.values()];
  }

  join(request: JoinRequest): { attendance: Attendance; token: string } {
    const { clock, random } = this.#options;
    const conference = this.#live.get(request.config.name) ?? this.#start(request.config);
    const hostPresent = [...conference.participants.values()].some((p) => p.role === "HOST");
    const participant: Participant = {
      uuid: random.uuid(),
      displayName: request.displayName,
      role: request.role,
      isAgent: false,
      protocol: "api",
      serviceType: request.role === "GUEST" && !hostPresent ? "waiting_room" : "conference",
      callTag: request.callTag,
      vendor: request.vendor,
      hasMedia: false,
      isVideoCall: false,
      startMs: clock.now(),
      calls: new Map(),
      alias: request.alias,
    };
    const attendance = { participant, conference };
    this.#admit(conference, participant);
    const token = this.#tokens.issue(attendance);
    if (participant.role === "GUEST") this.#agent.dial(conference);
    return { attendance, token };
  }

  /** Whom a token stands for, if the token is current and was issued for this alias. */
  authenticate(token: string | undefined, alias: string): Attendance | undefined {
    const attendance = this.#tokens.find(token);
    const dialled = attendance?.conference.config.aliases.some((entry) => entry.alias === alias);
    return dialled ? attendance : undefined;
  }

  refresh(attendance: Attendance): string {
    return this.#tokens.issue(attendance);
  }

  /** The participant leaves; the conference ends once no citizen is left in it. */
  leave({ participant, conference }: Attendance, reason: string): void {
    if (!conference.participants.has(participant.uuid)) return;
    this.#remove(conference, participant, reason);
    const citizensLeft = [...conference.participants.values()].some((p) => !p.isAgent);
    if (!citizensLeft) this.#end(conference);
  }

  /** Drops everyone silently: the simulator's reset, not an event of the conference. */
  reset(): void {
    this.#tokens.clear();
    for (const conference of this.#live.values()) {
      conference.cancelAgentJoin?.();
      for (const participant of conference.participants.values()) {
        for (const call of participant.calls.values()) call.media.close();
      }
      for (const stream of conference.streams) stream.close();
    }
    this.#live.clear();
  }

  #start(config: ConferenceConfig): LiveConference {
    const conference: LiveConference = {
      name: config.name,
      config,
      startMs: this.#options.clock.now(),
      participants: new Map(),
      streams: new Set(),
    };
    this.#live.set(config.name, conference);
    this.#options.eventSink.post("conference_started", conferenceEvent(conference));
    return conference;
  }

  #end(conference: LiveConference): void {
    const { clock, eventSink } = this.#options;
    conference.cancelAgentJoin?.();
    for (const agent of [...conference.participants.values()]) {
      this.#remove(conference, agent, CONFERENCE_ENDED_REASON);
    }
    this.#live.delete(conference.name);
    eventSink.post("conference_ended", {
      ...conferenceEvent(conference),
      end_time: clock.now() / 1000,
    });
  }

  #admit(conference: LiveConference, participant: Participant): void {
    conference.participants.set(participant.uuid, participant);
    broadcast(conference, "participant_create", participantJson(participant));
    this.#options.eventSink.post(
      "participant_connected",
      participantEvent(conference, participant),
    );
  }

  #remove(conference: LiveConference, participant: Participant, reason: string): void {
    this.#tokens.revoke(participant);
    for (const call of participant.calls.values()) call.media.close();
    conference.participants.delete(participant.uuid);
    closeStreams(conference, participant, reason);
    broadcast(conference, "participant_delete", { uuid: participant.uuid });
    this.#options.eventSink.post("participant_disconnected", {
      ...participantEvent(conference, participant),
      disconnect_reason: reason,
    });
  }
}
