import { createRoute, z } from "@hono/zod-openapi";
import { empty, json, requiredJson } from "../control/openapi.ts";
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

const roomName = z.object({ name: text });
const room = json(roomSchema, "The room");

/** MaxConf's routes: rooms behind Entra bearer auth, the public event sink and health. */
export const maxconfRoutes = {
  createRoom: createRoute({
    method: "post",
    path: "/room/create",
    summary: "Hand out a room from the pool, its tag naming the decoded uuiData",
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
    method: "get",
    path: "/room/{name}",
    summary: "A room handed out",
    security: bearer,
    request: { params: roomName },
    responses: { 200: room, 404: error, ...gatewayRefusals },
  }),
  changeRoom: createRoute({
    method: "patch",
    path: "/room/{name}",
    summary: "Change a room's PINs, tag or guest access",
    security: bearer,
    request: { params: roomName, body: requiredJson(roomChangesSchema) },
    responses: { 202: empty("Accepted"), ...invalidRequest, 404: error, ...gatewayRefusals },
  }),
  deleteRoom: createRoute({
    method: "delete",
    path: "/room/{name}",
    summary: "Delete a room (on Pexip too)",
    security: bearer,
    request: { params: roomName },
    responses: { 204: empty("Deleted"), 404: error, 502: error, ...gatewayRefusals },
  }),
  listRooms: createRoute({
    method: "get",
    path: "/rooms",
    summary: "The rooms handed out and not deleted",
    security: bearer,
    responses: { 200: json(z.array(roomSchema), "Rooms"), ...gatewayRefusals },
  }),
  eventSink: createRoute({
    method: "post",
    path: "/public/event_sink",
    summary: "Pexip's event sink; conference_ended deletes the room",
    security: [{ [EVENT_SINK_BASIC]: [] }],
    request: { body: requiredJson(pexipEventSchema) },
    responses: {
      200: empty("Taken"),
      ...invalidRequest,
      401: json(z.strictObject({ error: text }), "Wrong or no credentials"),
    },
  }),
  health: createRoute({
    method: "get",
    path: "/health",
    summary: "Liveness",
    responses: {
      200: json(z.strictObject({ status: z.literal("alive"), timestamp: z.string() })),
    },
  }),
};
