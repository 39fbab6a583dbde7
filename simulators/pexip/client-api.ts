import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type SimulatorApp, serve } from "../control/openapi.ts";
import { type AdmissionOptions, PEXIP_VERSION, roleFor, tokenResult } from "./admission.ts";
import { clientRoutes as routes } from "./client-routes.ts";
import { callSchema, candidateSchema, requestTokenSchema, sdpSchema } from "./client-schemas.ts";
import { openStream } from "./conference-events.ts";
import type { ConferenceNode } from "./conference-node.ts";
import type { ConferenceDirectory } from "./configuration.ts";
import { API_DISCONNECT_REASON, TOKEN_RELEASED_REASON } from "./disconnect-reasons.ts";
import { type Attendance, conferenceStatusJson, participantJson } from "./live-model.ts";

export interface ClientApiOptions extends AdmissionOptions {
  directory: ConferenceDirectory;
  node: ConferenceNode;
}

const success = (c: Context, result: unknown, status: ContentfulStatusCode = 200) =>
  c.json({ status: "success", result }, status);
const failure = (c: Context, status: ContentfulStatusCode, result: string) =>
  c.json({ status: "failed", result }, status);

/** Pexip Infinity's client REST API v2, as a WebRTC client (the BCSC app) uses it. */
export function addClientApi(app: SimulatorApp, options: ClientApiOptions): void {
  const { directory, node } = options;
  const attendanceOf = (c: Context, token = c.req.header("token")) =>
    node.authenticate(token, c.req.param("alias") ?? "");
  const invalidToken = (c: Context) => failure(c, 403, "Invalid token");

  serve(app, routes.requestToken, async (c) => {
    const alias = c.req.param("alias");
    const config = directory.byAlias(alias);
    if (!config) return failure(c, 404, "Neither conference nor gateway found");
    const body = requestTokenSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) return failure(c, 400, "display_name is required");

    const role = roleFor(config, c.req.header("pin")?.trim());
    if (role === "pin-required") {
      const guestPin = config.allow_guests && config.guest_pin ? "required" : "none";
      return success(c, { pin: "required", guest_pin: guestPin, version: PEXIP_VERSION }, 403);
    }
    if (role === "invalid-pin") return failure(c, 403, "Invalid PIN");

    const { attendance, token } = node.join({
      config,
      alias,
      displayName: body.data.display_name,
      role,
      callTag: body.data.call_tag ?? "",
      vendor: c.req.header("user-agent") ?? "",
    });
    return success(c, tokenResult(attendance, token, options));
  });

  serve(app, routes.refreshToken, (c) => {
    const attendance = attendanceOf(c);
    if (!attendance) return invalidToken(c);
    return success(c, {
      token: node.refresh(attendance),
      expires: String(options.tokenExpiresSeconds),
      role: attendance.participant.role,
    });
  });

  serve(app, routes.releaseToken, (c) => {
    const attendance = attendanceOf(c);
    if (!attendance) return invalidToken(c);
    node.leave(attendance, TOKEN_RELEASED_REASON);
    return success(c, true);
  });

  serve(app, routes.conferenceStatus, (c) => {
    const attendance = attendanceOf(c);
    if (!attendance) return invalidToken(c);
    return success(c, conferenceStatusJson(attendance.conference));
  });

  serve(app, routes.participants, (c) => {
    const attendance = attendanceOf(c);
    if (!attendance) return invalidToken(c);
    return success(c, [...attendance.conference.participants.values()].map(participantJson));
  });

  serve(app, routes.events, (c) => {
    const attendance = attendanceOf(c, c.req.header("token") ?? c.req.query("token"));
    if (!attendance) return invalidToken(c);
    return openStream(attendance).response;
  });

  /** The participant in the path must be the token's own. */
  const ownAttendance = (c: Context) => {
    const attendance = attendanceOf(c);
    return attendance?.participant.uuid === c.req.param("participant") ? attendance : undefined;
  };
  serve(app, routes.disconnect, (c) => {
    const attendance = ownAttendance(c);
    if (!attendance) return invalidToken(c);
    node.leave(attendance, API_DISCONNECT_REASON);
    return success(c, true);
  });

  serve(app, routes.calls, async (c) => {
    const attendance = ownAttendance(c);
    if (!attendance) return invalidToken(c);
    const body = callSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) return failure(c, 400, "A WEBRTC call needs an SDP offer");
    const answer = await node.calls.start(attendance, body.data.sdp);
    return answer ? success(c, answer) : failure(c, 400, "Invalid SDP offer");
  });

  const withCall = (
    handle: (c: Context, attendance: Attendance, callUuid: string) => Response | Promise<Response>,
  ) => {
    return (c: Context) => {
      const attendance = ownAttendance(c);
      if (!attendance) return invalidToken(c);
      const callUuid = c.req.param("call") ?? "";
      if (!attendance.participant.calls.has(callUuid)) return failure(c, 403, "Invalid call");
      return handle(c, attendance, callUuid);
    };
  };

  serve(
    app,
    routes.ack,
    withCall((c, attendance, callUuid) => success(c, node.calls.ack(attendance, callUuid))),
  );
  serve(
    app,
    routes.newCandidate,
    withCall(async (c, attendance, callUuid) => {
      const body = candidateSchema.safeParse(await c.req.json().catch(() => undefined));
      if (!body.success) return failure(c, 400, "A candidate needs a candidate attribute");
      await node.calls.addCandidate(attendance, callUuid, body.data);
      return success(c, null);
    }),
  );
  serve(
    app,
    routes.dtmf,
    withCall((c) => success(c, true)),
  );
  serve(
    app,
    routes.update,
    withCall(async (c, attendance, callUuid) => {
      const body = sdpSchema.safeParse(await c.req.json().catch(() => undefined));
      const sdp = body.success
        ? await node.calls.update(attendance, callUuid, body.data.sdp)
        : undefined;
      // Pexip's schema for update declares no 400; its errors besides 403 are text (500, 502...).
      return sdp ? success(c, { call_uuid: callUuid, sdp }) : c.text("Invalid SDP offer", 500);
    }),
  );
  serve(
    app,
    routes.hangUp,
    withCall((c, attendance, callUuid) => {
      node.calls.hangUp(attendance, callUuid);
      return success(c, null);
    }),
  );
}
