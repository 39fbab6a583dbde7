import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";

/** `env` carries the Node socket, which the simulators' connection-reset fault needs. */
type FetchHandler = (request: Request, env: unknown) => Response | Promise<Response>;

export interface Listener {
  url: string;
  port: number;
  /** Apps are built after listening, because they need each other's URLs. */
  handle(fetch: FetchHandler): void;
  /**
   * Stops accepting connections and closes idle ones at once; requests in flight get `graceMs`
   * to finish before their connections are cut too.
   */
  close(graceMs?: number): Promise<void>;
}

/** Listens on a real socket now (port 0: any free port); the handler is set later. */
export async function listen(port: number, hostname = "127.0.0.1"): Promise<Listener> {
  let handler: FetchHandler = () => new Response("starting", { status: 503 });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const server = serve({ fetch: (request, env) => handler(request, env), port, hostname }, () =>
      resolve(server),
    );
    server.once("error", reject);
  });
  const bound = (server.address() as AddressInfo).port;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return {
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${bound}`,
    port: bound,
    handle(fetch) {
      handler = fetch;
    },
    close: (graceMs = 0) =>
      new Promise<void>((resolve) => {
        const closable = server as { closeIdleConnections?(): void; closeAllConnections?(): void };
        const cut = setTimeout(() => closable.closeAllConnections?.(), graceMs);
        // A connection whose request finishes becomes idle (keep-alive): close it then, not later.
        const sweep = setInterval(() => closable.closeIdleConnections?.(), 50);
        server.close(() => {
          clearTimeout(cut);
          clearInterval(sweep);
          resolve();
        });
        closable.closeIdleConnections?.();
      }),
  };
}
