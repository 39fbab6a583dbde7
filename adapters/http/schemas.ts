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
    .openapi({ description });

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
  .openapi("VideoSession");

export const VideoCall = z
  .object({
    session_id: z.string(),
    call_id: z.string(),
    client_call_id: z.string(),
    status: z.enum(callStatuses),
    status_date: z.number().int(),
  })
  .openapi("VideoCall");

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

export const CreateSessionBody = z
  .strictObject({
    client_id: id("The app's OIDC client id; must equal the token's claim."),
    device_code: id("The device code; must equal the token's claim."),
  })
  .openapi("CreateSessionRequest");

export const SessionStatusBody = z
  .strictObject({
    status: z.enum(["started", "ended", "session_started", "session_ended"]),
  })
  .openapi("SessionStatusRequest");

export const CreateCallBody = z
  .strictObject({
    session_id: id("Must equal the path's session id.").optional(),
    client_call_id: id("The app's id for the call (a UUID)."),
    status: z.enum(callStatuses),
  })
  .openapi("CreateCallRequest");

export const UpdateCallBody = z
  .strictObject({
    session_id: id("Must equal the path's session id.").optional(),
    client_call_id: id("Must equal the path's call id.").optional(),
    status: z.enum(callStatuses),
  })
  .openapi("UpdateCallRequest");

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
      max_queue_wait_seconds: z.number().int().openapi({
        description: "How long a session waiting for an agent (call ringing) may go quiet.",
      }),
      number_of_agents: z.number().int().optional(),
    }),
  )
  .openapi("Destinations");

const time = z.string().openapi({ example: "05:00" });
export const ServiceHoursSchema = z
  .object({
    time_zone: z.string().openapi({ example: "America/Vancouver" }),
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
        start_date: z.number().int().openapi({
          description: "When the closure begins: seconds since the epoch.",
          example: 1766649600,
        }),
        end_date: z.number().int().openapi({
          description: "When it ends (its last second): seconds since the epoch.",
          example: 1766735999,
        }),
        reason: z.enum(["MAINTENANCE", "HOLIDAY"]),
        reason_description: z.string().optional(),
      }),
    ),
  })
  .openapi("ServiceHours");
