import { empty, json, type OpenApiDocument } from "../control/openapi.ts";

const roomName = {
  name: "name",
  in: "path",
  required: true,
  schema: { type: "string", minLength: 1 },
};
const error = json({ $ref: "#/components/schemas/Error" }, "What was wrong");
const tokenRefused = json(
  { $ref: "#/components/schemas/TokenError" },
  "The gateway refused the bearer token (WWW-Authenticate says why)",
);
const keysUnavailable = json(
  { $ref: "#/components/schemas/TokenError" },
  "The gateway could not fetch the token server's signing keys",
);
const bearer = [{ entraBearer: [] }];
const name = { type: "string", minLength: 1 };

/** MaxConf's routes: rooms behind Entra bearer auth, the public event sink and health. */
export const maxconfOpenApi: OpenApiDocument = {
  openapi: "3.1.0",
  info: { title: "MaxConf API simulator", version: "1" },
  paths: {
    "/room/create": {
      post: {
        summary: "Hand out a room from the pool, its tag naming the decoded uuiData",
        security: bearer,
        parameters: [
          {
            name: "uuiData",
            in: "query",
            required: true,
            description: "Hex of UTF-8 text",
            schema: { type: "string", pattern: "^([0-9a-fA-F]{2})+$" },
          },
        ],
        responses: {
          200: json({ $ref: "#/components/schemas/Room" }, "The room"),
          400: error,
          401: tokenRefused,
          502: error,
          503: keysUnavailable,
        },
      },
    },
    "/room/{name}": {
      get: {
        summary: "A room handed out",
        security: bearer,
        parameters: [roomName],
        responses: {
          200: json({ $ref: "#/components/schemas/Room" }, "The room"),
          401: tokenRefused,
          404: error,
          503: keysUnavailable,
        },
      },
      patch: {
        summary: "Change a room's PINs, tag or guest access",
        security: bearer,
        parameters: [roomName],
        requestBody: {
          required: true,
          ...json({
            type: "object",
            properties: {
              pin: { type: "string", pattern: "^\\d{4,20}$" },
              guest_pin: { type: "string", pattern: "^\\d{4,20}$" },
              tag: { type: "string", maxLength: 250 },
              allow_guests: { type: "boolean" },
            },
            additionalProperties: false,
          }),
        },
        responses: {
          202: empty("Accepted"),
          400: error,
          401: tokenRefused,
          404: error,
          503: keysUnavailable,
        },
      },
      delete: {
        summary: "Delete a room (on Pexip too)",
        security: bearer,
        parameters: [roomName],
        responses: {
          204: empty("Deleted"),
          401: tokenRefused,
          404: error,
          502: error,
          503: keysUnavailable,
        },
      },
    },
    "/rooms": {
      get: {
        summary: "The rooms handed out and not deleted",
        security: bearer,
        responses: {
          200: json({ type: "array", items: { $ref: "#/components/schemas/Room" } }, "Rooms"),
          401: tokenRefused,
          503: keysUnavailable,
        },
      },
    },
    "/rooms/bulk": {
      post: {
        summary: "Create rooms for the pool in the background (unverified shape)",
        security: bearer,
        requestBody: {
          required: true,
          ...json({
            type: "object",
            required: ["count"],
            properties: {
              count: { type: "integer", minimum: 1, maximum: 100 },
              name_prefix: { type: "string", pattern: "^[A-Za-z0-9_-]{0,32}$" },
            },
            additionalProperties: false,
          }),
        },
        responses: {
          202: empty("Accepted"),
          400: error,
          401: tokenRefused,
          503: keysUnavailable,
        },
      },
      delete: {
        summary: "Delete the rooms whose names start with a prefix, and empty the pool",
        security: bearer,
        parameters: [
          {
            name: "name_prefix",
            in: "query",
            schema: { type: "string", pattern: "^[A-Za-z0-9_-]{0,32}$" },
          },
        ],
        responses: {
          200: json({
            type: "object",
            required: ["deleted", "queue_cleared"],
            properties: {
              deleted: { type: "integer", minimum: 0 },
              queue_cleared: { type: "integer", minimum: 0 },
            },
            additionalProperties: false,
          }),
          400: error,
          401: tokenRefused,
          503: keysUnavailable,
        },
      },
    },
    "/public/event_sink": {
      post: {
        summary: "Pexip's event sink; conference_ended deletes the room",
        security: [{ eventSinkBasic: [] }],
        requestBody: {
          required: true,
          ...json({
            type: "object",
            required: ["event"],
            properties: {
              node: { type: "string" },
              seq: { type: "integer" },
              version: { type: "integer" },
              time: { type: "number" },
              event: { type: "string", minLength: 1 },
              data: { type: "object" },
            },
          }),
        },
        responses: {
          200: empty("Taken"),
          400: error,
          401: json({ type: "object", required: ["error"], properties: { error: name } }),
        },
      },
    },
    "/health": {
      get: {
        summary: "Liveness",
        responses: {
          200: json({
            type: "object",
            required: ["status", "timestamp"],
            properties: { status: { const: "alive" }, timestamp: { type: "string" } },
            additionalProperties: false,
          }),
        },
      },
    },
  },
  components: {
    securitySchemes: {
      entraBearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
      eventSinkBasic: { type: "http", scheme: "basic" },
    },
    schemas: {
      Room: {
        type: "object",
        required: [
          "id",
          "name",
          "service_type",
          "allow_guests",
          "pin",
          "guest_pin",
          "tag",
          "aliases",
        ],
        properties: {
          id: { type: "integer" },
          name,
          service_type: { const: "conference" },
          allow_guests: { type: "boolean" },
          pin: { type: "string" },
          guest_pin: { type: "string" },
          tag: { type: "string" },
          aliases: {
            type: "array",
            minItems: 1,
            items: {
              type: "object",
              required: ["id", "alias", "conference", "creation_time", "description"],
              properties: {
                id: { type: "integer" },
                alias: name,
                conference: { type: "string", pattern: "^/api/admin/configuration/v1/conference/" },
                creation_time: { type: "string", pattern: "^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+$" },
                description: { type: "string" },
              },
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
      Error: {
        type: "object",
        required: ["error", "message"],
        properties: { error: name, message: name },
        additionalProperties: false,
      },
      TokenError: {
        type: "object",
        required: ["error", "error_description"],
        properties: { error: name, error_description: name },
        additionalProperties: false,
      },
    },
  },
};
