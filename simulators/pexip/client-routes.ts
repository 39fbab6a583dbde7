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
    security: token,
    ...route,
    responses: { ...route.responses, 403: failed },
  });

/** `calls/{call}/...`: the call's actions. */
const callAction = (
  action: string,
  summary: string,
  result: z.ZodType,
  body: RouteConfig["request"] = { body: emptyBody },
) =>
  withToken(`${callPath}/${action}`, {
    summary,
    request: { params: call, ...body },
    responses: { 200: success(result), 400: failed },
  });

/** Pexip Infinity's client REST API v2, as a WebRTC client (the BCSC app) uses it. */
export const clientRoutes = {
  requestToken: createRoute({
    method: "post",
    path: `${base}/request_token`,
    summary: "Join: a participant token (the PIN travels in the pin header)",
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
    summary: "A new token for the participant",
    request: { params: alias, body: emptyBody },
    responses: { 200: success(refreshedTokenSchema) },
  }),
  releaseToken: withToken(`${base}/release_token`, {
    summary: "Leave the conference",
    request: { params: alias, body: emptyBody },
    responses: { 200: success(z.literal(true)) },
  }),
  conferenceStatus: withToken(`${base}/conference_status`, {
    method: "get",
    summary: "The conference's state: started once a host is in",
    request: { params: alias },
    responses: { 200: success(conferenceStatusSchema) },
  }),
  participants: withToken(`${base}/participants`, {
    method: "get",
    summary: "The roster",
    request: { params: alias },
    responses: { 200: success(z.array(participantSchema)) },
  }),
  events: withToken(`${base}/events`, {
    method: "get",
    summary: "Server-sent events, the roster replayed first",
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
    summary: "The participant leaves the conference",
    request: { params: participant, body: emptyBody },
    responses: { 200: success(z.literal(true)) },
  }),
  calls: withToken(`${participantPath}/calls`, {
    summary: "A WebRTC call: the SDP offer in, the answer out",
    request: { params: participant, body: requiredJson(callSchema) },
    responses: { 200: success(sdpAnswerSchema), 400: failed },
  }),
  ack: callAction("ack", "The answer was applied: media may start", z.boolean()),
  newCandidate: callAction("new_candidate", "A trickled ICE candidate", z.null(), {
    body: requiredJson(candidateSchema),
  }),
  dtmf: callAction("dtmf", "DTMF digits", z.literal(true)),
  update: withToken(`${callPath}/update`, {
    summary: "SDP renegotiation",
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
  hangUp: callAction("disconnect", "Hang up", z.null()),
};
