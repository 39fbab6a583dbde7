import type { z } from "@hono/zod-openapi";
import type { SimClock } from "../control/clock.ts";
import type { Random } from "../control/random.ts";
import { base64UrlEncode } from "../shared/encoding.ts";
import type { participantTokenSchema } from "./client-schemas.ts";
import type { ConferenceConfig } from "./configuration.ts";
import type { Attendance, Role } from "./live-model.ts";

/** The software version the simulated node reports. */
export const PEXIP_VERSION = { version_id: "36", pseudo_version: "79019.0.0" };

export interface AdmissionOptions {
  clock: SimClock;
  random: Random;
  nodeName: string;
  tokenExpiresSeconds: number;
}

/** Pexip's PIN rules: host PIN, guest PIN, or "none" for a guest where only hosts have one. */
export function roleFor(
  config: ConferenceConfig,
  pin: string | undefined,
): Role | "pin-required" | "invalid-pin" {
  if (!config.pin) return "HOST";
  if (!pin) return "pin-required";
  if (pin === config.pin) return "HOST";
  const guestPinMatches = config.guest_pin ? pin === config.guest_pin : pin === "none";
  return config.allow_guests && guestPinMatches ? "GUEST" : "invalid-pin";
}

/** The `request_token` answer: the participant's token and what the node offers it. */
export function tokenResult(
  { participant, conference }: Attendance,
  token: string,
  options: AdmissionOptions,
): z.infer<typeof participantTokenSchema> {
  const { config } = conference;
  const { nodeName, clock, random } = options;
  const turnExpiry = Math.floor(clock.now() / 1000) + 86_400;
  return {
    token,
    expires: String(options.tokenExpiresSeconds),
    participant_uuid: participant.uuid,
    display_name: participant.displayName,
    role: participant.role,
    service_type: config.service_type,
    current_service_type: participant.serviceType,
    conference_name: config.name,
    service_name: config.name,
    call_tag: participant.callTag,
    call_type: "video",
    chat_enabled: true,
    analytics_enabled: false,
    guests_can_present: config.guests_can_present,
    direct_media: false,
    fecc_enabled: false,
    rtmp_enabled: false,
    trickle_ice_enabled: true,
    vp9_enabled: true,
    allow_1080p: false,
    idp_uuid: "",
    stun: [{ url: `stun:${nodeName}:3478` }],
    turn: [
      {
        urls: [`turn:${nodeName}:3478?transport=udp`],
        username: `${turnExpiry}:${participant.uuid}`,
        credential: base64UrlEncode(random.bytes(20)),
      },
    ],
    version: PEXIP_VERSION,
  };
}
