import type { Context } from "hono";
import { type SimClock, systemClock } from "../control/clock.ts";
import type { ControlAccess } from "../control/control-access.ts";
import { type ControlPlane, createControlPlane } from "../control/control-plane.ts";
import { serve } from "../control/openapi.ts";
import { createRandom, deriveSeed, randomSeed } from "../control/random.ts";
import { Background } from "../shared/background.ts";
import { type BasicCredentials, parseBasicAuth, sameSecret } from "../shared/basic-auth.ts";
import { bearerAuth } from "./bearer-auth.ts";
import { addBulkApi } from "./bulk-api.ts";
import { scheduleGarbageCollection } from "./deletion-queue.ts";
import { createPexipAdminClient, type PexipAdminClient } from "./pexip-admin-client.ts";
import { decodeUuiData, type Room } from "./room.ts";
import { Rooms } from "./rooms.ts";
import {
  ENTRA_BEARER,
  EVENT_SINK_BASIC,
  maxconfDescription,
  pexipEventSchema,
  roomChangesSchema,
  maxconfRoutes as routes,
} from "./routes.ts";

export interface MaxConfOptions {
  clock?: SimClock;
  seed?: number;
  /** Expected `iss` of the Entra access tokens. */
  issuer: string;
  jwksUrl: string;
  audience: string;
  /** Base URL of the Pexip management API. */
  pexipAdminUrl: string;
  /** Replaces HTTP calls to `pexipAdminUrl`, e.g. with an in-process Pexip. */
  pexipAdmin?: PexipAdminClient;
  /** Credentials Pexip uses to post to /public/event_sink. */
  eventSink: BasicCredentials;
  poolSize?: number;
  /** How long the gateway keeps the token server's JWKS (default 10 minutes, simulator clock). */
  jwksMaxAgeMs?: number;
  tagBaseUrl?: string;
  fetch?: typeof fetch;
  controlAccess?: ControlAccess;
}

export interface MaxConfEvent {
  event: string;
  data?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface MaxConfSimulator extends ControlPlane {
  /** Rooms handed out and not deleted yet. */
  rooms(): Room[];
  poolSize(): number;
  /** Names of the rooms waiting for the garbage collector. */
  queuedDeletions(): string[];
  /** Events received from Pexip, oldest first (the last thousand). */
  events(): MaxConfEvent[];
  /** Resolves when background work (pool refills, Pexip updates) is done. */
  settled(): Promise<void>;
}

const EVENT_HISTORY_LIMIT = 1_000;

/** The MaxConf API: Maximus' room gateway in front of Pexip. */
export function createMaxConfSimulator(options: MaxConfOptions): MaxConfSimulator {
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? randomSeed();
  const tagBaseUrl = options.tagBaseUrl ?? "https://id.gov.bc.ca/idcheck/";
  const pexip =
    options.pexipAdmin ?? createPexipAdminClient(options.pexipAdminUrl, options.fetch ?? fetch);
  const background = new Background();
  const rooms = new Rooms({
    pexip,
    random: createRandom(deriveSeed(seed, 2)),
    clock,
    poolSize: options.poolSize ?? 5,
    background,
  });
  scheduleGarbageCollection(clock, () => rooms.collectGarbage());
  let events: MaxConfEvent[] = [];

  const control = createControlPlane({
    simulator: "maxconf",
    clock,
    seed,
    about: maxconfDescription,
    securitySchemes: {
      [ENTRA_BEARER]: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
      [EVENT_SINK_BASIC]: { type: "http", scheme: "basic" },
    },
    access: options.controlAccess,
    resetState: () => {
      rooms.reset();
      events = [];
    },
    scenarios: {
      "expired-tokens": {
        description: "The next request with a bearer token answers 401 'Token expired'",
        faults: [
          {
            match: { path: "/room*" },
            respond: {
              status: 401,
              body: { error: "invalid_token", error_description: "Token expired" },
              headers: { "www-authenticate": 'Bearer error="invalid_token"' },
            },
            times: 1,
          },
        ],
      },
    },
  });
  const { app } = control;
  const auth = bearerAuth({ ...options, clock });
  app.use("/room/*", auth);
  app.use("/rooms", auth);
  app.use("/rooms/*", auth);

  // The hot path: uuiData is decoded by hand, with no validator before it.
  serve(app, routes.createRoom, async (c) => {
    const uui = decodeUuiData(c.req.query("uuiData"));
    if (!uui.ok) return c.json({ error: "invalid_request", message: uui.message }, 400);
    try {
      return c.json(await rooms.handOut(tagBaseUrl + uui.text));
    } catch (error) {
      return upstreamFailure(c, "create", error);
    }
  });

  serve(app, routes.getRoom, (c) => {
    const room = rooms.get(c.req.param("name"));
    return room ? c.json(room) : roomNotFound(c);
  });

  serve(app, routes.changeRoom, async (c) => {
    const room = rooms.get(c.req.param("name"));
    if (!room) return roomNotFound(c);
    const changes = roomChangesSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!changes.success) {
      return c.json({ error: "invalid_request", message: "Body must be a JSON room patch" }, 400);
    }
    rooms.change(room, changes.data);
    return c.body(null, 202);
  });

  serve(app, routes.deleteRoom, async (c) => {
    const room = rooms.get(c.req.param("name"));
    if (!room) return roomNotFound(c);
    try {
      await rooms.delete(room);
    } catch (error) {
      return upstreamFailure(c, "delete", error);
    }
    return c.body(null, 204);
  });

  serve(app, routes.listRooms, (c) => c.json(rooms.list()));

  addBulkApi(app, rooms);

  serve(app, routes.eventSink, async (c) => {
    const given = parseBasicAuth(c.req.header("authorization"));
    const { username, password } = options.eventSink;
    if (!given || !sameSecret(given.username, username) || !sameSecret(given.password, password)) {
      return c.json({ error: "unauthorized" }, 401, {
        "www-authenticate": 'Basic realm="event_sink"',
      });
    }
    const parsed = pexipEventSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) {
      return c.json({ error: "invalid_request", message: "Not a Pexip event" }, 400);
    }
    const event = parsed.data as MaxConfEvent;
    events.push(event);
    if (events.length > EVENT_HISTORY_LIMIT) events = events.slice(-EVENT_HISTORY_LIMIT);
    if (event.event === "conference_ended") {
      const name = event.data?.name ?? event.data?.conference;
      const room = typeof name === "string" ? rooms.get(name) : undefined;
      // A failed deletion leaves the room listed, for the service's own DELETE to retry.
      if (room) await rooms.delete(room).catch((error) => logFailure("delete ended room", error));
    }
    return c.body(null, 200);
  });

  serve(app, routes.health, (c) =>
    c.json({ status: "alive", timestamp: new Date(clock.now()).toISOString() }),
  );

  return {
    ...control,
    rooms: () => rooms.list(),
    poolSize: () => rooms.poolSize(),
    queuedDeletions: () => rooms.queuedDeletions(),
    events: () => [...events],
    settled: () => background.settled(),
  };
}

function roomNotFound(c: Context): Response {
  const message = `Room '${c.req.param("name")}' not found`;
  return c.json({ error: "not_found", message }, 404);
}

function upstreamFailure(c: Context, action: string, error: unknown): Response {
  logFailure(`${action} room`, error);
  return c.json({ error: "upstream_unavailable", message: `Could not ${action} the room` }, 502);
}

function logFailure(action: string, error: unknown): void {
  console.warn(`[maxconf] ${action} failed: ${error instanceof Error ? error.message : error}`);
}
