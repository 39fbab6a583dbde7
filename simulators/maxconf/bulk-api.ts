import type { Hono } from "hono";
import { z } from "zod";
import type { Rooms } from "./rooms.ts";

const namePrefixSchema = z.string().regex(/^[A-Za-z0-9_-]{0,32}$/);
const bulkCreateSchema = z.object({
  count: z.number().int().min(1).max(100),
  name_prefix: namePrefixSchema.default(""),
});

/** MaxConf's bulk operations (paths and shapes unverified: see simulators/README.md). */
export function addBulkApi(app: Hono, rooms: Rooms): void {
  app.post("/rooms/bulk", async (c) => {
    const body = bulkCreateSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) {
      const message = "Body must be {count: 1..100, name_prefix?: letters, digits, _ or -}";
      return c.json({ error: "invalid_request", message }, 400);
    }
    rooms.bulkCreate(body.data.count, body.data.name_prefix);
    return c.body(null, 202);
  });

  app.delete("/rooms/bulk", async (c) => {
    const prefix = namePrefixSchema.safeParse(c.req.query("name_prefix") ?? "");
    if (!prefix.success) {
      return c.json({ error: "invalid_request", message: "Invalid name_prefix" }, 400);
    }
    const { deleted, queueCleared } = await rooms.bulkDelete(prefix.data);
    return c.json({ deleted, queue_cleared: queueCleared });
  });
}
