import { z } from "@hono/zod-openapi";
import { controlRoute } from "../control/control-routes.ts";
import { json, type SimulatorApp, serve } from "../control/openapi.ts";
import { type KeyDescription, type KeyRing, keyDescriptionSchema } from "./key-ring.ts";

const rotationSchema = z.object({ overlapSeconds: z.number().int().min(0).optional() }).optional();
const keyDescriptions = json(
  z.strictObject({ keys: z.array(keyDescriptionSchema) }).openapi("KeyDescriptions"),
);

const keyRoutes = {
  keys: controlRoute({
    operationId: "listSigningKeys",
    method: "get",
    path: "/_sim/keys",
    summary: "The signing keys: current and retiring",
    description:
      "Each signing key: its id, whether it signs now, and until when a retiring one stays " +
      "published.",
    responses: { 200: keyDescriptions },
  }),
  rotate: controlRoute({
    operationId: "rotateSigningKeys",
    method: "post",
    path: "/_sim/keys/rotate",
    summary: "A new key signs from now on; the old one stays published for the overlap",
    description:
      "A new key signs from now on; the old one stays in the JWKS for `overlapSeconds` " +
      "(default: the configured overlap). Without a body the configured overlap applies.",
    request: { body: { required: false, ...json(rotationSchema) } },
    responses: {
      200: keyDescriptions,
      400: json(z.looseObject({ error: z.string() })),
    },
  }),
};

/**
 * `GET /_sim/keys` and `POST /_sim/keys/rotate` `{overlapSeconds?}`; returns the rotation, in
 * seconds, for the simulator's programmatic API.
 */
export function addKeyControl(app: SimulatorApp, keys: KeyRing) {
  const rotate = (overlapSeconds?: number): KeyDescription[] =>
    keys.rotate(overlapSeconds === undefined ? undefined : overlapSeconds * 1000);
  serve(app, keyRoutes.keys, (c) => c.json({ keys: keys.describe() }));
  serve(app, keyRoutes.rotate, async (c) => {
    // No body (or not JSON) rotates with the configured overlap.
    const body = rotationSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) return c.json({ error: "invalid_rotation", issues: body.error.issues }, 400);
    return c.json({ keys: rotate(body.data?.overlapSeconds) });
  });
  return rotate;
}
