import { z } from "@hono/zod-openapi";
import { callStatuses, sessionStatuses } from "../../core/model.ts";
import { weekdays } from "../../core/service-hours.ts";

/**
 * Identifiers are opaque strings; bounded so nothing huge reaches the store, and free of control
 * characters (NUL, line breaks, escapes), which would reach the store and the logs as they are.
 */
const id = (description: string) =>
  z
    .string()
    .min(1)
    .max(200)
    .regex(/^\P{Cc}*$/u, "must not contain control characters")
    // The generator would write the regex's flag into the pattern ("^\P{Cc}*$/u", which
    // matches nothing); JSON Schema patterns are read as Unicode already.
    .openapi({ description, pattern: "^\\P{Cc}*$" });

export const VideoSession = z
  .object({
    session_id: id("Opaque, unguessable session id (the seed's {name})."),
    client_id: z.string(),
    device_code: z.string(),
    destination_host: z.string().openapi({ description: "Pexip conference node host to dial." }),
    room_name: z.string().nullable(),
    room_alias: z.string().nullable(),
    guest_pin: z.string().nullable(),
    queue_position: z.number().int().openapi({
      description: "1-based place among sessions waiting for an agent; 0 if not waiting.",
    }),
    status: z.enum(sessionStatuses),
    status_date: z.number().int().openapi({ description: "Seconds since the epoch." }),
    created_date: z.number().int().openapi({ description: "Seconds since the epoch." }),
    reason: z
      .string()
      .optional()
      .openapi({ description: "Why a session was not granted or failed." }),
  })
  .openapi("VideoSession", {
    examples: [
      {
        session_id: "0mimdudc0Vq3hYc9nR2m8L0xP4tKwZg",
        client_id: "bcsc-app-installation-7",
        device_code: "9b2f6c1e-3d4a-4e5f-8a7b-6c5d4e3f2a1b",
        destination_host: "pexip.example.gov.bc.ca",
        room_name: "MTIzNDU2LDc2NTQzMg",
        room_alias: "4f2a9c71",
        guest_pin: "8521",
        queue_position: 1,
        status: "session_granted",
        status_date: 1764547200,
        created_date: 1764547200,
      },
    ],
  });

export const VideoCall = z
  .object({
    session_id: z.string(),
    call_id: z.string(),
    client_call_id: z.string(),
    status: z.enum(callStatuses),
    status_date: z.number().int(),
  })
  .openapi("VideoCall", {
    examples: [
      {
        session_id: "0mimdudc0Vq3hYc9nR2m8L0xP4tKwZg",
        call_id: "7d3c2b1a-0f9e-4d8c-b7a6-958473625140",
        client_call_id: "2f8e4a6c-1b3d-4f5e-9a7b-8c6d5e4f3a2b",
        status: "call_ringing",
        status_date: 1764547230,
      },
    ],
  });

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem", {
    examples: [
      {
        type: "https://bcsc-video-api.dev/problems/transition-refused",
        title: "Transition refused",
        status: 409,
        detail: "The session is session_ended; it cannot become session_started.",
      },
    ],
  });

export const CreateSessionBody = z
  .strictObject({
    client_id: id("The app's OIDC client id; must equal the token's claim."),
    device_code: id("The device code; must equal the token's claim."),
  })
  .openapi("CreateSessionRequest", {
    examples: [
      {
        client_id: "bcsc-app-installation-7",
        device_code: "9b2f6c1e-3d4a-4e5f-8a7b-6c5d4e3f2a1b",
      },
    ],
  });

export const SessionStatusBody = z
  .strictObject({
    status: z.enum(["started", "ended", "session_started", "session_ended"]),
  })
  .openapi("SessionStatusRequest", { examples: [{ status: "started" }] });

export const CreateCallBody = z
  .strictObject({
    session_id: id("Must equal the path's session id.").optional(),
    client_call_id: id("The app's id for the call (a UUID)."),
    status: z.enum(callStatuses),
  })
  .openapi("CreateCallRequest", {
    examples: [{ client_call_id: "2f8e4a6c-1b3d-4f5e-9a7b-8c6d5e4f3a2b", status: "call_ringing" }],
  });

export const UpdateCallBody = z
  .strictObject({
    session_id: id("Must equal the path's session id.").optional(),
    client_call_id: id("Must equal the path's call id.").optional(),
    status: z.enum(callStatuses),
  })
  .openapi("UpdateCallRequest", { examples: [{ status: "call_in_call" }] });

export const SessionIdParam = z.object({
  session_id: id("The session id.").openapi({ param: { name: "session_id", in: "path" } }),
});

export const CallParams = SessionIdParam.extend({
  client_call_id: id("The app's call id.").openapi({
    param: { name: "client_call_id", in: "path" },
  }),
});

export const DestinationList = z
  .array(
    z.object({
      destination_name: z.string(),
      destination_priority: z.number().int(),
      destination_host: z.string(),
      max_active_sessions: z.number().int().optional(),
      max_inactive_seconds: z.number().int(),
      max_queue_wait_seconds: z
        .number()
        .int()
        .openapi({
          description:
            "How long a session waiting for an agent (a call ringing or pending media) may go quiet.",
          examples: [3600],
        }),
      number_of_agents: z.number().int().optional(),
    }),
  )
  .openapi("Destinations", {
    examples: [
      [
        {
          destination_name: "Default Priority Queue Destination",
          destination_priority: 1,
          destination_host: "pexip.example.gov.bc.ca",
          max_active_sessions: 1000,
          max_inactive_seconds: 600,
          max_queue_wait_seconds: 3600,
          number_of_agents: 4,
        },
      ],
    ],
  });

const time = z.string().openapi({ examples: ["05:00"] });
export const ServiceHoursSchema = z
  .object({
    time_zone: z.string().openapi({ examples: ["America/Vancouver"] }),
    regular_service_periods: z.array(
      z.object({
        start_day: z.enum(weekdays),
        end_day: z.enum(weekdays),
        start_time: time,
        end_time: time,
      }),
    ),
    service_unavailable_periods: z.array(
      z.object({
        start_date: z
          .number()
          .int()
          .openapi({
            description: "When the closure begins: seconds since the epoch.",
            examples: [1798185600],
          }),
        end_date: z
          .number()
          .int()
          .openapi({
            description: "When it ends (its last second): seconds since the epoch.",
            examples: [1798358399],
          }),
        reason: z.enum(["MAINTENANCE", "HOLIDAY"]),
        reason_description: z.string().optional(),
      }),
    ),
  })
  .openapi("ServiceHours", {
    examples: [
      {
        time_zone: "America/Vancouver",
        regular_service_periods: [
          { start_day: "MONDAY", end_day: "FRIDAY", start_time: "05:00", end_time: "23:59" },
        ],
        service_unavailable_periods: [
          {
            start_date: 1798185600,
            end_date: 1798358399,
            reason: "HOLIDAY",
            reason_description: "Christmas",
          },
        ],
      },
    ],
  });
