import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";

type FetchHandler = (request: Request, env: unknown) => Response | Promise<Response>;

export interface Listener {
  url: string;
  /** Apps are built after listening, because they need each other's URLs. */
  handle(fetch: FetchHandler): void;
  close(): Promise<void>;
}

/** A real socket on 127.0.0.1, ephemeral port, whose handler is set later. */
export async function listen(): Promise<Listener> {
  let handler: FetchHandler = () => new Response("not ready", { status: 503 });
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve) => {
      const server = serve(
        { fetch: (request, env) => handler(request, env), port: 0, hostname: "127.0.0.1" },
        (info: AddressInfo) => resolve({ server, port: info.port }),
      );
    },
  );
  return {
    url: `http://127.0.0.1:${port}`,
    handle(fetch) {
      handler = fetch;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if ("closeAllConnections" in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
