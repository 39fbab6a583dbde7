import { empty, json, type OpenApiDocument } from "../control/openapi.ts";

const string = { type: "string" };
const alias = {
  name: "alias",
  in: "path",
  required: true,
  schema: { type: "string", minLength: 1 },
};
const participant = { name: "participant", in: "path", required: true, schema: string };
const call = { name: "call", in: "path", required: true, schema: string };
const conferenceId = {
  name: "id",
  in: "path",
  required: true,
  schema: { type: "string", pattern: "^[0-9]+$" },
};
const token = [{ pexipToken: [] }];

/** Pexip's answer envelope: `{"status": "success", "result": ...}`. */
const success = (result: unknown) =>
  json(
    {
      type: "object",
      required: ["status", "result"],
      properties: { status: { const: "success" }, result },
      additionalProperties: false,
    },
    "Success",
  );
const failed = json({ $ref: "#/components/schemas/Failed" }, "Refused, with the reason");
/** Client calls that take an (empty) JSON object. */
const emptyBody = { required: false, ...json({ type: "object" }) };
const sdpAnswer = {
  type: "object",
  required: ["call_uuid", "sdp"],
  properties: { call_uuid: string, sdp: { type: "string", minLength: 1 } },
};
/** A plain-text error, as Pexip declares some of its answers (the body is not JSON). */
const plainText = (description: string) => ({
  description,
  content: { "text/plain": { schema: string } },
});
const callAction = (
  summary: string,
  result: unknown,
  requestBody: unknown = emptyBody,
  refusals: Record<number, unknown> = { 400: failed, 403: failed },
) => ({
  post: {
    summary,
    security: token,
    parameters: [alias, participant, call],
    requestBody,
    responses: { 200: success(result), ...refusals },
  },
});
const conferenceItem = {
  get: {
    summary: "A conference's configuration",
    parameters: [conferenceId],
    responses: { 200: json({ $ref: "#/components/schemas/Conference" }), 404: empty("Unknown") },
  },
  patch: {
    summary: "Change fields of a conference (renaming is ignored)",
    parameters: [conferenceId],
    requestBody: {
      required: true,
      ...json({
        type: "object",
        properties: {
          allow_guests: { type: "boolean" },
          pin: { type: "string", pattern: "^\\d{0,20}$" },
          guest_pin: { type: "string", pattern: "^\\d{0,20}$" },
          tag: { type: "string", maxLength: 250 },
          description: { type: "string", maxLength: 250 },
        },
      }),
    },
    responses: {
      202: empty("Changed"),
      400: json({ $ref: "#/components/schemas/ValidationErrors" }),
      404: empty("Unknown"),
    },
  },
  delete: {
    summary: "Delete a conference (people in it stay connected)",
    parameters: [conferenceId],
    responses: { 204: empty("Deleted"), 404: empty("Unknown") },
  },
};
const base = "/api/client/v2/conferences/{alias}";
const collection = "/api/admin/configuration/v1/conference/";

