import { OpenAPIHono } from "@hono/zod-openapi";
import { headerComponents } from "./headers.ts";
import { apiRoutes } from "./routes.ts";

export type ApiDocument = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;

const description = `Video identity-verification sessions for the BC Services Card app.

Every request carries \`Authorization: Bearer <device JWT>\`: signed by the device's key, with
\`client_id\` and \`device_code\` claims, which are the caller's identity (another device's session
is \`404\`). Errors are RFC 9457 \`application/problem+json\`. Send an \`x-request-id\` to have it
echoed and passed to the upstreams; otherwise the service makes one.`;

/**
 * The API's OpenAPI 3.1 document, generated from its routes' schemas: what `/openapi.json`
 * serves, and what the typed client (clients/video-api) is generated from.
 */
export function apiDocument(basePath: string): ApiDocument {
  const api = new OpenAPIHono();
  for (const route of apiRoutes) api.openAPIRegistry.registerPath(route);
  const app = new OpenAPIHono();
  app.route(basePath, api);
  app.openAPIRegistry.registerComponent("securitySchemes", "deviceJwt", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "A JWT signed by the device's key, with client_id and device_code claims.",
  });
  for (const [id, header] of headerComponents) {
    app.openAPIRegistry.registerComponent("headers", id, header);
  }
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: { title: "BCSC Video API", version: "2.0.0", description },
    servers: [{ url: "/", description: "The origin this document is served from" }],
    tags: [
      { name: "Video sessions", description: "A citizen's video session and its calls." },
      { name: "Configuration", description: "Destinations and service hours, served as data." },
    ],
  });
}
