import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { DomainError } from "../../core/errors.ts";

export interface ProblemFields {
  status: ContentfulStatusCode;
  title: string;
  detail?: string;
  errors?: { path: string; message: string }[];
  headers?: Record<string, string>;
}

/** RFC 9457 problem details: every error this service answers goes through here. */
export function problem(fields: ProblemFields): Response {
  const { status, title, detail, errors, headers } = fields;
  const type = `https://bcsc-video-api.dev/problems/${title.toLowerCase().replaceAll(/[^a-z0-9]+/g, "-")}`;
  return new Response(JSON.stringify({ type, title, status, detail, errors }), {
    status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}

/** No route matched, in the API or in the service around it. */
export const noRoute = (method: string, path: string): Response =>
  problem({ status: 404, title: "Not found", detail: `No route for ${method} ${path}.` });

/** The database did not answer: nothing was written that the caller was not told of. */
export const storeUnavailable = (): Response =>
  problem({
    status: 503,
    title: "Store unavailable",
    detail: "The service's database is unavailable; retry shortly.",
    headers: { "retry-after": "2" },
  });

/** An error nobody expected; what went wrong is logged, not told. */
export const internalError = (): Response =>
  problem({ status: 500, title: "Internal error", detail: "Something broke on our side." });

/** The one place where the core's expected outcomes become HTTP answers. */
export function problemFor(error: DomainError): Response {
  switch (error.kind) {
    case "not_found":
      return problem({ status: 404, title: "Not found", detail: "No such session or call." });
    case "identity_mismatch":
      return problem({
        status: 403,
        title: "Identity mismatch",
        detail: `The body's ${error.field} does not match the bearer token.`,
      });
    case "refused_transition":
      return problem({
        status: 409,
        title: "Transition refused",
        detail: `The ${error.subject} is ${error.current}; it cannot become ${error.requested}.`,
      });
    case "busy":
      return problem({
        status: 409,
        title: "Busy",
        detail: "The session is being changed by another request; retry shortly.",
        headers: { "retry-after": "1" },
      });
    case "live_session_limit":
      return problem({
        status: 409,
        title: "Live session limit",
        detail: `This app installation already holds ${error.limit} live session(s); end one before creating another.`,
      });
    case "upstream":
      return upstreamProblem(error.error);
  }
}

function upstreamProblem(error: Extract<DomainError, { kind: "upstream" }>["error"]): Response {
  const who = error.upstream === "maxconf" ? "The room service (MaxConf)" : "The token server";
  if (error.failure === "timeout") {
    return problem({
      status: 504,
      title: "Upstream timeout",
      detail: `${who} did not answer in time.`,
    });
  }
  if (error.failure === "bad_answer") {
    return problem({
      status: 502,
      title: "Bad upstream answer",
      detail: `${who} answered wrongly.`,
    });
  }
  return problem({
    status: 503,
    title: "Upstream unavailable",
    detail: `${who} is unavailable.`,
    headers: { "retry-after": String(error.retryAfterSeconds ?? 5) },
  });
}

/** Thrown by handlers to answer with a problem; the app's error handler sends its response. */
export class ProblemAnswer extends Error {
  constructor(readonly response: Response) {
    super(`problem answer ${response.status}`);
  }
}

/** The value of a successful result, or a ProblemAnswer for the error. */
export function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: DomainError }): T {
  if (!result.ok) throw new ProblemAnswer(problemFor(result.error));
  return result.value;
}
