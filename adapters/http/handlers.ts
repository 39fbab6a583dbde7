import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { DomainError, Result } from "../../core/errors.ts";
import type { CallStatus } from "../../core/model.ts";
import type { CallTarget, VideoSessionUseCases } from "../../core/use-cases/index.ts";
import type { HttpEnv } from "./env.ts";
import { videoCall, videoDestination, videoSession } from "./present.ts";
import { ProblemAnswer, problem, problemFor, unwrap } from "./problem.ts";
import * as routes from "./routes.ts";

const sessionCommands = {
  started: "start",
  session_started: "start",
  ended: "end",
  session_ended: "end",
} as const;

/** A body may repeat the path's ids (the shipped app does); if it does, they must agree. */
function agreeWithPath(
  body: { session_id?: string; client_call_id?: string },
  path: { session_id: string; client_call_id?: string },
): void {
  if (body.session_id !== undefined && body.session_id !== path.session_id) {
    throw mismatch("session_id", "path's session id");
  }
  const callId = path.client_call_id;
  if (callId !== undefined && body.client_call_id !== undefined && body.client_call_id !== callId) {
    throw mismatch("client_call_id", "path's call id");
  }
}

function mismatch(field: string, where: string): ProblemAnswer {
  return new ProblemAnswer(
    problem({
      status: 400,
      title: "Invalid request",
      detail: `The body's ${field} does not match the ${where}.`,
      errors: [{ path: field, message: `must equal the ${where}` }],
    }),
  );
}

/** The body a create carries, by media type: the same choice Hono's validators make. */
function createBodyKind(contentType: string | undefined): "json" | "form" | undefined {
  const mediaType = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  if (/^application\/([\w.-]+\+)?json$/.test(mediaType)) return "json";
  if (mediaType === "application/x-www-form-urlencoded" || mediaType === "multipart/form-data") {
    return "form";
  }
  return undefined;
}

/**
 * The create as served: its body optional, because with a required one both the JSON and the
 * form validator run, each refusing the other's media type. The handler refuses a create
 * without a body; the document (built from the route as declared) says it is required.
 */
const servedCreateSession = {
  ...routes.createSession,
  request: { body: { ...routes.createSession.request.body, required: false } },
};

/**
 * The result's value (or its problem, thrown). A request about a session the caller may see is
 * marked as that session's, for its timeline; one about a session it may not see is nobody's.
 */
function concerning<T>(c: Context<HttpEnv>, sessionId: string | undefined, result: Result<T>): T {
  if (sessionId && (result.ok || result.error.kind !== "not_found")) c.set("sessionId", sessionId);
  return unwrap(result);
}

export function registerSessionRoutes(app: OpenAPIHono<HttpEnv>, useCases: VideoSessionUseCases) {
  app.openapi(servedCreateSession, async (c) => {
    const identity = c.get("identity");
    const kind = createBodyKind(c.req.header("content-type"));
    // No content type: no validator ran (and the route refused any body with 415).
    if (!kind) {
      throw new ProblemAnswer(
        problem({
          status: 400,
          title: "Invalid request",
          detail: "Send client_id and device_code, as JSON or as a form.",
          errors: ["client_id", "device_code"].map((path) => ({ path, message: "required" })),
        }),
      );
    }
    const body = kind === "json" ? c.req.valid("json") : c.req.valid("form");
    const wrong: DomainError | undefined =
      body.client_id !== identity.clientId
        ? { kind: "identity_mismatch", field: "client_id" }
        : body.device_code !== identity.deviceCode
          ? { kind: "identity_mismatch", field: "device_code" }
          : undefined;
    if (wrong) throw new ProblemAnswer(problemFor(wrong));
    const result = await useCases.createSession.execute(identity, c.get("requestId"));
    const failed =
      !result.ok && result.error.kind === "upstream" ? result.error.sessionId : undefined;
    const created = concerning(c, result.ok ? result.value.session.id : failed, result);
    return c.json(videoSession(created), created.created ? 201 : 200);
  });

  app.openapi(routes.getSession, async (c) => {
    const sessionId = c.req.valid("param").session_id;
    const view = concerning(
      c,
      sessionId,
      await useCases.getSession.execute(c.get("identity"), sessionId),
    );
    return c.json(videoSession(view), 200);
  });

  app.openapi(routes.updateSession, async (c) => {
    const command = sessionCommands[c.req.valid("json").status];
    const sessionId = c.req.valid("param").session_id;
    const view = concerning(
      c,
      sessionId,
      await useCases.updateSession.execute(c.get("identity"), sessionId, command),
    );
    return c.json(videoSession(view), 200);
  });

  app.openapi(routes.deleteSession, async (c) => {
    const sessionId = c.req.valid("param").session_id;
    concerning(
      c,
      sessionId,
      await useCases.updateSession.execute(c.get("identity"), sessionId, "close"),
    );
    return c.body(null, 204);
  });

  /** The three call routes differ only in which call a status is for. */
  const reportCall = async (
    c: Context<HttpEnv>,
    path: { session_id: string; client_call_id?: string },
    body: { session_id?: string; client_call_id?: string; status: CallStatus },
    target: CallTarget,
  ) => {
    agreeWithPath(body, path);
    const identity = c.get("identity");
    const reported = concerning(
      c,
      path.session_id,
      await useCases.reportCall.execute(identity, path.session_id, target, body.status),
    );
    return { body: videoCall(reported.call), status: reported.created ? 201 : 200 } as const;
  };

  app.openapi(routes.createCall, async (c) => {
    const body = c.req.valid("json");
    const target = { mode: "create", clientCallId: body.client_call_id } as const;
    const answer = await reportCall(c, c.req.valid("param"), body, target);
    return c.json(answer.body, answer.status);
  });

  app.openapi(routes.updateCall, async (c) => {
    const path = c.req.valid("param");
    const target = { mode: "existing", clientCallId: path.client_call_id } as const;
    const answer = await reportCall(c, path, c.req.valid("json"), target);
    return c.json(answer.body, 200);
  });

  app.openapi(routes.updateCurrentCall, async (c) => {
    const body = c.req.valid("json");
    const target = { mode: "named-or-current", clientCallId: body.client_call_id } as const;
    const answer = await reportCall(c, c.req.valid("param"), body, target);
    return c.json(answer.body, 200);
  });

  app.openapi(routes.listDestinations, (c) =>
    c.json(useCases.destinations().map(videoDestination), 200),
  );

  app.openapi(routes.getServiceHours, (c) => c.json(useCases.serviceHours(), 200));
}
