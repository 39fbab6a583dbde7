/**
 * An OpenAPI 3.1 description of a simulator's routes, written by hand as a plain object so that it
 * runs anywhere (no generator, no runtime module). Served at `GET /_sim/openapi.json`.
 */
export interface OpenApiDocument {
  openapi: "3.1.0";
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
}

/** A JSON body (request or response) with this schema. */
export const json = (schema: unknown, description = "JSON") => ({
  description,
  content: { "application/json": { schema } },
});

/** A response without a body. */
export const empty = (description: string) => ({ description });

const faultSpec = {
  type: "object",
  required: ["match"],
  properties: {
    match: {
      type: "object",
      required: ["path"],
      properties: { method: { type: "string" }, path: { type: "string", pattern: "^/" } },
    },
    respond: {
      type: "object",
      properties: {
        status: { type: "integer", minimum: 100, maximum: 599 },
        body: {},
        headers: { type: "object", additionalProperties: { type: "string" } },
      },
    },
    latencyMs: { type: "integer", minimum: 0 },
    times: { type: "integer", minimum: 1 },
    probability: { type: "number", minimum: 0, maximum: 1 },
    kind: { enum: ["reset", "malformed-json"] },
  },
};
const fault = {
  ...faultSpec,
  required: ["id", "hits", "match"],
  properties: { ...faultSpec.properties, id: { type: "string" }, hits: { type: "integer" } },
};
const journalEntry = {
  type: "object",
  required: ["seq", "time", "method", "path", "query", "headers", "body", "status", "durationMs"],
  properties: {
    seq: { type: "integer" },
    time: { type: "string" },
    method: { type: "string" },
    path: { type: "string" },
    query: { type: "object", additionalProperties: { type: "string" } },
    headers: { type: "object", additionalProperties: { type: "string" } },
    body: { type: "string" },
    status: { type: "integer" },
    durationMs: { type: "number" },
    fault: { type: "string" },
  },
};
const controlError = {
  type: "object",
  required: ["error"],
  properties: { error: { type: "string" } },
};
const control = ["control"];

/** The `/_sim/*` routes every simulator shares (they are not journaled). */
export const controlPlanePaths: OpenApiDocument["paths"] = {
  "/_sim/health": {
    get: {
      tags: control,
      summary: "Name, seed and simulated time",
      responses: {
        200: json({
          type: "object",
          required: ["status", "simulator", "seed", "time"],
          properties: {
            status: { const: "ok" },
            simulator: { type: "string" },
            seed: { type: "integer" },
            time: { type: "string" },
          },
        }),
      },
    },
  },
  "/_sim/openapi.json": {
    get: { tags: control, summary: "This document", responses: { 200: json({ type: "object" }) } },
  },
  "/_sim/journal": {
    get: {
      tags: control,
      summary: "The requests received, oldest first",
      parameters: ["method", "path", "since"].map((name) => ({
        name,
        in: "query",
        schema: { type: name === "since" ? "integer" : "string" },
      })),
      responses: {
        200: json({
          type: "object",
          required: ["entries"],
          properties: { entries: { type: "array", items: journalEntry } },
        }),
      },
    },
    delete: { tags: control, summary: "Forget the journal", responses: { 204: empty("Cleared") } },
  },
  "/_sim/reset": {
    post: {
      tags: control,
      summary: "Journal, faults, scenario and runtime state back to the start",
      responses: { 204: empty("Reset") },
    },
  },
  "/_sim/faults": {
    get: {
      tags: control,
      summary: "The armed faults",
      responses: {
        200: json({
          type: "object",
          required: ["faults"],
          properties: { faults: { type: "array", items: fault } },
        }),
      },
    },
    post: {
      tags: control,
      summary: "Arm a fault",
      requestBody: { required: true, ...json(faultSpec) },
      responses: { 201: json(fault), 400: json(controlError) },
    },
    delete: {
      tags: control,
      summary: "Disarm every fault (and end the scenario)",
      responses: { 204: empty("Cleared") },
    },
  },
  "/_sim/faults/{id}": {
    delete: {
      tags: control,
      summary: "Disarm one fault",
      parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
      responses: { 204: empty("Removed"), 404: json(controlError) },
    },
  },
  "/_sim/scenarios": {
    get: {
      tags: control,
      summary: "The named scenarios and the active one",
      responses: { 200: json({ type: "object", required: ["active", "scenarios"] }) },
    },
    delete: { tags: control, summary: "End the scenario", responses: { 204: empty("Ended") } },
  },
  "/_sim/scenarios/{name}": {
    post: {
      tags: control,
      summary: "Apply a scenario (it replaces the active one)",
      parameters: [{ name: "name", in: "path", required: true, schema: { type: "string" } }],
      responses: {
        201: json({ type: "object", required: ["name", "faults"] }),
        404: json(controlError),
      },
    },
  },
};
