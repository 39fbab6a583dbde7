import type { SimClock } from "../control/clock.ts";
import type { Random } from "../control/random.ts";
import { base64UrlEncode } from "../shared/encoding.ts";
import type { CallMedia, TrickledCandidate } from "./call-media.ts";
import type { ConferenceConfig } from "./configuration.ts";
import type { EventSink } from "./event-sink.ts";
import { EventStream } from "./event-stream.ts";
import { type LiveConference, type Participant, participantJson, type Role } from "./live-model.ts";

export interface ConferenceNodeOptions {
  clock: SimClock;
  random: Random;
  eventSink: EventSink;
  tokenExpiresSeconds: number;
  agentJoinDelayMs: number;
  callMedia: CallMedia;
}

export interface Session {
  participant: Participant;
  conference: LiveConference;
}

export interface JoinRequest {
  config: ConferenceConfig;
  alias: string;
  displayName: string;
  role: Role;
  callTag: string;
  vendor: string;
}

export const TOKEN_EXPIRED_REASON = "Timer expired awaiting token refresh";
/**
 * A WebRTC peer that stopped answering ICE or sending media. The wording is one of the reasons
 * @pexip/infinity-api knows (#pex196); when exactly Pexip gives it is not documented.
 */
export const MEDIA_TIMEOUT_REASON = "Ice failure";
/** A participant ended by `participants/{uuid}/disconnect`: @pexip/infinity-api's #pex122. */
export const API_DISCONNECT_REASON = "API initiated participant disconnect";
/**
 * Reasons a participant is ended for other than releasing its token: its client is told why before
 * the stream ends.
 */
const NODE_INITIATED = new Set([TOKEN_EXPIRED_REASON, MEDIA_TIMEOUT_REASON, API_DISCONNECT_REASON]);

/** The runtime of a Pexip conferencing node: who is in which conference, with which token. */
export class ConferenceNode {
  readonly #options: ConferenceNodeOptions;
  readonly #live = new Map<string, LiveConference>();
  readonly #sessions = new Map<string, Session>();

  constructor(options: ConferenceNodeOptions) {
    this.#options = options;
  }

  liveConferences(): LiveConference[] {
    return [...this.#live.values()];
  }

  join(request: JoinRequest): Session {
    const { clock, random, eventSink } = this.#options;
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
    const session = { participant, conference };
    this.#admit(conference, participant);
    this.#issueToken(session);
    if (participant.role === "GUEST") this.#scheduleAgent(conference);
    eventSink.post("participant_connected", participantEvent(conference, participant));
    return session;
  }

  /** The session a token belongs to, if the token is current and was issued for this alias. */
  authenticate(token: string | undefined, alias: string): Session | undefined {
    const session = token ? this.#sessions.get(token) : undefined;
    const dialled = session?.conference.config.aliases.some((entry) => entry.alias === alias);
    return dialled ? session : undefined;
  }

  refresh(session: Session): string {
    return this.#issueToken(session);
  }

  leave(session: Session, reason: string): void {
    const { participant, conference } = session;
    if (!conference.participants.has(participant.uuid)) return;
    this.#remove(conference, participant, reason);
    const citizensLeft = [...conference.participants.values()].some((p) => !p.isAgent);
    if (!citizensLeft) this.#end(conference);
  }

  openStream(session: Session): EventStream {
    const { conference, participant } = session;
    const stream = new EventStream(participant.uuid, (closed) => conference.streams.delete(closed));
    conference.streams.add(stream);
    stream.send("participant_sync_begin", null);
    for (const other of conference.participants.values()) {
      stream.send("participant_create", participantJson(other));
    }
    stream.send("participant_sync_end", null);
    return stream;
  }

  async startCall(
    session: Session,
    offer: string,
  ): Promise<{ call_uuid: string; sdp: string } | undefined> {
    const { random, callMedia } = this.#options;
    let callUuid = "";
    const media = await callMedia.answer(offer, {
      // A call that went silent ends its participant, as a dropped WebRTC client does on Pexip.
      silent: () => {
        if (session.participant.calls.has(callUuid)) this.leave(session, MEDIA_TIMEOUT_REASON);
      },
    });
    if (!media) return undefined;
    const { participant, conference } = session;
    if (!conference.participants.has(participant.uuid)) {
      media.close(); // it left while the answer was being made
      return undefined;
    }
    callUuid = random.uuid();
    participant.calls.set(callUuid, { uuid: callUuid, acked: false, media });
    participant.protocol = "webrtc";
    participant.isVideoCall = /^m=video /m.test(offer);
    this.#broadcast(conference, "participant_update", participantJson(participant));
    return { call_uuid: callUuid, sdp: media.answerSdp };
  }

  /** The answer to an SDP renegotiation of an existing call. */
  async updateCall(session: Session, callUuid: string, offer: string): Promise<string | undefined> {
    return session.participant.calls.get(callUuid)?.media.update(offer);
  }

  async addCandidate(session: Session, callUuid: string, candidate: TrickledCandidate) {
    await session.participant.calls.get(callUuid)?.media.addCandidate(candidate);
  }

  /** The client applied the answer: media may flow, and the agent sends once it is in. */
  ackCall(session: Session, callUuid: string): boolean {
    const call = session.participant.calls.get(callUuid);
    if (!call) return false;
    call.acked = true;
    session.participant.hasMedia = true;
    if (hasAgent(session.conference)) call.media.startAgentMedia();
    this.#broadcast(session.conference, "participant_update", participantJson(session.participant));
    return true;
  }

  disconnectCall(session: Session, callUuid: string): boolean {
    const { participant, conference } = session;
    const call = participant.calls.get(callUuid);
    if (!call) return false;
    call.media.close();
    participant.calls.delete(callUuid);
    if (participant.calls.size === 0) {
      participant.protocol = "api";
      participant.hasMedia = false;
      participant.isVideoCall = false;
    }
    this.#broadcast(conference, "participant_update", participantJson(participant));
    return true;
  }

  /** Drops everyone silently: the simulator's reset, not an event of the conference. */
  reset(): void {
    for (const conference of this.#live.values()) {
      conference.cancelAgentJoin?.();
      for (const participant of conference.participants.values()) {
        participant.cancelExpiry?.();
        for (const call of participant.calls.values()) call.media.close();
      }
      for (const stream of conference.streams) stream.close();
    }
    this.#live.clear();
    this.#sessions.clear();
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
      this.#remove(conference, agent, "Call disconnected");
    }
    this.#live.delete(conference.name);
    eventSink.post("conference_ended", {
      ...conferenceEvent(conference),
      end_time: clock.now() / 1000,
    });
  }

