import { createRoute, type z } from "@hono/zod-openapi";
import {
  CallParams,
  CreateCallBody,
  CreateSessionBody,
  DestinationList,
  Problem,
  ServiceHoursSchema,
  SessionIdParam,
  SessionStatusBody,
  UpdateCallBody,
  VideoCall,
  VideoSession,
} from "./schemas.ts";

const problems = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: "Problem details",
        content: { "application/problem+json": { schema: Problem } },
      },
    ]),
  );
const ok = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
// Required, so a request without a body is validated too (as `{}`), not waved through.
const jsonBody = <T extends z.ZodType>(schema: T) => ({
  content: { "application/json": { schema } },
  required: true,
});
const security = [{ deviceJwt: [] }];
const tags = ["Video sessions"];

export const createSession = createRoute({
  method: "post",
  path: "/v2/sessions",
  tags,
  security,
  summary: "Create a video session (or answer the device's live one)",
  request: {
    // Not `required`: both validators would then run, each refusing the other's media type. The
    // handler refuses a request without a body.
    body: {
      content: {
        "application/json": { schema: CreateSessionBody },
        "application/x-www-form-urlencoded": { schema: CreateSessionBody },
      },
    },
  },
  responses: {
    200: ok(VideoSession, "The device's live session, answered again; no second room"),
    201: ok(VideoSession, "A new session (granted, or not granted with a reason)"),
    ...problems(400, 401, 403, 409, 413, 415, 429, 502, 503, 504),
  },
});

export const getSession = createRoute({
  method: "get",
  path: "/v2/sessions/{session_id}",
  tags,
  security,
  summary: "Read a session: status and queue position",
  request: { params: SessionIdParam },
  responses: { 200: ok(VideoSession, "The session"), ...problems(400, 401, 404) },
});

export const updateSession = createRoute({
  method: "put",
  path: "/v2/sessions/{session_id}",
  tags,
  security,
  summary: "Start or end a session",
  request: { params: SessionIdParam, body: jsonBody(SessionStatusBody) },
  responses: {
    200: ok(VideoSession, "The session after the change"),
    ...problems(400, 401, 404, 409, 413, 415, 429),
  },
});

export const deleteSession = createRoute({
  method: "delete",
  path: "/v2/sessions/{session_id}",
  tags,
  security,
  summary: "End a session (repeating it is harmless)",
  request: { params: SessionIdParam },
  responses: { 204: { description: "Ended" }, ...problems(400, 401, 404, 409, 429) },
});

export const createCall = createRoute({
  method: "post",
  path: "/v2/sessions/{session_id}/calls",
  tags,
  security,
  summary: "Report a new call of the session",
  request: { params: SessionIdParam, body: jsonBody(CreateCallBody) },
  responses: {
    200: ok(VideoCall, "The call existed already; the status was applied to it"),
    201: ok(VideoCall, "The new call"),
    ...problems(400, 401, 404, 409, 413, 415, 429),
  },
});

/** A PUT of a call status: to a named call, or (the seed's form) to the session's calls. */
const callStatusRoute = <P extends z.ZodObject>(path: string, params: P, summary: string) =>
  createRoute({
    method: "put",
    path,
    tags,
    security,
    summary,
    request: { params, body: jsonBody(UpdateCallBody) },
    responses: {
      200: ok(VideoCall, "The call after the change"),
      ...problems(400, 401, 404, 409, 413, 415, 429),
    },
  });

export const updateCall = callStatusRoute(
  "/v2/sessions/{session_id}/calls/{client_call_id}",
  CallParams,
  "Report a call status",
);

export const updateCurrentCall = callStatusRoute(
  "/v2/sessions/{session_id}/calls",
  SessionIdParam,
  "Report a call status (the seed's form): the named call, else the current one",
);

export const listDestinations = createRoute({
  method: "get",
  path: "/v2/destinations",
  tags: ["Configuration"],
  security,
  summary: "Where sessions go",
  responses: { 200: ok(DestinationList, "The destinations"), ...problems(401) },
});

export const getServiceHours = createRoute({
  method: "get",
  path: "/v2/service_hours",
  tags: ["Configuration"],
  security,
  summary: "When sessions are granted",
  responses: { 200: ok(ServiceHoursSchema, "The service hours"), ...problems(401) },
});
