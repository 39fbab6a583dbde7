import { createRoute, z } from "@hono/zod-openapi";
import { empty, json, requiredJson, type SimulatorApp, serve } from "../control/openapi.ts";
import type { Rooms } from "./rooms.ts";
import { bearer, gatewayRefusals, invalidRequest } from "./routes.ts";

const namePrefixSchema = z.string().regex(/^[A-Za-z0-9_-]{0,32}$/);
const bulkCreateSchema = z.object({
  count: z.number().int().min(1).max(100),
  name_prefix: namePrefixSchema.default(""),
});

/** Paths and shapes unverified: see simulators/README.md. */
const bulkRoutes = {
  create: createRoute({
    operationId: "createRoomsInBulk",
    tags: ["rooms"],
    method: "post",
    path: "/rooms/bulk",
    summary: "Create rooms for the pool in the background (unverified shape)",
    description:
      "Adds `count` rooms, named with the prefix, to the pool; they are made in the background.",
    security: bearer,
    request: { body: requiredJson(bulkCreateSchema) },
    responses: { 202: empty("Accepted"), ...invalidRequest, ...gatewayRefusals },
  }),
  delete: createRoute({
    operationId: "deleteRoomsInBulk",
    tags: ["rooms"],
    method: "delete",
    path: "/rooms/bulk",
    summary: "Delete the rooms whose names start with a prefix, and empty the pool",
    description:
      "Deletes the handed-out rooms whose names start with the prefix (all of them without " +
      "one) and empties the pool; answers how many of each.",
    security: bearer,
    request: { query: z.object({ name_prefix: namePrefixSchema.optional() }) },
    responses: {
      200: json(
        z.strictObject({
          deleted: z.number().int().min(0),
          queue_cleared: z.number().int().min(0),
        }),
      ),
      ...invalidRequest,
      ...gatewayRefusals,
    },
  }),
};

/** MaxConf's bulk operations. */
export function addBulkApi(app: SimulatorApp, rooms: Rooms): void {
  serve(app, bulkRoutes.create, async (c) => {
    const body = bulkCreateSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) {
      const message = "Body must be {count: 1..100, name_prefix?: letters, digits, _ or -}";
      return c.json({ error: "invalid_request", message }, 400);
    }
    rooms.bulkCreate(body.data.count, body.data.name_prefix);
    return c.body(null, 202);
  });

  serve(app, bulkRoutes.delete, async (c) => {
    const prefix = namePrefixSchema.safeParse(c.req.query("name_prefix") ?? "");
    if (!prefix.success) {
      return c.json({ error: "invalid_request", message: "Invalid name_prefix" }, 400);
    }
    const { deleted, queueCleared } = await rooms.bulkDelete(prefix.data);
    return c.json({ deleted, queue_cleared: queueCleared });
  });
}