  #admit(conference: LiveConference, participant: Participant): void {
    conference.participants.set(participant.uuid, participant);
    this.#broadcast(conference, "participant_create", participantJson(participant));
  }

  #remove(conference: LiveConference, participant: Participant, reason: string): void {
    participant.cancelExpiry?.();
    for (const call of participant.calls.values()) call.media.close();
    if (participant.token) this.#sessions.delete(participant.token);
    conference.participants.delete(participant.uuid);
    for (const stream of [...conference.streams]) {
      if (stream.participantUuid !== participant.uuid) continue;
      if (NODE_INITIATED.has(reason)) {
        for (const call of participant.calls.values()) {
          stream.send("call_disconnected", { call_uuid: call.uuid, reason });
        }
        stream.send("disconnect", { reason });
      }
      stream.close();
      conference.streams.delete(stream);
    }
    this.#broadcast(conference, "participant_delete", { uuid: participant.uuid });
    this.#options.eventSink.post("participant_disconnected", {
      ...participantEvent(conference, participant),
      disconnect_reason: reason,
    });
  }

  #issueToken(session: Session): string {
    const { clock, random, tokenExpiresSeconds } = this.#options;
    const { participant } = session;
    if (participant.token) this.#sessions.delete(participant.token);
    participant.cancelExpiry?.();
    const token = base64UrlEncode(random.bytes(96));
    participant.token = token;
    this.#sessions.set(token, session);
    participant.cancelExpiry = clock.setTimer(tokenExpiresSeconds * 1000, () =>
      this.leave(session, TOKEN_EXPIRED_REASON),
    );
    return token;
  }

  /** The room dials the contact centre once a citizen is in; an agent answers after a while. */
  #scheduleAgent(conference: LiveConference): void {
    if (hasAgent(conference) || conference.cancelAgentJoin) return;
    conference.cancelAgentJoin = this.#options.clock.setTimer(
      this.#options.agentJoinDelayMs,
      () => {
        conference.cancelAgentJoin = undefined;
        if (this.#live.get(conference.name) === conference) this.#agentJoins(conference);
      },
    );
  }

  #agentJoins(conference: LiveConference): void {
    const { clock, random, eventSink } = this.#options;
    const agent: Participant = {
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
    };
    this.#admit(conference, agent);
    eventSink.post("participant_connected", participantEvent(conference, agent));
    // With a host present, waiting guests are let into the conference.
    for (const guest of conference.participants.values()) {
      for (const call of guest.calls.values()) if (call.acked) call.media.startAgentMedia();
      if (guest.serviceType !== "waiting_room") continue;
      guest.serviceType = "conference";
      this.#broadcast(conference, "participant_update", participantJson(guest));
    }
  }

  #broadcast(conference: LiveConference, event: string, data: unknown): void {
    for (const stream of conference.streams) stream.send(event, data);
  }
}

function hasAgent(conference: LiveConference): boolean {
  return [...conference.participants.values()].some((participant) => participant.isAgent);
}

function conferenceEvent(conference: LiveConference) {
  return {
    name: conference.name,
    conference: conference.name,
    service_type: conference.config.service_type,
    tag: conference.config.tag,
    start_time: conference.startMs / 1000,
  };
}

function participantEvent(conference: LiveConference, participant: Participant) {
  return {
    uuid: participant.uuid,
    conference: conference.name,
    display_name: participant.displayName,
    role: participant.role === "HOST" ? "chair" : "guest",
    protocol: participant.protocol,
    call_direction: participant.isAgent ? "out" : "in",
    call_tag: participant.callTag,
    destination_alias: participant.alias,
    service_tag: conference.config.tag,
    service_type: participant.serviceType,
    has_media: participant.hasMedia,
    connect_time: participant.startMs / 1000,
  };
}
