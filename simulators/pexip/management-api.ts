import type { Context, Hono } from "hono";
import { CONFERENCE_COLLECTION_PATH, type ConferenceDirectory } from "./configuration.ts";
import type { ConferenceManagement } from "./management.ts";

/** The slice of Pexip's management API (configuration/v1/conference) MaxConf relies on. */
export function addManagementApi(
  app: Hono,
  directory: ConferenceDirectory,
  management: ConferenceManagement,
): void {
  const collection = CONFERENCE_COLLECTION_PATH;
  const item = [`${collection}:id{[0-9]+}/`, `${collection}:id{[0-9]+}`];
  const idOf = (c: Context) => Number(c.req.param("id"));
  const bodyOf = (c: Context) => c.req.json().catch(() => undefined);

  app.post(collection, async (c) => {
    const created = management.create(await bodyOf(c));
    if (created.status === 400) return c.json(created.errors, 400);
    // Pexip answers with the new resource's address only.
    const location = new URL(created.config.resource_uri, c.req.url).href;
    return c.body(null, 201, { location });
  });

  app.get(collection, (c) => {
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

  app.on("GET", item, (c) => {
    const config = directory.get(idOf(c));
    return config ? c.json(config) : c.body(null, 404);
  });

  app.on("PATCH", item, async (c) => {
    const updated = management.update(idOf(c), await bodyOf(c));
    return updated.status === 400 ? c.json(updated.errors, 400) : c.body(null, updated.status);
  });

  app.on("DELETE", item, (c) => c.body(null, management.delete(idOf(c)).status));
}
