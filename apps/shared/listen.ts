import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";

/** `env` carries the Node socket, which the simulators' connection-reset fault needs. */
type FetchHandler = (request: Request, env: unknown) => Response | Promise<Response>;

export interface Listener {
  url: string;
  port: number;
  /** Apps are built after listening, because they need each other's URLs. */
  handle(fetch: FetchHandler): void;
  close(): Promise<void>;
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
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}
