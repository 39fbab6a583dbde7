import { describe, expect, it } from "vitest";
import { z } from "zod";
import { sharedTestStack } from "../support/stack.ts";

// The shipped app's TypeScript types (bc-wallet-mobile, useVideoCallApi), as strict schemas: an
// answer they accept is one the app can use.
const sessionStatus = z.enum([
  "session_granted",
  "session_not_granted",
  "session_failed",
  "session_ended",
  "session_started",
  "session_expired",
]);
const callStatus = z.enum([
  "call_ringing",
  "call_media_pending",
  "call_in_call",
  "call_ended",
  "call_error",
  "call_dropped",
  "call_reconnected",
]);
const epochSeconds = z.number().int().min(1_000_000_000).max(9_999_999_999);
const videoSession = z.object({
  client_id: z.string(),
  device_code: z.string(),
  session_id: z.string(),
  destination_host: z.string(),
  room_name: z.string(),
  room_alias: z.string(),
  guest_pin: z.string(),
  queue_position: z.number(),
  status: sessionStatus,
  status_date: epochSeconds,
  created_date: epochSeconds,
});
const videoCall = z.strictObject({
  session_id: z.string(),
  call_id: z.string(),
  client_call_id: z.string(),
  status: callStatus,
  status_date: epochSeconds,
});
const videoDestinations = z.array(
  z.object({
    max_active_sessions: z.number().optional(),
    max_inactive_seconds: z.number().optional(),
    number_of_agents: z.number().optional(),
    destination_name: z.string(),
    destination_priority: z.number(),
    destination_host: z.string().optional(),
  }),
);
const servicePeriod = z.object({
  start_day: z.string(),
  end_day: z.string(),
  start_time: z.string(),
  end_time: z.string(),
});
const serviceHours = z.object({
  time_zone: z.string(),
  regular_service_periods: z.array(servicePeriod),
  // The app types these `number // seconds from epoch`, formats them with new Date(s * 1000)
  // and tells whether a live call is offered by comparing them with the time now.
  service_unavailable_periods: z.array(
    z.strictObject({
      start_date: z.number().int(),
      end_date: z.number().int(),
      reason: z.enum(["MAINTENANCE", "HOLIDAY"]),
      reason_description: z.string().optional(),
    }),
  ),
});

/** The app's requests exactly as useVideoCallApi sends them: JSON, its slashes, a device JWT. */
describe("the shipped BCSC app's request sequence", () => {
  const stack = sharedTestStack();

  it("gets answers its types accept, from availability check to the end of the session", async () => {
    const app = stack().asDevice("a1b2c3-device-code");

    const destinations = await app.call("GET", "/video/v2/destinations");
    expect(destinations.status).toBe(200);
    expect(videoDestinations.parse(destinations.body)).toContainEqual(
      expect.objectContaining({ destination_name: "Test Harness Queue Destination" }),
    );
    const hours = await app.call("GET", "/video/v2/service_hours");
    expect(serviceHours.parse(hours.body).time_zone).toBe("America/Vancouver");

    const created = await app.call("POST", "/video/v2/sessions/", {
      client_id: app.clientId,
      device_code: app.deviceCode,
    });
    expect(created.status).toBe(201);
    const session = videoSession.parse(created.body);
    expect(session.status).toBe("session_granted");

    // The app joins the room where it builds the node's URL: https://${destination_host}.
    const conference = `https://${session.destination_host}/api/client/v2/conferences/${session.room_alias}`;
    const joined = await fetch(`${conference}/request_token`, {
      method: "POST",
      headers: { "content-type": "application/json", pin: session.guest_pin },
      body: JSON.stringify({ display_name: "BCSC app" }),
    });
    expect(joined.status).toBe(200);
    const { result } = (await joined.json()) as { result: { token: string; role: string } };
    expect(result.role).toBe("GUEST");
    const released = await fetch(`${conference}/release_token`, {
      method: "POST",
      headers: { token: result.token },
    });
    expect(released.status).toBe(200);

    const clientCallId = crypto.randomUUID();
    const call = await app.call("POST", `/video/v2/sessions/${session.session_id}/calls/`, {
      session_id: session.session_id,
      status: "call_ringing",
      client_call_id: clientCallId,
    });
    expect(call.status).toBe(201);
    expect(videoCall.parse(call.body)).toMatchObject({
      status: "call_ringing",
      client_call_id: clientCallId,
    });

    const statuses = [
      "call_media_pending",
      "call_in_call",
      "call_in_call",
      "call_dropped",
      "call_reconnected",
      "call_in_call",
      "call_ended",
    ];
    for (const status of statuses) {
      const update = await app.call(
        "PUT",
        `/video/v2/sessions/${session.session_id}/calls/${clientCallId}`,
        { status, client_call_id: clientCallId },
      );
      expect(update.status, status).toBe(200);
      expect(videoCall.parse(update.body).status).toBe(status);
    }
    const started = await app.call("GET", `/video/v2/sessions/${session.session_id}`);
    expect(videoSession.parse(started.body).status).toBe("session_started");

    const ended = await app.call("DELETE", `/video/v2/sessions/${session.session_id}`);
    expect(ended.status).toBe(204);
    const after = await app.call("GET", `/video/v2/sessions/${session.session_id}/`);
    expect(videoSession.parse(after.body).status).toBe("session_ended");
    await expect.poll(() => stack().simulators.maxconf.rooms().length).toBe(0);
  });
});
