import { Hono } from "hono";
import { type Listener, listen } from "../../apps/shared/listen.ts";

/** A stand-in for an identity provider that publishes each app client's keys at its own URL. */
export interface JwksHost {
  /** With `{client_id}` to replace, as BCSC_CLIENT_JWKS_URL takes it. */
  urlTemplate: string;
  publish(clientId: string, keys: JsonWebKey[]): void;
  fetches(clientId: string): number;
  /** Every request received, on any path (a client id that walks the URL lands elsewhere). */
  totalFetches(): number;
  /** Requests received and not answered yet. */
  answering(): number;
  /** Answers wait from now on until the returned function is called. */
  hold(): () => void;
  setDown(down: boolean): void;
  /** Forgets every client, count and outage. */
  reset(): void;
  listener: Listener;
}

export async function startJwksHost(): Promise<JwksHost> {
  const published = new Map<string, JsonWebKey[]>();
  const fetches = new Map<string, number>();
  let total = 0;
  let answering = 0;
  let held: Promise<void> | undefined;
  let down = false;
  const app = new Hono();
  app.use(async (_c, next) => {
    total += 1;
    answering += 1;
    try {
      await held;
      await next();
    } finally {
      answering -= 1;
    }
  });
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
    totalFetches: () => total,
    answering: () => answering,
    hold: () => {
      let release = () => {};
      held = new Promise((resolve) => {
        release = () => {
          held = undefined;
          resolve();
        };
      });
      return release;
    },
    setDown: (isDown) => {
      down = isDown;
    },
    reset: () => {
      published.clear();
      fetches.clear();
      total = 0;
      down = false;
    },
    listener,
  };
}
