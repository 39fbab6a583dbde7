import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import { faultSchema, faultSpecSchema } from "./faults.ts";
import { journalEntrySchema } from "./journal.ts";
import { empty, json, requiredJson } from "./openapi.ts";

export const CONTROL_TOKEN_SCHEME = "simControlToken";

const controlError = z.looseObject({ error: z.string() });
const problem = z.looseObject({ title: z.string(), status: z.number().int() });
const name = z.object({ name: z.string().min(1) });
const openOrToken: Record<string, string[]>[] = [{}, { [CONTROL_TOKEN_SCHEME]: [] }];

/** Every `/_sim/*` route: open on loopback, behind the control token beyond it. */
export const controlRoute = <P extends string, R extends RouteConfig & { path: P }>(route: R) =>
  createRoute({
    ...route,
    tags: ["control"],
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
    method: "get",
    path: "/_sim/health",
    summary: "Name, seed and simulated time",
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
    method: "get",
    path: "/_sim/openapi.json",
    summary: "This document",
    responses: { 200: json(z.looseObject({ openapi: z.literal("3.1.0") })) },
  }),
  journal: controlRoute({
    method: "get",
    path: "/_sim/journal",
    summary: "The requests received, oldest first (secrets redacted unless shown)",
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
    method: "delete",
    path: "/_sim/journal",
    summary: "Forget the journal",
    responses: { 204: empty("Cleared") },
  }),
  reset: controlRoute({
    method: "post",
    path: "/_sim/reset",
    summary: "Journal, faults, scenario and runtime state back to the start",
    responses: { 204: empty("Reset") },
  }),
  faults: controlRoute({
    method: "get",
    path: "/_sim/faults",
    summary: "The armed faults",
    responses: { 200: json(z.strictObject({ faults: z.array(faultSchema) })) },
  }),
  addFault: controlRoute({
    method: "post",
    path: "/_sim/faults",
    summary: "Arm a fault",
    request: { body: requiredJson(faultSpecSchema) },
    responses: { 201: json(faultSchema), 400: json(controlError) },
  }),
  clearFaults: controlRoute({
    method: "delete",
    path: "/_sim/faults",
    summary: "Disarm every fault (and end the scenario)",
    responses: { 204: empty("Cleared") },
  }),
  removeFault: controlRoute({
    method: "delete",
    path: "/_sim/faults/{id}",
    summary: "Disarm one fault",
    request: { params: z.object({ id: z.string().min(1) }) },
    responses: { 204: empty("Removed"), 404: json(controlError) },
  }),
  scenarios: controlRoute({
    method: "get",
    path: "/_sim/scenarios",
    summary: "The named scenarios and the active one",
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
    method: "post",
    path: "/_sim/scenarios/{name}",
    summary: "Apply a scenario (it replaces the active one)",
    request: { params: name },
    responses: {
      201: json(name.extend({ faults: z.array(faultSchema) })),
      404: json(controlError),
    },
  }),
  endScenario: controlRoute({
    method: "delete",
    path: "/_sim/scenarios",
    summary: "End the scenario",
    responses: { 204: empty("Ended") },
  }),
};
