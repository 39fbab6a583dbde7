import { createRoute, type z } from "@hono/zod-openapi";
import { headers } from "./headers.ts";
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

const problemAnswers = {
  400: ["Invalid request: `errors` names each offending field"],
  401: ["No device token, or a refused one", "WwwAuthenticate"],
  403: ["The body's client_id or device_code is not the token's"],
  404: ["No such session or call (another device's included)"],
  409: [
    "The status may not follow the current one, the session is busy (retry after Retry-After), " +
      "or the installation already holds its live sessions",
    "RetryAfter",
  ],
  413: ["The body is over 16 KiB"],
  415: ["Not JSON (nor, for a create, a form), or a body with a Content-Encoding"],
  429: ["This device sends too many creates or updates", "RetryAfter"],
  502: ["An upstream (token server, MaxConf) answered wrongly"],
  503: ["An upstream, or the service's database, is unavailable", "RetryAfter"],
  504: ["An upstream did not answer in time"],
} as const;

const problems = (...statuses: (keyof typeof problemAnswers)[]) =>
  Object.fromEntries(
    statuses.map((status) => {
      const [description, ...named] = problemAnswers[status];
      const content = { "application/problem+json": { schema: Problem } };
      return [status, { description, headers: headers(...named), content }];
    }),
  );
const ok = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  headers: headers(),
  content: { "application/json": { schema } },
});
// Required, so a request without a body is validated too (as `{}`), not waved through.
const jsonBody = <T extends z.ZodType>(schema: T) => ({
  content: { "application/json": { schema } },
  required: true,
});
const security = [{ deviceJwt: [] }];
const tags = ["Video sessions"];

/** Documented with its body required; served with it optional (see handlers.ts). */
export const createSession = createRoute({
  method: "post",
  path: "/v2/sessions",
  operationId: "createSession",
  tags,
  security,
  summary: "Create a video session (or answer the device's live one)",
  description:
    "Asks MaxConf for a room and answers `201` with the new session: granted with its room, or " +
    "`session_not_granted` with a `reason` (outside service hours, destination full) and no " +
    "room. While the device has a live session, a create answers it again with `200` and makes " +
    "no second room. The body, JSON or a form, must name the token's client_id and device_code.",
  request: {
    body: {
      required: true,
      content: {
        "application/json": { schema: CreateSessionBody },
        "application/x-www-form-urlencoded": { schema: CreateSessionBody },
      },
    },
  },
  responses: {
    201: ok(VideoSession, "A new session (granted, or not granted with a reason)"),
    200: ok(VideoSession, "The device's live session, answered again; no second room"),
    ...problems(400, 401, 403, 409, 413, 415, 429, 502, 503, 504),
  },
});

export const getSession = createRoute({
  method: "get",
  path: "/v2/sessions/{session_id}",
  operationId: "getSession",
  tags,
  security,
  summary: "Read a session: status and queue position",
  description:
    "The session as it is now; `queue_position` is its 1-based place among its destination's " +
    "sessions waiting for an agent (0 once it no longer waits).",
  request: { params: SessionIdParam },
  responses: { 200: ok(VideoSession, "The session"), ...problems(400, 401, 404, 503) },
});

export const updateSession = createRoute({
  method: "put",
  path: "/v2/sessions/{session_id}",
  operationId: "updateSession",
  tags,
  security,
  summary: "Start or end a session",
  description:
    "`started` (or `session_started`) starts a granted session; `ended` (or `session_ended`) " +
    "ends it and has its room deleted. Ending an ended session again succeeds; any other change " +
    "the session's status does not allow is `409`, and changes nothing.",
  request: { params: SessionIdParam, body: jsonBody(SessionStatusBody) },
  responses: {
    200: ok(VideoSession, "The session after the change"),
    ...problems(400, 401, 404, 409, 413, 415, 429, 503),
  },
});

export const deleteSession = createRoute({
  method: "delete",
  path: "/v2/sessions/{session_id}",
  operationId: "deleteSession",
  tags,
  security,
  summary: "End a session (repeating it is harmless)",
  description: "Ends the session as `ended` does, and answers without a body.",
  request: { params: SessionIdParam },
  responses: {
    204: { description: "Ended", headers: headers() },
    ...problems(400, 401, 404, 409, 429, 503),
  },
});

export const createCall = createRoute({
  method: "post",
  path: "/v2/sessions/{session_id}/calls",
  operationId: "createCall",
  tags,
  security,
  summary: "Report a new call of the session",
  description:
    "The app's first status of a call, under its own `client_call_id`. A call the session " +
    "already has takes the status instead (`200`). The first call starts a granted session.",
  request: { params: SessionIdParam, body: jsonBody(CreateCallBody) },
  responses: {
    201: ok(VideoCall, "The new call"),
    200: ok(VideoCall, "The call existed already; the status was applied to it"),
    ...problems(400, 401, 404, 409, 413, 415, 429, 503),
  },
});

/** A PUT of a call status: to a named call, or (the seed's form) to the session's calls. */
const callStatusRoute = <P extends z.ZodObject>(
  route: { path: string; operationId: string; summary: string; description: string },
  params: P,
) =>
  createRoute({
    method: "put",
    ...route,
    tags,
    security,
    request: { params, body: jsonBody(UpdateCallBody) },
    responses: {
      200: ok(VideoCall, "The call after the change"),
      ...problems(400, 401, 404, 409, 413, 415, 429, 503),
    },
  });

export const updateCall = callStatusRoute(
  {
    path: "/v2/sessions/{session_id}/calls/{client_call_id}",
    operationId: "updateCall",
    summary: "Report a call status",
    description:
      "The call's next status; `call_in_call` repeats every 30 s as a keep-alive. A status the " +
      "call's current one does not allow is `409`, and changes nothing.",
  },
  CallParams,
);

export const updateCurrentCall = callStatusRoute(
  {
    path: "/v2/sessions/{session_id}/calls",
    operationId: "updateCurrentCall",
    summary: "Report a call status (the seed's form): the named call, else the current one",
    description:
      "The seed's call report: the status goes to the call the body names, else to the " +
      "session's live call, else to a new call.",
  },
  SessionIdParam,
);

export const listDestinations = createRoute({
  method: "get",
  path: "/v2/destinations",
  operationId: "listDestinations",
  tags: ["Configuration"],
  security,
  summary: "Where sessions go",
  description: "The destinations sessions are queued for, with their limits.",
  responses: { 200: ok(DestinationList, "The destinations"), ...problems(401) },
});

export const getServiceHours = createRoute({
  method: "get",
  path: "/v2/service_hours",
  operationId: "getServiceHours",
  tags: ["Configuration"],
  security,
  summary: "When sessions are granted",
  description:
    "The weekly service periods, in `time_zone`, and the periods the service is unavailable; " +
    "a create outside them is `session_not_granted`.",
  responses: { 200: ok(ServiceHoursSchema, "The service hours"), ...problems(401) },
});

/** Every route of the API, in the order its document lists them. */
export const apiRoutes = [
  createSession,
  getSession,
  updateSession,
  deleteSession,
  createCall,
  updateCall,
  updateCurrentCall,
  listDestinations,
  getServiceHours,
];
