import type { Listener, ServerTls } from "../shared/listen.ts";
import { listenerUrl } from "../shared/listener-url.ts";

type FetchHandler = Parameters<Listener["handle"]>[0];

/** The part of Deno's API used here, typed locally: the project's type-check runs against Node. */
declare const Deno: {
  serve(
    options: {
      port: number;
      hostname: string;
      signal: AbortSignal;
      onListen(): void;
      cert?: string;
      key?: string;
    },
    handler: (request: Request, info: unknown) => Response | Promise<Response>,
  ): { addr: { port: number }; finished: Promise<void> };
};

/**
 * Deno's counterpart of listen(): a real socket now (port 0: any free port), the handler later;
 * HTTPS with a certificate.
 */
export async function listenWithDenoServe(
  port: number,
  hostname: string,
  tls?: ServerTls,
): Promise<Listener> {
  let handler: FetchHandler = () => new Response("starting", { status: 503 });
  // Aborting closes every connection, as listen()'s close does: a graceful shutdown() would wait
  // forever for the Pexip simulator's open event streams.
  const closing = new AbortController();
  // Binds before returning (a taken port throws here); the no-op onListen keeps Deno from logging.
  // Deno's connection info stands where Node's bindings would: Hono's `env`.
  const server = Deno.serve(
    { port, hostname, signal: closing.signal, onListen: () => {}, cert: tls?.cert, key: tls?.key },
    (request, info) => handler(request, info),
  );
  return {
    url: listenerUrl(hostname, server.addr.port, tls !== undefined),
    port: server.addr.port,
    handle(fetch) {
      handler = fetch;
    },
    close() {
      closing.abort();
      return server.finished;
    },
  };
}
