import { createServer, type ServerResponse, STATUS_CODES } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { getRequestListener } from "@hono/node-server";
import { problem } from "../../adapters/http/problem.ts";

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
  // Without a Host header the adapter refuses, in problem+json below; Node would answer bare.
  const server = createServer(
    { requireHostHeader: false },
    getRequestListener((request, env) => handler(request, env), {
      // The adapter could not make a fetch Request of it (an unusable Host header, say).
      errorHandler: () => refusal(400, "The request's Host header is missing or not usable."),
    }),
  );
  server.on("clientError", refuseUnparsable);
  // An `Expect` other than 100-continue, which Node would refuse with a bare 417.
  server.on("checkExpectation", async (_request, response: ServerResponse) => {
    const answer = refusal(417, "Only `Expect: 100-continue` is supported.");
    response.writeHead(417, Object.fromEntries(answer.headers));
    response.end(await answer.text());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => {
      server.off("error", reject);
      resolve();
    });
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
        const cut = setTimeout(() => server.closeAllConnections(), graceMs);
        // A connection whose request finishes becomes idle (keep-alive): close it then, not later.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        server.close(() => {
          clearTimeout(cut);
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

/** Node's parser errors, by code, and what the client is told. */
const parserRefusals: Record<string, { status: 408 | 431; detail: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, detail: "The request's headers are too large." },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, detail: "The request was not sent in time." },
};

const refusal = (status: 400 | 408 | 417 | 431, detail: string) =>
  problem({ status, title: STATUS_CODES[status] ?? "Bad Request", detail });

/**
 * A request Node's HTTP parser could not read (bad characters in the path or a header, a broken
 * chunk, headers too large) never reaches an app. Node would answer a bare 400; this answers in
 * problem+json like every other refusal, then closes the connection, whose framing is lost.
 */
async function refuseUnparsable(error: Error & { code?: string }, socket: Duplex): Promise<void> {
  const answered = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === "ECONNRESET" || !socket.writable || answered?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, detail } = parserRefusals[error.code ?? ""] ?? {
    status: 400,
    detail: "The request is not valid HTTP/1.1.",
  };
  const response = refusal(status, detail);
  const body = await response.text();
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      `content-type: ${response.headers.get("content-type")}\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