/** The conferencing node's client REST API v2 and the management API MaxConf configures it with. */
export const pexipOpenApi: OpenApiDocument = {
  openapi: "3.1.0",
  info: { title: "Pexip Infinity conferencing node simulator", version: "1" },
  paths: {
    [`${base}/request_token`]: {
      post: {
        summary: "Join: a participant token (the PIN travels in the pin header)",
        parameters: [alias, { name: "pin", in: "header", schema: string }],
        requestBody: {
          required: true,
          ...json({
            type: "object",
            required: ["display_name"],
            properties: { display_name: string, call_tag: string },
          }),
        },
        responses: {
          200: success({ $ref: "#/components/schemas/ParticipantToken" }),
          400: failed,
          403: json({
            anyOf: [
              { $ref: "#/components/schemas/PinPrompt" },
              { $ref: "#/components/schemas/Failed" },
            ],
          }),
          404: failed,
        },
      },
    },
    [`${base}/refresh_token`]: {
      post: {
        summary: "A new token for the participant",
        security: token,
        parameters: [alias],
        requestBody: emptyBody,
        responses: {
          200: success({
            type: "object",
            required: ["token", "expires"],
            properties: {
              token: { type: "string", minLength: 1 },
              expires: { type: "string", pattern: "^\\d+$" },
              role: { enum: ["HOST", "GUEST"] },
            },
          }),
          403: failed,
        },
      },
    },
    [`${base}/release_token`]: {
      post: {
        summary: "Leave the conference",
        security: token,
        parameters: [alias],
        requestBody: emptyBody,
        responses: { 200: success({ const: true }), 403: failed },
      },
    },
    [`${base}/conference_status`]: {
      get: {
        summary: "The conference's state: started once a host is in",
        security: token,
        parameters: [alias],
        responses: {
          200: success({ $ref: "#/components/schemas/ConferenceStatus" }),
          403: failed,
        },
      },
    },
    [`${base}/participants`]: {
      get: {
        summary: "The roster",
        security: token,
        parameters: [alias],
        responses: {
          200: success({ type: "array", items: { $ref: "#/components/schemas/Participant" } }),
          403: failed,
        },
      },
    },
    [`${base}/events`]: {
      get: {
        summary: "Server-sent events, the roster replayed first",
        // The token comes as a header or, for EventSource, in the query.
        security: [{ pexipToken: [] }, { pexipTokenQuery: [] }],
        parameters: [alias],
        responses: {
          200: { description: "Event stream", content: { "text/event-stream": {} } },
          403: failed,
        },
      },
    },
    [`${base}/participants/{participant}/disconnect`]: {
      post: {
        summary: "The participant leaves the conference",
        security: token,
        parameters: [alias, participant],
        requestBody: emptyBody,
        responses: { 200: success({ const: true }), 403: failed },
      },
    },
    [`${base}/participants/{participant}/calls`]: {
      post: {
        summary: "A WebRTC call: the SDP offer in, the answer out",
        security: token,
        parameters: [alias, participant],
        requestBody: {
          required: true,
          ...json({
            type: "object",
            required: ["call_type", "sdp"],
            properties: {
              call_type: { const: "WEBRTC" },
              sdp: { type: "string", minLength: 1 },
              fecc_supported: { type: "boolean" },
            },
          }),
        },
        responses: { 200: success(sdpAnswer), 400: failed, 403: failed },
      },
    },
    [`${base}/participants/{participant}/calls/{call}/ack`]: callAction(
      "The answer was applied: media may start",
      { type: "boolean" },
    ),
    [`${base}/participants/{participant}/calls/{call}/new_candidate`]: callAction(
      "A trickled ICE candidate",
      { type: "null" },
      {
        required: true,
        ...json({
          type: "object",
          required: ["candidate"],
          properties: { candidate: string, mid: string },
        }),
      },
    ),
    [`${base}/participants/{participant}/calls/{call}/dtmf`]: callAction("DTMF digits", {
      const: true,
    }),
    [`${base}/participants/{participant}/calls/{call}/update`]: callAction(
      "SDP renegotiation",
      sdpAnswer,
      {
        required: true,
        ...json({ type: "object", required: ["sdp"], properties: { sdp: string } }),
      },
      { 403: failed, 500: plainText("The offer cannot be used") },
    ),
    [`${base}/participants/{participant}/calls/{call}/disconnect`]: callAction("Hang up", {
      type: "null",
    }),
    [collection]: {
      post: {
        summary: "Configure a conference; the answer names it in Location",
        requestBody: {
          required: true,
          ...json({
            type: "object",
            required: ["name"],
            properties: {
              name: { type: "string", minLength: 1, maxLength: 250 },
              service_type: { const: "conference" },
              allow_guests: { type: "boolean" },
              pin: { type: "string", pattern: "^\\d{0,20}$" },
              guest_pin: { type: "string", pattern: "^\\d{0,20}$" },
              tag: { type: "string", maxLength: 250 },
              description: { type: "string", maxLength: 250 },
              aliases: {
                type: "array",
                items: {
                  type: "object",
                  required: ["alias"],
                  properties: { alias: { type: "string", minLength: 1 }, description: string },
                },
              },
            },
          }),
        },
        responses: {
          201: empty("Created (Location header)"),
          400: json({ $ref: "#/components/schemas/ValidationErrors" }),
        },
      },
      get: {
        summary: "The configured conferences",
        parameters: [{ name: "name", in: "query", schema: string }],
        responses: {
          200: json({
            type: "object",
            required: ["meta", "objects"],
            properties: {
              meta: { type: "object", required: ["total_count"] },
              objects: { type: "array", items: { $ref: "#/components/schemas/Conference" } },
            },
          }),
        },
      },
    },
    [`${collection}{id}/`]: conferenceItem,
    [`${collection}{id}`]: conferenceItem,
  },
  components: {
    securitySchemes: {
      pexipToken: { type: "apiKey", in: "header", name: "token" },
      pexipTokenQuery: { type: "apiKey", in: "query", name: "token" },
    },
    schemas: {
      Failed: {
        type: "object",
        required: ["status", "result"],
        properties: { status: { const: "failed" }, result: string },
        additionalProperties: false,
      },
      PinPrompt: {
        type: "object",
        required: ["status", "result"],
        properties: {
          status: { const: "success" },
          result: {
            type: "object",
            required: ["pin", "guest_pin"],
            properties: { pin: { const: "required" }, guest_pin: { enum: ["required", "none"] } },
          },
        },
      },
      ParticipantToken: {
        type: "object",
        required: [
          "token",
          "expires",
          "participant_uuid",
          "display_name",
          "role",
          "service_type",
          "conference_name",
          "stun",
          "turn",
          "version",
        ],
        properties: {
          token: { type: "string", minLength: 1 },
          expires: { type: "string", pattern: "^\\d+$" },
          participant_uuid: string,
          display_name: string,
          role: { enum: ["HOST", "GUEST"] },
          service_type: string,
          current_service_type: { enum: ["conference", "waiting_room"] },
          conference_name: string,
          chat_enabled: { type: "boolean" },
          analytics_enabled: { type: "boolean" },
          guests_can_present: { type: "boolean" },
          direct_media: { type: "boolean" },
          stun: {
            type: "array",
            items: { type: "object", required: ["url"], properties: { url: string } },
          },
          turn: {
            type: "array",
            items: {
              type: "object",
              required: ["urls", "username", "credential"],
              properties: {
                urls: { type: "array", items: string },
                username: string,
                credential: string,
              },
            },
          },
          version: {
            type: "object",
            required: ["version_id", "pseudo_version"],
            properties: { version_id: string, pseudo_version: string },
          },
        },
      },
      ConferenceStatus: {
        type: "object",
        required: ["locked", "guests_muted", "started"],
        properties: {
          locked: { type: "boolean" },
          started: { type: "boolean" },
          guests_muted: { type: "boolean" },
          all_muted: { type: "boolean" },
          guests_can_unmute: { type: "boolean" },
          guests_can_present: { type: "boolean" },
          presentation_allowed: { type: "boolean" },
          direct_media: { type: "boolean" },
          live_captions_available: { type: "boolean" },
          breakout_rooms: { type: "boolean" },
        },
        additionalProperties: false,
      },
      Participant: {
        type: "object",
        required: ["uuid", "display_name", "role", "service_type", "protocol", "start_time"],
        properties: {
          uuid: string,
          display_name: string,
          role: { enum: ["chair", "guest"] },
          service_type: { enum: ["conference", "waiting_room"] },
          protocol: { enum: ["api", "webrtc", "sip"] },
          start_time: { type: "number" },
          has_media: { type: "boolean" },
        },
      },
      Conference: {
        type: "object",
        required: [
          "id",
          "name",
          "service_type",
          "pin",
          "guest_pin",
          "tag",
          "aliases",
          "resource_uri",
        ],
        properties: {
          id: { type: "integer" },
          name: string,
          service_type: { const: "conference" },
          allow_guests: { type: "boolean" },
          pin: string,
          guest_pin: string,
          tag: string,
          resource_uri: string,
          aliases: {
            type: "array",
            items: {
              type: "object",
              required: ["id", "alias", "conference", "creation_time"],
              properties: {
                id: { type: "integer" },
                alias: string,
                conference: string,
                creation_time: string,
                description: string,
              },
            },
          },
        },
      },
      ValidationErrors: {
        type: "object",
        required: ["conference"],
        properties: { conference: { type: "object" } },
      },
    },
  },
};
