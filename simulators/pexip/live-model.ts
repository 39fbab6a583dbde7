import type { z } from "@hono/zod-openapi";
import type { MediaLeg } from "./call-media.ts";
import type { conferenceStatusSchema, participantSchema } from "./client-schemas.ts";
import type { ConferenceConfig } from "./configuration.ts";
import type { EventStream } from "./event-stream.ts";

export type Role = "HOST" | "GUEST";

export interface Call {
  uuid: string;
  acked: boolean;
  media: MediaLeg;
}

export interface Participant {
  uuid: string;
  displayName: string;
  role: Role;
  /** The agent the room dials (SIP into the contact centre); it holds no token. */
  isAgent: boolean;
  protocol: "api" | "webrtc" | "sip";
  /** Guests wait in "waiting_room" until a host is present. */
  serviceType: "conference" | "waiting_room";
  callTag: string;
  vendor: string;
  hasMedia: boolean;
  isVideoCall: boolean;
  startMs: number;
  token?: string;
  cancelExpiry?: () => void;
  calls: Map<string, Call>;
  /** The alias dialled, as Pexip shows it in `local_alias`. */
  alias: string;
}

/** A conference with participants in it; it exists from the first join to the last leave. */
export interface LiveConference {
  name: string;
  config: ConferenceConfig;
  startMs: number;
  participants: Map<string, Participant>;
  streams: Set<EventStream>;
  cancelAgentJoin?: () => void;
}

/** A participant in a live conference: what its participant token stands for. */
export interface Attendance {
  participant: Participant;
  conference: LiveConference;
}

export function hasAgent(conference: LiveConference): boolean {
  return [...conference.participants.values()].some((participant) => participant.isAgent);
}

/** The participant object of the client API (roster answers and event payloads). */
export function participantJson(participant: Participant): z.infer<typeof participantSchema> {
  const yesNo = (flag: boolean) => (flag ? "YES" : "NO");
  return {
    api_url: `/participants/${participant.uuid}`,
    buzz_time: 0,
    call_direction: participant.isAgent ? "out" : "in",
    call_tag: participant.callTag,
    can_receive_personal_mix: false,
    disconnect_supported: "YES",
    display_name: participant.displayName,
    encryption: "On",
    external_node_uuid: "",
    fecc_supported: "NO",
    has_media: participant.hasMedia,
    is_audio_only_call: "NO",
    is_client_muted: false,
    is_external: false,
    is_idp_authenticated: false,
    is_main_video_dropped_out: false,
    is_muted: "NO",
    is_presenting: "NO",
    is_streaming_conference: false,
    is_transferring: false,
    is_video_call: yesNo(participant.isVideoCall),
    is_video_muted: false,
    is_video_silent: false,
    local_alias: participant.alias,
    mute_supported: "YES",
    needs_presentation_in_mix: false,
    overlay_text: participant.displayName,
    presentation_supported: yesNo(participant.protocol !== "api"),
    protocol: participant.protocol,
    receive_from_video_mix: { mix_name: "main", timestamp: 0 },
    role: participant.role === "HOST" ? "chair" : "guest",
    rx_presentation_policy: "ALLOW",
    service_type: participant.serviceType,
    spotlight: 0,
    start_time: participant.startMs / 1000,
    supports_direct_chat: false,
    transfer_supported: "YES",
    uri: participant.isAgent ? "sip:agent@contact-centre.invalid" : "",
    uuid: participant.uuid,
    vendor: participant.vendor,
  };
}

/**
 * The `conference_status` answer. Nothing here locks or mutes a conference; it is started once a
 * host is in, which is also what lets waiting guests in.
 */
export function conferenceStatusJson(
  conference: LiveConference,
): z.infer<typeof conferenceStatusSchema> {
  const participants = [...conference.participants.values()];
  return {
    locked: false,
    started: participants.some((participant) => participant.role === "HOST"),
    guests_muted: false,
    all_muted: false,
    guests_can_unmute: true,
    guests_can_present: conference.config.guests_can_present,
    presentation_allowed: true,
    direct_media: false,
    live_captions_available: false,
    breakout_rooms: false,
  };
}
