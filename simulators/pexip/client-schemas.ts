import { z } from "@hono/zod-openapi";

/**
 * What the client REST API v2 takes and answers. Answers are loose: Pexip sends more fields than
 * a client needs, and so does the simulator (`@pexip/infinity-api`'s schemas check the rest).
 */

// Pexip echoes the name as given, an empty one included: its schema declares no refusal for it.
export const requestTokenSchema = z.looseObject({
  display_name: z.string(),
  call_tag: z.string().optional(),
});
export const callSchema = z.looseObject({
  call_type: z.literal("WEBRTC"),
  sdp: z.string().min(1),
  fecc_supported: z.boolean().optional(),
});
export const sdpSchema = z.looseObject({ sdp: z.string().min(1) });
export const candidateSchema = z.looseObject({ candidate: z.string(), mid: z.string().optional() });

export const failedSchema = z
  .strictObject({ status: z.literal("failed"), result: z.string() })
  .openapi("Failed");

export const pinPromptSchema = z
  .object({
    status: z.literal("success"),
    result: z.looseObject({
      pin: z.literal("required"),
      guest_pin: z.enum(["required", "none"]),
    }),
  })
  .openapi("PinPrompt");

const role = z.enum(["HOST", "GUEST"]);
const serviceType = z.enum(["conference", "waiting_room"]);
const seconds = z.string().regex(/^\d+$/);

export const participantTokenSchema = z
  .looseObject({
    token: z.string().min(1),
    expires: seconds,
    participant_uuid: z.string(),
    display_name: z.string(),
    role,
    service_type: z.string(),
    current_service_type: serviceType,
    conference_name: z.string(),
    chat_enabled: z.boolean(),
    analytics_enabled: z.boolean(),
    guests_can_present: z.boolean(),
    direct_media: z.boolean(),
    stun: z.array(z.object({ url: z.string() })),
    turn: z.array(
      z.object({ urls: z.array(z.string()), username: z.string(), credential: z.string() }),
    ),
    version: z.object({ version_id: z.string(), pseudo_version: z.string() }),
  })
  .openapi("ParticipantToken");

export const refreshedTokenSchema = z.object({ token: z.string().min(1), expires: seconds, role });

export const conferenceStatusSchema = z
  .strictObject({
    locked: z.boolean(),
    started: z.boolean(),
    guests_muted: z.boolean(),
    all_muted: z.boolean(),
    guests_can_unmute: z.boolean(),
    guests_can_present: z.boolean(),
    presentation_allowed: z.boolean(),
    direct_media: z.boolean(),
    live_captions_available: z.boolean(),
    breakout_rooms: z.boolean(),
  })
  .openapi("ConferenceStatus");

export const participantSchema = z
  .looseObject({
    uuid: z.string(),
    display_name: z.string(),
    role: z.enum(["chair", "guest"]),
    service_type: serviceType,
    protocol: z.enum(["api", "webrtc", "sip"]),
    start_time: z.number(),
    has_media: z.boolean(),
  })
  .openapi("Participant");

export const sdpAnswerSchema = z.object({ call_uuid: z.string(), sdp: z.string().min(1) });
