import { OpenAPIHono } from "@hono/zod-openapi";
import { requestHeaders } from "../shared/node-bindings.ts";
import type { SimClock } from "./clock.ts";
import { type ControlAccess, requireControlToken } from "./control-access.ts";
import { CONTROL_TOKEN_SCHEME, controlRoutes } from "./control-routes.ts";
import { applyFault, Faults, faultSpecSchema } from "./faults.ts";
import { Journal, truncateBody } from "./journal.ts";
import {
  documentOf,
  type SecurityScheme,
  type SimulatorApp,
  type SimulatorDescription,
  serve,
} from "./openapi.ts";
import { createRandom, deriveSeed } from "./random.ts";
import { RepeatedHeaders } from "./repeated-headers.ts";
import { COMMON_SCENARIOS, type ScenarioDefinition, Scenarios } from "./scenarios.ts";

export interface ControlPlaneOptions {
  /** Shown by /_sim/health. */
  simulator: string;
  clock: SimClock;
  seed: number;
  /** Resets the simulator's own state; the journal and faults are reset by the control plane. */
  resetState: () => void;
  journalCapacity?: number;
  /** Scenarios of this simulator, added to the common ones (or replacing one of the same name). */
  scenarios?: Record<string, ScenarioDefinition>;
  /** What its OpenAPI document (`/_sim/openapi.json`) says of it besides its routes. */
  about?: SimulatorDescription;
  /** The credentials its routes take, by the names their `security` uses. */
  securitySchemes?: Record<string, SecurityScheme>;
  access?: ControlAccess;
}

export interface ControlPlane {
  /**
   * The simulator adds its routes to this app, after the control plane's, with `serve` (from
   * ./openapi.ts) so that `/_sim/openapi.json` describes them.
   */
  app: SimulatorApp;
  journal: Journal;
  faults: Faults;
  scenarios: Scenarios;
  reset(): void;
}

const CONTROL_PREFIX = "/_sim/";
const METHODS_WITHOUT_BODY = new Set(["GET", "HEAD", "OPTIONS"]);

/** A Hono app with the journal, the fault injector and the `/_sim/*` routes every simulator shares. */
export function createControlPlane(options: ControlPlaneOptions): ControlPlane {
  const { clock } = options;
  const journal = new Journal(options.journalCapacity, options.access?.journalSecrets);
  // A stream of its own, so probabilistic faults do not shift the simulator's random choices.
  const faults = new Faults(createRandom(deriveSeed(options.seed, 0xfa)));
  const scenarios = new Scenarios({ ...COMMON_SCENARIOS, ...options.scenarios }, faults);
  const reset = () => {
    scenarios.clear();
    options.resetState();
    journal.clear();
    faults.clear();
  };
  const app: SimulatorApp = new OpenAPIHono();
  const securitySchemes: Record<string, SecurityScheme> = {
    ...options.securitySchemes,
    [CONTROL_TOKEN_SCHEME]: {
      type: "http",
      scheme: "bearer",
      description: "The control token, when the simulator listens beyond loopback",
    },
  };
  for (const [name, scheme] of Object.entries(securitySchemes))
    app.openAPIRegistry.registerComponent("securitySchemes", name, scheme);

  const repeatedHeaders = new RepeatedHeaders();
  app.use("*", async (c, next) => {
    if (c.req.path.startsWith(CONTROL_PREFIX)) return next();
    const arrivedAt = clock.now();
    const startedAt = performance.now();
    const method = c.req.method;
    const body = METHODS_WITHOUT_BODY.has(method) ? "" : await c.req.text();
    const fault = faults.take(method, c.req.path);
    const faultResponse = fault ? await applyFault(fault, clock, c.env) : undefined;
    if (faultResponse) c.res = faultResponse;
    else await next();
    const { url } = c.req;
    const queryAt = url.indexOf("?");
    journal.record({
      at: arrivedAt,
      method,
      path: c.req.path,
      search: queryAt === -1 ? "" : url.slice(queryAt + 1),
      headers: repeatedHeaders.copy(requestHeaders(c)),
      body: truncateBody(body),
      status: c.res.status,
      durationMs: performance.now() - startedAt,
      fault: fault?.id,
    });
  });

  const { token } = options.access ?? {};
  if (token) app.use(`${CONTROL_PREFIX}*`, requireControlToken(token));

  const routes = controlRoutes;
  serve(app, routes.health, (c) =>
    c.json({
      status: "ok",
      simulator: options.simulator,
      seed: options.seed,
      time: new Date(clock.now()).toISOString(),
    }),
  );
  const document = documentOf(
    app,
    options.about ?? {
      title: `${options.simulator} simulator`,
      description: "A simulator's control API.",
      tags: [],
    },
  );
  serve(app, routes.openapi, (c) => c.json(document()));
  serve(app, routes.journal, (c) => {
    const since = c.req.query("since");
    const entries = journal.entries({
      method: c.req.query("method"),
      path: c.req.query("path"),
      since: since === undefined ? undefined : Number(since),
    });
    return c.json({ entries });
  });
  serve(app, routes.clearJournal, (c) => {
    journal.clear();
    return c.body(null, 204);
  });
  serve(app, routes.reset, (c) => {
    reset();
    return c.body(null, 204);
  });
  serve(app, routes.faults, (c) => c.json({ faults: faults.list() }));
  serve(app, routes.addFault, async (c) => {
    const parsed = faultSpecSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success)
      return c.json({ error: "invalid_fault", issues: parsed.error.issues }, 400);
    return c.json(faults.add(parsed.data), 201);
  });
  serve(app, routes.clearFaults, (c) => {
    scenarios.clear();
    faults.clear();
    return c.body(null, 204);
  });
  serve(app, routes.removeFault, (c) =>
    faults.remove(c.req.param("id")) ? c.body(null, 204) : c.json({ error: "not_found" }, 404),
  );
  serve(app, routes.scenarios, (c) =>
    c.json({ active: scenarios.active() ?? null, scenarios: scenarios.list() }),
  );
  serve(app, routes.applyScenario, (c) => {
    const applied = scenarios.apply(c.req.param("name"));
    if (applied) return c.json(applied, 201);
    const known = scenarios.list().map(({ name }) => name);
    return c.json({ error: "unknown_scenario", scenarios: known }, 404);
  });
  serve(app, routes.endScenario, (c) => {
    scenarios.clear();
    return c.body(null, 204);
  });

  return { app, journal, faults, scenarios, reset };
}
