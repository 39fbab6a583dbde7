import { z } from "zod";

/** What `request_token` grants: the participant's identity and its token. */
export interface ParticipantToken {
  token: string;
  expiresInSeconds: number;
  participantUuid: string;
  displayName: string;
  role: "HOST" | "GUEST";
  serviceType?: string;
  conferenceName?: string;
  stun: { url: string }[];
  turn: { urls: string[]; username: string; credential: string }[];
}

export interface RefreshedToken {
  token: string;
  expiresInSeconds: number;
}

export interface CallAnswer {
  callUuid: string;
  sdpAnswer: string;
}

// Pexip sends the lifetime as a string ("120").
const lifetimeInSeconds = z.coerce.number().positive();

const iceServers = {
  stun: z.array(z.object({ url: z.string() })).default([]),
  turn: z
    .array(
      z.object({
        urls: z.union([z.string().transform((url) => [url]), z.array(z.string())]),
        username: z.string(),
        credential: z.string(),
      }),
    )
    .default([]),
};

const successEnvelope = z
  .object({ status: z.literal("success"), result: z.unknown() })
  .transform((answer) => answer.result);

function successWith<Result extends z.ZodType>(result: Result) {
  return successEnvelope.pipe(result);
}

export const participantTokenAnswer: z.ZodType<ParticipantToken, unknown> = successWith(
  z.object({
    token: z.string().min(1),
    expires: lifetimeInSeconds,
    participant_uuid: z.string().min(1),
    display_name: z.string(),
    role: z.enum(["HOST", "GUEST"]),
    service_type: z.string().optional(),
    conference_name: z.string().optional(),
    ...iceServers,
  }),
).transform((result) => ({
  token: result.token,
  expiresInSeconds: result.expires,
  participantUuid: result.participant_uuid,
  displayName: result.display_name,
  role: result.role,
  serviceType: result.service_type,
  conferenceName: result.conference_name,
  stun: result.stun,
  turn: result.turn,
}));

export const refreshedTokenAnswer: z.ZodType<RefreshedToken, unknown> = successWith(
  z.object({ token: z.string().min(1), expires: lifetimeInSeconds }),
).transform((result) => ({ token: result.token, expiresInSeconds: result.expires }));

export const callAnswer: z.ZodType<CallAnswer, unknown> = successWith(
  z.object({ call_uuid: z.string().min(1), sdp: z.string().min(1) }),
).transform((result) => ({ callUuid: result.call_uuid, sdpAnswer: result.sdp }));

export const anySuccessAnswer = successWith(z.unknown());
