import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, Hono, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { StoreUnavailable } from "../../core/errors.ts";
import type { DeviceIdentity } from "../../core/model.ts";
import type { DeviceAuthenticator, RateLimiter } from "../../core/ports.ts";
import type { VideoSessionUseCases } from "../../core/use-cases/index.ts";
import { docsPage } from "./docs.ts";
import type { HttpEnv } from "./env.ts";
import { registerSessionRoutes } from "./handlers.ts";
import { type ApiDocument, apiDocument } from "./openapi.ts";
import { type OpsOptions, opsRoutes } from "./ops.ts";
import { internalError, noRoute, ProblemAnswer, problem, storeUnavailable } from "./problem.ts";

export interface HttpAppOptions {
  useCases: VideoSessionUseCases;
  authenticator: DeviceAuthenticator;
  /** Where the API lives; the shipped app uses /video. */
  basePath?: string;
  /** Creates and updates allowed per device. */
  rateLimiter: RateLimiter;
  /** Logs what no answer can explain (a bug); never given a token or a device code. */
  logError?: (message: string, error: unknown) => void;
  /** Runs around every request, first (request ids, logs, metrics). */
  observe?: MiddlewareHandler;
  /** The support staff's API, under /ops. */
  ops: OpsOptions;
  /** Adds the operator's routes (health, metrics…) beside the API, under the same error handling. */
  operatorRoutes?: (app: Hono<HttpEnv>) => void;
}

const maxBodyBytes = 16 * 1024;

/** The service's HTTP face: the app's endpoints, their OpenAPI description and docs. */
export function createHttpApp(options: HttpAppOptions) {
  const basePath = options.basePath ?? "/video";
  const app = new OpenAPIHono<HttpEnv>({
    // `/x` and `/x/` route the same: the shipped app has sent both.
    strict: false,
    defaultHook: (result) => {
      if (result.success) return;
      return problem({
        status: 400,
        title: "Invalid request",
        detail: "The request does not match the API's schema.",
        errors: result.error.issues.map((issue) => ({
          path: issue.path.join(".") || result.target,
          message: issue.message,
        })),
      });
    },
  });

  app.onError((error, c) => {
    if (error instanceof ProblemAnswer) return error.response;
    if (error instanceof StoreUnavailable) return storeUnavailable();
    if (error instanceof HTTPException) {
      return problem({
        status: error.status === 500 ? 400 : (error.status as 400),
        title: error.status === 415 ? "Unsupported media type" : "Invalid request",
        detail:
          error.status === 415
            ? "Send application/json (or, to create a session, application/x-www-form-urlencoded)."
            : error.message,
      });
    }
    // Reading the body fails when the client hangs up mid-request: its doing, and no one hears us.
    if (c.req.raw.signal.aborted) {
      return problem({
        status: 400,
        title: "Request aborted",
        detail: "The connection closed before the request was read.",
      });
    }
    options.logError?.(`unhandled error on ${c.req.method} ${c.req.path}`, error);
    return internalError();
  });
  app.notFound((c) => noRoute(c.req.method, c.req.path));
  if (options.observe) app.use("*", options.observe);
  options.operatorRoutes?.(app);
  app.route("/ops", opsRoutes(options.ops));

  const api = new OpenAPIHono<HttpEnv>({ strict: false, defaultHook: app.defaultHook });
  api.use("*", refuseEncodedBodies);
  api.use("*", limitBody(maxBodyBytes));
  api.use("*", async (c, next) => {
    const identity = await authenticate(c, options.authenticator);
    if (identity instanceof Response) return identity;
    c.set("identity", identity);
    if (c.req.method !== "GET") {
      const verdict = await options.rateLimiter.take(
        `${identity.clientId}\n${identity.deviceCode}`,
      );
      if (!verdict.allowed) return tooMany(verdict.retryAfterSeconds);
    }
    await next();
  });
  registerSessionRoutes(api, options.useCases);
  app.route(basePath, api);

  // Built on first request, then served as is: the routes do not change while running.
  let openApiDocument: ApiDocument | undefined;
  app.get("/openapi.json", (c) => {
    openApiDocument ??= apiDocument(basePath);
    return c.json(openApiDocument);
  });
  app.get("/docs", (c) => c.html(docsPage("/openapi.json")));
  return app;
}

async function authenticate(
  c: Context,
  authenticator: DeviceAuthenticator,
): Promise<DeviceIdentity | Response> {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) {
    return unauthorized(header ? "malformed" : "missing", "A device bearer token is required.");
  }
  const result = await authenticator.authenticate(match[1]);
  if (result.ok) return result.identity;
  return unauthorized(result.reason, `The bearer token was refused (${result.reason}).`);
}

function unauthorized(reason: string, detail: string): Response {
  const challenge =
    reason === "missing"
      ? 'Bearer realm="bcsc-video"'
      : `Bearer realm="bcsc-video", error="invalid_token", error_description="${reason}"`;
  return problem({
    status: 401,
    title: "Unauthorized",
    detail,
    headers: { "www-authenticate": challenge },
  });
}

/**
 * A declared Content-Length is checked as a number: the server reads no more than it declares.
 * Only a body sent in chunks is counted as it is read (hono's bodyLimit), because asking for the
 * body stream makes @hono/node-server build a whole fetch Request, at a cost every request paid.
 */
function limitBody(maxSize: number): MiddlewareHandler {
  const counted = bodyLimit({ maxSize, onError: () => tooLarge() });
  return (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    const declared = c.req.header("content-length");
    if (declared !== undefined && c.req.header("transfer-encoding") === undefined) {
      return Number(declared) > maxSize ? Promise.resolve(tooLarge()) : next();
    }
    return counted(c, next);
  };
}

/** No body is decoded here: one sent gzip'd (or in any coding but identity) would be read as is. */
const refuseEncodedBodies: MiddlewareHandler = (c, next) => {
  const codings = (c.req.header("content-encoding") ?? "").split(",");
  if (codings.every((coding) => ["", "identity"].includes(coding.trim().toLowerCase()))) {
    return next();
  }
  return Promise.resolve(
    problem({
      status: 415,
      title: "Unsupported media type",
      detail: "Request bodies are read as sent: send them without a Content-Encoding.",
      headers: { "accept-encoding": "identity" },
    }),
  );
};

function tooLarge(): Response {
  return problem({
    status: 413,
    title: "Payload too large",
    detail: `Request bodies are limited to ${maxBodyBytes} bytes.`,
  });
}

function tooMany(retryAfterSeconds: number): Response {
  return problem({
    status: 429,
    title: "Too many requests",
    detail: "This device sends requests faster than allowed; retry later.",
    headers: { "retry-after": String(retryAfterSeconds) },
  });
}
