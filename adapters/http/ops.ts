import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { sessionStates } from "../../core/model.ts";
import type { Clock, SessionSearch, Staff, StaffAuthenticator } from "../../core/ports.ts";
import type { SupportUseCases } from "../../core/use-cases/index.ts";
import { sessionSummary, timelineView } from "./ops-views.ts";
import { problem } from "./problem.ts";

export interface OpsOptions {
  support: SupportUseCases;
  authenticator: StaffAuthenticator;
  clock: Clock;
  /** Told of each refused attempt at /ops (never the token itself). */
  logDenied: (reason: string, path: string) => void;
}

const maxPage = 200;
const liveEveryMs = 2000;
const time = z.iso.datetime({ offset: true }).transform((value) => Date.parse(value));
const searchQuery = z
  .strictObject({
    session_id: z.string().max(200).optional(),
    request_id: z.string().max(128).optional(),
    room_name: z.string().max(200).optional(),
    status: z.enum(sessionStates).optional(),
    live: z.enum(["true", "false"]).optional(),
    from: time.optional(),
    to: time.optional(),
    limit: z.coerce.number().int().min(1).max(maxPage).default(50),
    after: z
      .string()
      .regex(/^\d+\.[\w-]+$/, "a cursor from a previous page")
      .optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: "must not be after `to`",
    path: ["from"],
  });

type Env = { Variables: { staff: Staff } };

/**
 * The support staff's API, under /ops: never for devices. Every request needs a staff token with
 * the support role; every read is kept (who, what, when).
 */
export function opsRoutes(options: OpsOptions): Hono<Env> {
  const { support, authenticator, clock } = options;
  const app = new Hono<Env>({ strict: false });

  app.use("/v2/*", async (c, next) => {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "")?.[1];
    const proof = token ? await authenticator.authenticate(token) : undefined;
    if (!proof?.ok) {
      const reason = proof?.reason ?? "missing";
      options.logDenied(reason, c.req.path);
      return refused(reason);
    }
    c.set("staff", proof.staff);
    const url = new URL(c.req.url);
    support.recordRead({
      at: clock.now(),
      staff: `${proof.staff.name} (${proof.staff.id})`,
      what: `${c.req.method} ${url.pathname}${url.search}`,
    });
    await next();
  });

  app.get("/v2/sessions", async (c) => {
    const parsed = searchQuery.safeParse(c.req.query());
    if (!parsed.success) return invalidQuery(parsed.error);
    const q = parsed.data;
    const query: SessionSearch = {
      sessionId: q.session_id,
      requestId: q.request_id,
      roomName: q.room_name,
      state: q.status,
      live: q.live === "true" || undefined,
      createdFrom: q.from,
      createdTo: q.to,
      limit: q.limit,
      ...(q.after ? { after: cursorOf(q.after) } : {}),
    };
    const [found, counts] = await Promise.all([
      support.searchSessions.execute(query),
      support.counts(),
    ]);
    const last = found.length === q.limit ? found.at(-1)?.session : undefined;
    return c.json({
      sessions: found.map(sessionSummary),
      counts,
      next: last ? `${last.createdAt}.${last.id}` : null,
    });
  });

  app.get("/v2/sessions/:session_id/timeline", async (c) => {
    const history = await support.readTimeline.execute(c.req.param("session_id"));
    if (!history) {
      return problem({ status: 404, title: "Not found", detail: "No such session." });
    }
    return c.json(timelineView(history));
  });

  // The live sessions and the counts per status, pushed every couple of seconds.
  app.get("/v2/live", (c) =>
    streamSSE(c, async (stream) => {
      while (!stream.aborted) {
        const [found, counts] = await Promise.all([
          support.searchSessions.execute({ live: true, limit: maxPage }),
          support.counts(),
        ]);
        await stream.writeSSE({
          event: "sessions",
          data: JSON.stringify({ sessions: found.map(sessionSummary), counts }),
        });
        await stream.sleep(liveEveryMs);
      }
    }),
  );
  return app;
}

/** A page's cursor: where it ended, "<created_at>.<session id>" (ids hold no dot). */
function cursorOf(after: string): { createdAt: number; id: string } {
  const dot = after.indexOf(".");
  return { createdAt: Number(after.slice(0, dot)), id: after.slice(dot + 1) };
}

function refused(reason: string): Response {
  const forbidden = reason === "not_support";
  return problem({
    status: forbidden ? 403 : 401,
    title: forbidden ? "Forbidden" : "Unauthorized",
    detail: forbidden
      ? "The token does not carry the support role."
      : `A staff token of the tenant is required (${reason}).`,
    headers: forbidden
      ? {}
      : { "www-authenticate": `Bearer realm="bcsc-video-ops", error="invalid_token"` },
  });
}

function invalidQuery(error: z.ZodError): Response {
  return problem({
    status: 400,
    title: "Invalid request",
    detail: "The search's parameters are not valid.",
    errors: error.issues.map((issue) => ({
      path: issue.path.join(".") || "query",
      message: issue.message,
    })),
  });
}
