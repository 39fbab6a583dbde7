import type { OpenAPIHono, RouteConfig, z } from "@hono/zod-openapi";
import type { Handler } from "hono";
import type { BlankEnv } from "hono/types";

/**
 * A simulator's OpenAPI 3.1 description, generated from the routes it serves (each declared with
 * `createRoute` and zod schemas) and served at `GET /_sim/openapi.json`.
 */
export type OpenApiDocument = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;

/** A simulator's app: Hono, with the registry its OpenAPI document is generated from. */
export type SimulatorApp = OpenAPIHono<BlankEnv>;

type Route = RouteConfig & { getRoutingPath(): string };

/** The credentials a route takes: HTTP Bearer or Basic, or a key in a header or the query. */
export type SecurityScheme = {
  type: "http" | "apiKey";
  scheme?: "bearer" | "basic";
  bearerFormat?: string;
  in?: "header" | "query";
  name?: string;
  description?: string;
};

/** A JSON body (request or response) with this schema. */
export const json = (schema: z.ZodType, description = "JSON") => ({
  description,
  content: { "application/json": { schema } },
});

/** A request body that must be there. */
export const requiredJson = (schema: z.ZodType) => ({ required: true, ...json(schema) });

/** A response without a body. */
export const empty = (description: string) => ({ description });

/**
 * Serves `route` with `handler` and adds it to the app's OpenAPI document. Unlike
 * `app.openapi(route, handler)`, nothing validates the request on its way in: the handler parses
 * it with the schemas the route declares and refuses it in the upstream's own words, and a hot
 * path pays for no validation it did not have.
 */
export function serve<R extends Route>(
  app: SimulatorApp,
  route: R,
  handler: Handler<BlankEnv, ReturnType<R["getRoutingPath"]>>,
): void {
  app.openAPIRegistry.registerPath(route);
  app.on(route.method.toUpperCase(), route.getRoutingPath(), handler);
}

/** What a simulator's document says of it besides its routes. */
export interface SimulatorDescription {
  title: string;
  description: string;
  /** The tags its own routes use; the control API's is added. */
  tags: { name: string; description: string }[];
}

export const controlTag = {
  name: "control",
  description:
    "The control API every simulator serves: journal, faults, scenarios, reset, health, this " +
    "document. Open on loopback; beyond it, behind the control token.",
};

/** The document of everything `serve` added, built on first request: routes do not change. */
export function documentOf(app: SimulatorApp, about: SimulatorDescription): () => OpenApiDocument {
  let document: OpenApiDocument | undefined;
  return () => {
    document ??= app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: { title: about.title, version: "1", description: about.description },
      servers: [{ url: "/", description: "The simulator's own origin" }],
      tags: [...about.tags, controlTag],
    });
    return document;
  };
}
