import { Hono } from "hono";
import { type Listener, listen } from "../../apps/shared/listen.ts";

/** A stand-in for an identity provider that publishes each app client's keys at its own URL. */
export interface JwksHost {
  /** With `{client_id}` to replace, as BCSC_CLIENT_JWKS_URL takes it. */
  urlTemplate: string;
  publish(clientId: string, keys: JsonWebKey[]): void;
  fetches(clientId: string): number;
  setDown(down: boolean): void;
  /** Forgets every client, count and outage. */
  reset(): void;
  listener: Listener;
}

export async function startJwksHost(): Promise<JwksHost> {
  const published = new Map<string, JsonWebKey[]>();
  const fetches = new Map<string, number>();
  let down = false;
  const app = new Hono();
  app.get("/clients/:clientId/jwks", (c) => {
    const clientId = c.req.param("clientId");
    fetches.set(clientId, (fetches.get(clientId) ?? 0) + 1);
    if (down) return c.json({ error: "unavailable" }, 503);
    const keys = published.get(clientId);
    return keys ? c.json({ keys }) : c.json({ error: "unknown client" }, 404);
  });
  const listener = await listen(0);
  listener.handle(app.fetch);
  return {
    urlTemplate: `${listener.url}/clients/{client_id}/jwks`,
    publish: (clientId, keys) => published.set(clientId, keys),
    fetches: (clientId) => fetches.get(clientId) ?? 0,
    setDown: (isDown) => {
      down = isDown;
    },
    reset: () => {
      published.clear();
      fetches.clear();
      down = false;
    },
    listener,
  };
}
