import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import { json, requiredJson } from "../control/openapi.ts";
import {
  callSchema,
  candidateSchema,
  conferenceStatusSchema,
  failedSchema,
  participantSchema,
  participantTokenSchema,
  pinPromptSchema,
  refreshedTokenSchema,
  requestTokenSchema,
  sdpAnswerSchema,
  sdpSchema,
} from "./client-schemas.ts";

export const PEXIP_TOKEN = "pexipToken";
export const PEXIP_TOKEN_QUERY = "pexipTokenQuery";
export const CLIENT_API_TAG = "client API";

/** Pexip's answer envelope: `{"status": "success", "result": ...}`. */
const success = (result: z.ZodType) =>
  json(z.strictObject({ status: z.literal("success"), result }), "Success");
const failed = json(failedSchema, "Refused, with the reason");
const token: Record<string, string[]>[] = [{ [PEXIP_TOKEN]: [] }];
/** Client calls that take an (empty) JSON object. */
const emptyBody = { required: false, ...json(z.object({})) };

const base = "/api/client/v2/conferences/{alias}";
const participantPath = `${base}/participants/{participant}`;
const callPath = `${participantPath}/calls/{call}`;
const alias = z.object({ alias: z.string().min(1) });
const participant = alias.extend({ participant: z.string() });
const call = participant.extend({ call: z.string() });

/** A call with the participant token, on `path`, refused 403 when the token is not good. */
const withToken = <P extends string, R extends Omit<RouteConfig, "path" | "method">>(
  path: P,
  route: R,
) =>
  createRoute({
    method: "post",
    path,
    tags: [CLIENT_API_TAG],
    security: token,
    ...route,
    responses: { ...route.responses, 403: failed },
  });

/** `calls/{call}/...`: the call's actions. */
const callAction = (
  action: string,
  route: { operationId: string; summary: string; description: string },
  result: z.ZodType,
  body: RouteConfig["request"] = { body: emptyBody },
) =>
  withToken(`${callPath}/${action}`, {
    ...route,
    request: { params: call, ...body },
    responses: { 200: success(result), 400: failed },
  });

/** Pexip Infinity's client REST API v2, as a WebRTC client (the BCSC app) uses it. */
export const clientRoutes = {
  requestToken: createRoute({
    operationId: "requestToken",
    tags: [CLIENT_API_TAG],
    // No token yet: the PIN, a parameter, is what admits the participant.
    security: [],
    method: "post",
    path: `${base}/request_token`,
    summary: "Join: a participant token (the PIN travels in the pin header)",
    description:
      "Admits the caller to the conference the alias names and answers the token every other " +
      "call carries: as host with the host PIN (or with none when the conference has none), as " +
      "guest with the guest PIN (`none` when guests need none). Without a PIN, 403 with a PIN " +
      "prompt; with a wrong one, 403 `Invalid PIN`; an unknown alias is 404.",
    request: {
      params: alias,
      headers: z.object({ pin: z.string().optional() }),
      body: requiredJson(requestTokenSchema),
    },
    responses: {
      200: success(participantTokenSchema),
      400: failed,
      403: json(z.union([pinPromptSchema, failedSchema]), "A PIN is needed, or refused"),
      404: failed,
    },
  }),
  refreshToken: withToken(`${base}/refresh_token`, {
    operationId: "refreshToken",
    summary: "A new token for the participant",
    description:
      "A new token for the same participant, valid for the token lifetime again; the old one " +
      "stops working.",
    request: { params: alias, body: emptyBody },
    responses: { 200: success(refreshedTokenSchema) },
  }),
  releaseToken: withToken(`${base}/release_token`, {
    operationId: "releaseToken",
    summary: "Leave the conference",
    description: "The participant leaves; the conference ends once no citizen is left in it.",
    request: { params: alias, body: emptyBody },
    responses: { 200: success(z.literal(true)) },
  }),
  conferenceStatus: withToken(`${base}/conference_status`, {
    operationId: "getConferenceStatus",
    method: "get",
    summary: "The conference's state: started once a host is in",
    description:
      "Whether the conference is locked, started (once a host is in) and its media settings.",
    request: { params: alias },
    responses: { 200: success(conferenceStatusSchema) },
  }),
  participants: withToken(`${base}/participants`, {
    operationId: "listParticipants",
    method: "get",
    summary: "The roster",
    description: "Everyone in the conference, as the roster events describe them.",
    request: { params: alias },
    responses: { 200: success(z.array(participantSchema)) },
  }),
  events: withToken(`${base}/events`, {
    operationId: "streamEvents",
    method: "get",
    summary: "Server-sent events, the roster replayed first",
    description:
      "Server-sent events of the conference: the roster first (`participant_sync_begin`, one " +
      "`participant_create` each, `participant_sync_end`), then changes as they happen, and " +
      "`disconnect` when the participant is put out. The token comes as a header, or in the " +
      "query for EventSource.",
    // The token comes as a header or, for EventSource, in the query.
    security: [...token, { [PEXIP_TOKEN_QUERY]: [] }],
    request: { params: alias },
    responses: {
      200: {
        description: "Event stream",
        content: { "text/event-stream": { schema: z.string() } },
      },
    },
  }),
  disconnect: withToken(`${participantPath}/disconnect`, {
    operationId: "disconnectParticipant",
    summary: "The participant leaves the conference",
    description:
      "The participant (the token's own) leaves; the conference ends once no citizen is left.",
    request: { params: participant, body: emptyBody },
    responses: { 200: success(z.literal(true)) },
  }),
  calls: withToken(`${participantPath}/calls`, {
    operationId: "makeCall",
    summary: "A WebRTC call: the SDP offer in, the answer out",
    description:
      "Starts a WebRTC call for the participant (the token's own): the SDP offer in, the answer " +
      "out. With a media engine the answer leads to real media; without one it is syntactically " +
      "valid SDP.",
    request: { params: participant, body: requiredJson(callSchema) },
    responses: { 200: success(sdpAnswerSchema), 400: failed },
  }),
  ack: callAction(
    "ack",
    {
      operationId: "acknowledgeCall",
      summary: "The answer was applied: media may start",
      description:
        "The client has applied the answer; media may start (the simulated agent sends to " +
        "acknowledged calls).",
    },
    z.boolean(),
  ),
  newCandidate: callAction(
    "new_candidate",
    {
      operationId: "addIceCandidate",
      summary: "A trickled ICE candidate",
      description: "One ICE candidate the client trickles for the call.",
    },
    z.null(),
    { body: requiredJson(candidateSchema) },
  ),
  dtmf: callAction(
    "dtmf",
    {
      operationId: "sendDtmf",
      summary: "DTMF digits",
      description: "DTMF digits for the call; taken and ignored.",
    },
    z.literal(true),
  ),
  update: withToken(`${callPath}/update`, {
    operationId: "updateCall",
    summary: "SDP renegotiation",
    description:
      "A new SDP offer for the call; answered with a new answer, or 500 in plain text when it " +
      "cannot be used.",
    request: { params: call, body: requiredJson(sdpSchema) },
    responses: {
      200: success(sdpAnswerSchema),
      // Pexip's schema for update declares no 400; its errors besides 403 are text.
      500: {
        description: "The offer cannot be used",
        content: { "text/plain": { schema: z.string() } },
      },
    },
  }),
  hangUp: callAction(
    "disconnect",
    {
      operationId: "hangUp",
      summary: "Hang up",
      description: "Ends the call; the participant stays in the conference.",
    },
    z.null(),
  ),
};
