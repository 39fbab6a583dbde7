import { createRoute, z } from "@hono/zod-openapi";
import { empty, json, requiredJson, type SimulatorDescription } from "../control/openapi.ts";
import { roomSchema } from "./room.ts";

export const ENTRA_BEARER = "entraBearer";
export const EVENT_SINK_BASIC = "eventSinkBasic";

const text = z.string().min(1);
const errorSchema = z.strictObject({ error: text, message: text }).openapi("Error");
const tokenErrorSchema = z
  .strictObject({ error: text, error_description: text })
  .openapi("TokenError");
const error = json(errorSchema, "What was wrong");

/** What the API gateway in front of the room routes answers for it (bearer-auth.ts). */
export const gatewayRefusals = {
  401: json(tokenErrorSchema, "The gateway refused the bearer token (WWW-Authenticate says why)"),
  503: json(tokenErrorSchema, "The gateway could not fetch the token server's signing keys"),
};
export const bearer: Record<string, string[]>[] = [{ [ENTRA_BEARER]: [] }];
export const invalidRequest = { 400: error };

const pinSchema = z.string().regex(/^\d{4,20}$/);
export const roomChangesSchema = z.object({
  pin: pinSchema.optional(),
  guest_pin: pinSchema.optional(),
  tag: z.string().max(250).optional(),
  allow_guests: z.boolean().optional(),
});

export const pexipEventSchema = z.looseObject({
  node: z.string().optional(),
  seq: z.number().int().optional(),
  version: z.number().int().optional(),
  time: z.number().optional(),
  event: z.string().min(1),
  data: z.record(z.string(), z.unknown()).optional(),
});

/** What MaxConf's OpenAPI document says of it besides its routes. */
export const maxconfDescription: SimulatorDescription = {
  title: "MaxConf API simulator",
  description:
    "MaxConf's API as the Video API uses it: rooms handed out from a pre-provisioned pool, each " +
    "a conference on the Pexip simulator, behind Entra bearer tokens; the event sink Pexip " +
    "posts to; health.",
  tags: [
    { name: "rooms", description: "Rooms: create, read, change, delete, list, in bulk." },
    { name: "event sink", description: "Where Pexip posts its events (HTTP Basic)." },
    { name: "health", description: "Liveness, without credentials." },
  ],
};

const roomName = z.object({ name: text });
const room = json(roomSchema, "The room");

/** MaxConf's routes: rooms behind Entra bearer auth, the public event sink and health. */
export const maxconfRoutes = {
  createRoom: createRoute({
    operationId: "createRoom",
    tags: ["rooms"],
    method: "post",
    path: "/room/create",
    summary: "Hand out a room from the pool, its tag naming the decoded uuiData",
    description:
      "Takes a room from the pool of pre-provisioned ones (making one when the pool is empty) " +
      "and tags it with a URL ending in the decoded uuiData; the pool is refilled in the " +
      "background. 400 for uuiData that is not hex of UTF-8 text, 502 when Pexip refuses the " +
      "conference.",
    security: bearer,
    request: {
      query: z.object({
        uuiData: z
          .string()
          .regex(/^([0-9a-fA-F]{2})+$/)
          .openapi({ description: "Hex of UTF-8 text" }),
      }),
    },
    responses: { 200: room, ...invalidRequest, 502: error, ...gatewayRefusals },
  }),
  getRoom: createRoute({
    operationId: "getRoom",
    tags: ["rooms"],
    method: "get",
    path: "/room/{name}",
    summary: "A room handed out",
    description: "The room as it was handed out, with any changes since: name, aliases, PINs, tag.",
    security: bearer,
    request: { params: roomName },
    responses: { 200: room, 404: error, ...gatewayRefusals },
  }),
  changeRoom: createRoute({
    operationId: "changeRoom",
    tags: ["rooms"],
    method: "patch",
    path: "/room/{name}",
    summary: "Change a room's PINs, tag or guest access",
    description:
      "Applies the changes to the room at once and to its Pexip conference in the background.",
    security: bearer,
    request: { params: roomName, body: requiredJson(roomChangesSchema) },
    responses: { 202: empty("Accepted"), ...invalidRequest, 404: error, ...gatewayRefusals },
  }),
  deleteRoom: createRoute({
    operationId: "deleteRoom",
    tags: ["rooms"],
    method: "delete",
    path: "/room/{name}",
    summary: "Delete a room (on Pexip too)",
    description:
      "Deletes the room's conference on Pexip, then the room. When Pexip fails (502) the room " +
      "stays listed, for the caller to retry, and its deletion is queued for the garbage " +
      "collector.",
    security: bearer,
    request: { params: roomName },
    responses: { 204: empty("Deleted"), 404: error, 502: error, ...gatewayRefusals },
  }),
  listRooms: createRoute({
    operationId: "listRooms",
    tags: ["rooms"],
    method: "get",
    path: "/rooms",
    summary: "The rooms handed out and not deleted",
    description:
      "Every room handed out and not yet deleted; the pool's spare rooms are not listed.",
    security: bearer,
    responses: { 200: json(z.array(roomSchema), "Rooms"), ...gatewayRefusals },
  }),
  eventSink: createRoute({
    operationId: "takePexipEvent",
    tags: ["event sink"],
    method: "post",
    path: "/public/event_sink",
    summary: "Pexip's event sink; conference_ended deletes the room",
    description:
      "Pexip posts its conference events here, with HTTP Basic credentials. `conference_ended` " +
      "deletes the conference's room; other events are kept and otherwise ignored.",
    security: [{ [EVENT_SINK_BASIC]: [] }],
    request: { body: requiredJson(pexipEventSchema) },
    responses: {
      200: empty("Taken"),
      ...invalidRequest,
      401: json(z.strictObject({ error: text }), "Wrong or no credentials"),
    },
  }),
  health: createRoute({
    operationId: "getHealth",
    tags: ["health"],
    method: "get",
    path: "/health",
    summary: "Liveness",
    description: "Answers while the simulator runs, with the time on its clock.",
    security: [],
    responses: {
      200: json(z.strictObject({ status: z.literal("alive"), timestamp: z.string() })),
    },
  }),
};
