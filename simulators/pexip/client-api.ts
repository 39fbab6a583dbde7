import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type SimulatorApp, serve } from "../control/openapi.ts";
import { type AdmissionOptions, PEXIP_VERSION, roleFor, tokenResult } from "./admission.ts";
import { clientRoutes as routes } from "./client-routes.ts";
import { callSchema, candidateSchema, requestTokenSchema, sdpSchema } from "./client-schemas.ts";
import { API_DISCONNECT_REASON, type ConferenceNode, type Session } from "./conference-node.ts";
import type { ConferenceDirectory } from "./configuration.ts";
import { conferenceStatusJson, participantJson } from "./live-model.ts";

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
  const sessionOf = (c: Context, token = c.req.header("token")) =>
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

    const session = node.join({
      config,
      alias,
      displayName: body.data.display_name,
      role,
      callTag: body.data.call_tag ?? "",
      vendor: c.req.header("user-agent") ?? "",
    });
    return success(c, tokenResult(session, config, options));
  });

  serve(app, routes.refreshToken, (c) => {
    const session = sessionOf(c);
    if (!session) return invalidToken(c);
    return success(c, {
      token: node.refresh(session),
      expires: String(options.tokenExpiresSeconds),
      role: session.participant.role,
    });
  });

  serve(app, routes.releaseToken, (c) => {
    const session = sessionOf(c);
    if (!session) return invalidToken(c);
    node.leave(session, "Participant released its token");
    return success(c, true);
  });

  serve(app, routes.conferenceStatus, (c) => {
    const session = sessionOf(c);
    if (!session) return invalidToken(c);
    return success(c, conferenceStatusJson(session.conference));
  });

  serve(app, routes.participants, (c) => {
    const session = sessionOf(c);
    if (!session) return invalidToken(c);
    return success(c, [...session.conference.participants.values()].map(participantJson));
  });

  serve(app, routes.events, (c) => {
    const session = sessionOf(c, c.req.header("token") ?? c.req.query("token"));
    if (!session) return invalidToken(c);
    return node.openStream(session).response;
  });

  /** The participant in the path must be the token's own. */
  const ownSession = (c: Context) => {
    const session = sessionOf(c);
    return session?.participant.uuid === c.req.param("participant") ? session : undefined;
  };
  serve(app, routes.disconnect, (c) => {
    const session = ownSession(c);
    if (!session) return invalidToken(c);
    node.leave(session, API_DISCONNECT_REASON);
    return success(c, true);
  });

  serve(app, routes.calls, async (c) => {
    const session = ownSession(c);
    if (!session) return invalidToken(c);
    const body = callSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) return failure(c, 400, "A WEBRTC call needs an SDP offer");
    const answer = await node.startCall(session, body.data.sdp);
    return answer ? success(c, answer) : failure(c, 400, "Invalid SDP offer");
  });

  const withCall = (
    handle: (c: Context, session: Session, callUuid: string) => Response | Promise<Response>,
  ) => {
    return (c: Context) => {
      const session = ownSession(c);
      if (!session) return invalidToken(c);
      const callUuid = c.req.param("call") ?? "";
      if (!session.participant.calls.has(callUuid)) return failure(c, 403, "Invalid call");
      return handle(c, session, callUuid);
    };
  };

  serve(
    app,
    routes.ack,
    withCall((c, session, callUuid) => success(c, node.ackCall(session, callUuid))),
  );
  serve(
    app,
    routes.newCandidate,
    withCall(async (c, session, callUuid) => {
      const body = candidateSchema.safeParse(await c.req.json().catch(() => undefined));
      if (!body.success) return failure(c, 400, "A candidate needs a candidate attribute");
      await node.addCandidate(session, callUuid, body.data);
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
    withCall(async (c, session, callUuid) => {
      const body = sdpSchema.safeParse(await c.req.json().catch(() => undefined));
      const sdp = body.success
        ? await node.updateCall(session, callUuid, body.data.sdp)
        : undefined;
      // Pexip's schema for update declares no 400; its errors besides 403 are text (500, 502...).
      return sdp ? success(c, { call_uuid: callUuid, sdp }) : c.text("Invalid SDP offer", 500);
    }),
  );
  serve(
    app,
    routes.hangUp,
    withCall((c, session, callUuid) => {
      node.disconnectCall(session, callUuid);
      return success(c, null);
    }),
  );
}
