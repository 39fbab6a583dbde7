import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import { faultSchema, faultSpecSchema } from "./faults.ts";
import { journalEntrySchema } from "./journal.ts";
import { controlTag, empty, json, requiredJson } from "./openapi.ts";

export const CONTROL_TOKEN_SCHEME = "simControlToken";

const controlError = z.looseObject({ error: z.string() });
const problem = z.looseObject({ title: z.string(), status: z.number().int() });
const name = z.object({ name: z.string().min(1) });
const openOrToken: Record<string, string[]>[] = [{}, { [CONTROL_TOKEN_SCHEME]: [] }];

/** Every `/_sim/*` route: open on loopback, behind the control token beyond it. */
export const controlRoute = <P extends string, R extends RouteConfig & { path: P }>(route: R) =>
  createRoute({
    ...route,
    tags: [controlTag.name],
    security: openOrToken,
    responses: {
      ...route.responses,
      401: {
        description: "The control API has a token and the request lacks it",
        content: { "application/problem+json": { schema: problem } },
      },
    },
  });

export const controlRoutes = {
  health: controlRoute({
    operationId: "getSimulatorHealth",
    method: "get",
    path: "/_sim/health",
    summary: "Name, seed and simulated time",
    description:
      "The simulator's name, the seed every random choice comes from (set SIM_SEED to it to " +
      "replay a run) and the time on its clock, which tests move.",
    responses: {
      200: json(
        z.strictObject({
          status: z.literal("ok"),
          simulator: z.string(),
          seed: z.number().int(),
          time: z.string(),
        }),
      ),
    },
  }),
  openapi: controlRoute({
    operationId: "getOpenApiDocument",
    method: "get",
    path: "/_sim/openapi.json",
    summary: "This document",
    description:
      "Every route the simulator serves, as OpenAPI 3.1, generated from the routes themselves; " +
      "the journal-conformance test checks traffic against it.",
    responses: { 200: json(z.looseObject({ openapi: z.literal("3.1.0") })) },
  }),
  journal: controlRoute({
    operationId: "getJournal",
    method: "get",
    path: "/_sim/journal",
    summary: "The requests received, oldest first (secrets redacted unless shown)",
    description:
      "Each request received, with its method, path, query, headers, body (cut at a limit), " +
      "status, duration and the fault that took it, if one did. Filtered by method, path " +
      "prefix (a trailing `*` is allowed) and `since` (a `seq`). Client secrets, bearer and " +
      "Pexip tokens and PINs read `[redacted]` unless the simulator shows secrets.",
    request: {
      query: z.object({
        method: z.string().optional(),
        path: z.string().optional(),
        since: z.number().int().optional(),
      }),
    },
    responses: { 200: json(z.strictObject({ entries: z.array(journalEntrySchema) })) },
  }),
  clearJournal: controlRoute({
    operationId: "clearJournal",
    method: "delete",
    path: "/_sim/journal",
    summary: "Forget the journal",
    description: "Forgets every request received; `seq` keeps counting.",
    responses: { 204: empty("Cleared") },
  }),
  reset: controlRoute({
    operationId: "resetSimulator",
    method: "post",
    path: "/_sim/reset",
    summary: "Journal, faults, scenario and runtime state back to the start",
    description:
      "Forgets the journal, disarms every fault, ends the scenario and puts the simulator's " +
      "own state back as it started.",
    responses: { 204: empty("Reset") },
  }),
  faults: controlRoute({
    operationId: "listFaults",
    method: "get",
    path: "/_sim/faults",
    summary: "The armed faults",
    description: "The faults armed, each with its id and the requests it has affected so far.",
    responses: { 200: json(z.strictObject({ faults: z.array(faultSchema) })) },
  }),
  addFault: controlRoute({
    operationId: "addFault",
    method: "post",
    path: "/_sim/faults",
    summary: "Arm a fault",
    description:
      "Arms a fault for the requests it matches (by method, and by exact path or a prefix " +
      "ending in `*`): an answer of its own, latency on the simulator's clock, a reset " +
      "connection or malformed JSON, for the next `times` requests or with a `probability` " +
      "drawn from the seed.",
    request: { body: requiredJson(faultSpecSchema) },
    responses: { 201: json(faultSchema), 400: json(controlError) },
  }),
  clearFaults: controlRoute({
    operationId: "clearFaults",
    method: "delete",
    path: "/_sim/faults",
    summary: "Disarm every fault (and end the scenario)",
    description: "Disarms every fault, the active scenario's included.",
    responses: { 204: empty("Cleared") },
  }),
  removeFault: controlRoute({
    operationId: "removeFault",
    method: "delete",
    path: "/_sim/faults/{id}",
    summary: "Disarm one fault",
    description: "Disarms the fault with this id.",
    request: { params: z.object({ id: z.string().min(1) }) },
    responses: { 204: empty("Removed"), 404: json(controlError) },
  }),
  scenarios: controlRoute({
    operationId: "listScenarios",
    method: "get",
    path: "/_sim/scenarios",
    summary: "The named scenarios and the active one",
    description:
      "The scenarios this simulator offers, with what each does, and the active one (or null).",
    responses: {
      200: json(
        z.strictObject({
          active: z.string().nullable(),
          scenarios: z.array(name.extend({ description: z.string() })),
        }),
      ),
    },
  }),
  applyScenario: controlRoute({
    operationId: "applyScenario",
    method: "post",
    path: "/_sim/scenarios/{name}",
    summary: "Apply a scenario (it replaces the active one)",
    description:
      "Arms the scenario's faults, and switches on any behaviour of the simulator's own it " +
      "has, replacing the active scenario.",
    request: { params: name },
    responses: {
      201: json(name.extend({ faults: z.array(faultSchema) })),
      404: json(controlError),
    },
  }),
  endScenario: controlRoute({
    operationId: "endScenario",
    method: "delete",
    path: "/_sim/scenarios",
    summary: "End the scenario",
    description: "Disarms the active scenario's faults and switches off its behaviour.",
    responses: { 204: empty("Ended") },
  }),
};
