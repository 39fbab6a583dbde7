import { readFileSync } from "node:fs";
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import { getRequestListener } from "@hono/node-server";
import { problem } from "../../adapters/http/problem.ts";
import { listenerUrl } from "./listener-url.ts";

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

/** What a slow or idle client may hold, so that it cannot starve the others. */
export interface ConnectionLimits {
  /** To send a request's headers, from connecting or from its first byte; then 408. */
  headersTimeoutMs: number;
  /** To send a whole request, body included: a body dribbled slower is cut with 408. */
  requestTimeoutMs: number;
  /** A connection idle between requests is closed after this. */
  keepAliveTimeoutMs: number;
  /** Connections open at once (by default, what the file-descriptor limit leaves room for). */
  maxConnections: number;
}

/** A server certificate (with its chain) and its private key, PEM: given one, a listener speaks HTTPS. */
export interface ServerTls {
  cert: string;
  key: string;
}

/** Listens on a real socket now (port 0: any free port); the handler is set later. */
export async function listen(
  port: number,
  hostname = "127.0.0.1",
  limits: Partial<ConnectionLimits> = {},
  tls?: ServerTls,
): Promise<Listener> {
  let handler: FetchHandler = () => new Response("starting", { status: 503 });
  const serveApp = getRequestListener((request, env) => handler(request, env), {
    // The adapter could not make a fetch Request of it (an unusable Host header, say).
    errorHandler: () => refusal(400, "The request's Host header is missing or not usable."),
  });
  const headersTimeout = limits.headersTimeoutMs ?? 10_000;
  const options = {
    // Without a Host header the adapter refuses, in problem+json below; Node would answer bare.
    requireHostHeader: false,
    headersTimeout,
    requestTimeout: limits.requestTimeoutMs ?? 20_000,
    keepAliveTimeout: limits.keepAliveTimeoutMs ?? 5_000,
    // How often Node looks for requests over their timeouts (its default is 30 s).
    connectionsCheckingInterval: 500,
  };
  const handleRequest = (request: IncomingMessage, response: ServerResponse) => {
    // A connection already answered and closed (refused at the cap) takes no more requests.
    if (request.socket.writableEnded) return void request.socket.destroy();
    void serveApp(request, response);
  };
  // Over TLS the handshake, too, must be done within the time the headers have (Node: 120 s).
  const server = tls
    ? createHttpsServer(
        { ...options, cert: tls.cert, key: tls.key, handshakeTimeout: headersTimeout },
        handleRequest,
      )
    : createServer(options, handleRequest);
  server.on("clientError", refuseUnparsable);
  // An `Expect` other than 100-continue, which Node would refuse with a bare 417.
  server.on("checkExpectation", async (_request, response: ServerResponse) => {
    const answer = refusal(417, "Only `Expect: 100-continue` is supported.");
    response.writeHead(417, Object.fromEntries(answer.headers));
    response.end(await answer.text());
  });
  // Over TLS a connection is counted from its handshake: HTTP (and a 503) can only follow that.
  capConnections(
    server,
    limits.maxConnections ?? connectionsTheFileLimitAllows(),
    tls ? "secureConnection" : "connection",
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: listenerUrl(hostname, bound, tls !== undefined),
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

/**
 * Holds at most `max` connections without turning newcomers away: at the cap, the connection that
 * has done nothing for longest (idle between requests, or still sending its headers) is closed to
 * make room. A connection whose request is being handled is never closed for this; only when every
 * connection is, the newcomer is answered 503.
 */
function capConnections(
  server: Server | HttpsServer,
  max: number,
  connected: "connection" | "secureConnection",
): void {
  // Sets keep insertion order: the first is the one quiet for longest.
  const quiet = new Set<Socket>();
  const handling = new Map<Socket, number>(); // requests being handled on that connection
  server.on(connected, (socket: Socket) => {
    if (quiet.size + handling.size >= max) {
      const longestQuiet = quiet.values().next().value;
      if (!longestQuiet) {
        void answerAndClose(socket, refusal(503, "The server is at its connection limit."));
        return;
      }
      quiet.delete(longestQuiet);
      longestQuiet.destroy();
    }
    quiet.add(socket);
    socket.once("close", () => {
      quiet.delete(socket);
      handling.delete(socket);
    });
  });
  const onRequest = ({ socket }: IncomingMessage, response: ServerResponse) => {
    quiet.delete(socket);
    handling.set(socket, (handling.get(socket) ?? 0) + 1);
    response.once("close", () => {
      const left = (handling.get(socket) ?? 1) - 1;
      if (left > 0) return void handling.set(socket, left);
      handling.delete(socket);
      if (!socket.destroyed) quiet.add(socket);
    });
  };
  server.on("request", onRequest);
  server.on("checkExpectation", onRequest);
}

/** Descriptors kept for the database, the logs and the runtime's own, whatever the limit. */
const reservedDescriptors = 64;

/**
 * Half of what the soft RLIMIT_NOFILE (Node raises it to the hard limit at start) leaves after
 * the reserve: each connection's request may hold an upstream socket of its own. Where
 * /proc/self/limits cannot be read (not Linux), the usual soft limit of 1,024 is assumed.
 */
function connectionsTheFileLimitAllows(): number {
  let openFiles = 1024;
  try {
    const soft = /^Max open files\s+(\d+)/m.exec(readFileSync("/proc/self/limits", "utf8"))?.[1];
    if (soft) openFiles = Number(soft);
  } catch {
    // Not Linux: keep the assumption.
  }
  return Math.max(1, Math.floor((openFiles - reservedDescriptors) / 2));
}

/** Node's parser errors, by code, and what the client is told. */
const parserRefusals: Record<string, { status: 408 | 431; detail: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, detail: "The request's headers are too large." },
  // Headers or body not sent within headersTimeoutMs / requestTimeoutMs.
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, detail: "The request was not sent in time." },
};

const refusal = (status: 400 | 408 | 417 | 431 | 503, detail: string) =>
  problem({
    status,
    title: STATUS_CODES[status] ?? "Bad Request",
    detail,
    headers: status === 503 ? { "retry-after": "1" } : {},
  });

/**
 * A request Node's HTTP parser could not read (bad characters in the path or a header, a broken
 * chunk, headers too large, too slow) never reaches an app. Node would answer a bare 400; this
 * answers in problem+json like every other refusal, then closes the connection, whose framing is
 * lost.
 */
function refuseUnparsable(error: Error & { code?: string }, socket: Duplex): void {
  const answered = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === "ECONNRESET" || !socket.writable || answered?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, detail } = parserRefusals[error.code ?? ""] ?? {
    status: 400,
    detail: "The request is not valid HTTP/1.1.",
  };
  void answerAndClose(socket, refusal(status, detail));
}

/** How long a peer may keep its side open after being answered and closed: it holds a descriptor. */
const closedPeerGraceMs = 1_000;

/** Writes the answer on the bare socket, closes our side, and lets go of it once the peer is told. */
async function answerAndClose(socket: Duplex, response: Response): Promise<void> {
  const body = await response.text();
  const headers = [...response.headers].map(([name, value]) => `${name}: ${value}\r\n`).join("");
  socket.end(
    `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status]}\r\n${headers}` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), closedPeerGraceMs).unref();
}
