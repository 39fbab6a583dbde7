import type { Context } from "hono";
import { type SimulatorApp, serve } from "../control/openapi.ts";
import type { ConferenceDirectory } from "./configuration.ts";
import type { ConferenceManagement } from "./management.ts";
import { managementRoutes as routes } from "./management-routes.ts";

/** The slice of Pexip's management API (configuration/v1/conference) MaxConf relies on. */
export function addManagementApi(
  app: SimulatorApp,
  directory: ConferenceDirectory,
  management: ConferenceManagement,
): void {
  const bodyOf = (c: Context) => c.req.json().catch(() => undefined);
  /** The handler, for a conference id made of digits; any other id is no conference's. */
  const onConference =
    (handle: (c: Context, id: number) => Response | Promise<Response>) => (c: Context) => {
      const id = c.req.param("id") ?? "";
      return /^[0-9]+$/.test(id) ? handle(c, Number(id)) : c.body(null, 404);
    };

  serve(app, routes.create, async (c) => {
    const created = management.create(await bodyOf(c));
    if (created.status === 400) return c.json(created.errors, 400);
    // Pexip answers with the new resource's address only.
    const location = new URL(created.config.resource_uri, c.req.url).href;
    return c.body(null, 201, { location });
  });

  serve(app, routes.list, (c) => {
    const name = c.req.query("name");
    const objects = directory.list().filter((config) => name === undefined || config.name === name);
    return c.json({
      meta: {
        limit: objects.length,
        next: null,
        offset: 0,
        previous: null,
        total_count: objects.length,
      },
      objects,
    });
  });

  for (const route of routes.read) {
    serve(
      app,
      route,
      onConference((c, id) => {
        const config = directory.get(id);
        return config ? c.json(config) : c.body(null, 404);
      }),
    );
  }
  for (const route of routes.change) {
    serve(
      app,
      route,
      onConference(async (c, id) => {
        const updated = management.update(id, await bodyOf(c));
        return updated.status === 400 ? c.json(updated.errors, 400) : c.body(null, updated.status);
      }),
    );
  }
  for (const route of routes.delete) {
    serve(
      app,
      route,
      onConference((c, id) => c.body(null, management.delete(id).status)),
    );
  }
}
