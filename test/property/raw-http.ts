import { connect } from "node:net";

/**
 * HTTP/1.1 over a bare socket, so a request can carry what fetch refuses or normalises: `..` and
 * broken percent-encoding in the target, raw bytes, duplicate or garbled headers, a Content-Length
 * that lies. Strings are byte strings (one char per byte, latin1).
 */
export interface RawRequest {
  method: string;
  target: string;
  headers: [string, string][];
  body?: Buffer;
  /** Send the body in chunks instead of with a Content-Length. */
  chunked?: boolean;
  /** Send no Content-Length of our own (the headers may carry a wrong one). */
  noContentLength?: boolean;
  /** Close our side after sending: a body shorter than its Content-Length ends there. */
  halfClose?: boolean;
}

export interface RawResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

/** The request as bytes, with `Connection: close` so the response ends with the connection. */
function encodeRequest(request: RawRequest): Buffer {
  const lines = [`${request.method} ${request.target} HTTP/1.1`];
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  lines.push("connection: close");
  const body = request.body ?? Buffer.alloc(0);
  if (request.chunked) lines.push("transfer-encoding: chunked");
  else if (!request.noContentLength && body.length > 0)
    lines.push(`content-length: ${body.length}`);
  const head = Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1");
  if (!request.chunked) return Buffer.concat([head, body]);
  const chunks: Buffer[] = [head];
  for (let at = 0; at < body.length; at += 4096) {
    const piece = body.subarray(at, at + 4096);
    chunks.push(Buffer.from(`${piece.length.toString(16)}\r\n`, "latin1"), piece, crlf);
  }
  chunks.push(Buffer.from("0\r\n\r\n", "latin1"));
  return Buffer.concat(chunks);
}

const crlf = Buffer.from("\r\n", "latin1");

/**
 * Sends one request and reads the first response; undefined when the server closed the
 * connection without answering.
 */
export function sendRaw(
  port: number,
  request: RawRequest,
  timeoutMs = 10_000,
): Promise<RawResponse | undefined> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    const received: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on("data", (data) => received.push(data));
    // The server may reset the connection after answering a request it refused to read.
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      try {
        resolve(parseResponse(Buffer.concat(received), request.method === "HEAD"));
      } catch (error) {
        reject(error);
      }
    });
    socket.write(encodeRequest(request), () => {
      if (request.halfClose) socket.end();
    });
  });
}

function parseResponse(received: Buffer, headRequest: boolean): RawResponse | undefined {
  // Interim answers (100 Continue) come before the response.
  let bytes = received;
  while (/^HTTP\/1\.[01] 1\d\d /.test(bytes.toString("latin1", 0, 13))) {
    bytes = bytes.subarray(bytes.indexOf("\r\n\r\n") + 4);
  }
  if (bytes.length === 0) return undefined;
  const end = bytes.indexOf("\r\n\r\n");
  if (end < 0) throw new Error(`incomplete response head: ${bytes.toString("latin1")}`);
  const [statusLine = "", ...lines] = bytes.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!status) throw new Error(`bad status line: ${statusLine}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const rest = bytes.subarray(end + 4);
  const noBody = headRequest || status === 204 || status === 304;
  const body = noBody
    ? Buffer.alloc(0)
    : headers["transfer-encoding"]?.includes("chunked")
      ? dechunk(rest)
      : headers["content-length"] !== undefined
        ? rest.subarray(0, Number(headers["content-length"]))
        : rest;
  return { status, headers, body };
}

function dechunk(bytes: Buffer): Buffer {
  const pieces: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf("\r\n", at);
    if (lineEnd < 0) throw new Error("truncated chunked body");
    const size = Number.parseInt(bytes.subarray(at, lineEnd).toString("latin1"), 16);
    if (Number.isNaN(size)) throw new Error("bad chunk size");
    if (size === 0) return Buffer.concat(pieces);
    pieces.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
