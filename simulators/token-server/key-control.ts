import type { Hono } from "hono";
import { z } from "zod";
import type { KeyDescription, KeyRing } from "./key-ring.ts";

const rotationSchema = z.object({ overlapSeconds: z.number().int().min(0).optional() }).optional();

/**
 * `GET /_sim/keys` and `POST /_sim/keys/rotate` `{overlapSeconds?}`; returns the rotation, in
 * seconds, for the simulator's programmatic API.
 */
export function addKeyControl(app: Hono, keys: KeyRing) {
  const rotate = (overlapSeconds?: number): KeyDescription[] =>
    keys.rotate(overlapSeconds === undefined ? undefined : overlapSeconds * 1000);
  app.get("/_sim/keys", (c) => c.json({ keys: keys.describe() }));
  app.post("/_sim/keys/rotate", async (c) => {
    // No body (or not JSON) rotates with the configured overlap.
    const body = rotationSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) return c.json({ error: "invalid_rotation", issues: body.error.issues }, 400);
    return c.json({ keys: rotate(body.data?.overlapSeconds) });
  });
  return rotate;
}
