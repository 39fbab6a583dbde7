import type { Context } from "hono";

/** Node's HTTP bindings, when the app is served by @hono/node-server (absent on other runtimes). */
export interface NodeBindings {
  incoming?: {
    socket?: { destroy(): void };
    headers?: Record<string, string | string[] | undefined>;
  };
}

export type RequestHeaders = Headers | NonNullable<NodeBindings["incoming"]>["headers"];

/**
 * The request's headers. Served by Node, its own parsed headers (names in lower case): asking
 * the fetch `Request` for them would first copy every header into a `Headers` object, per
 * request. Elsewhere (Deno, in-process calls) the `Request`'s.
 */
export function requestHeaders(c: Context): NonNullable<RequestHeaders> {
  return (c.env as NodeBindings | undefined)?.incoming?.headers ?? c.req.raw.headers;
}

/** One request header (`name` in lower case), read as `requestHeaders` reads them. */
export function requestHeader(c: Context, name: string): string | undefined {
  const headers = requestHeaders(c);
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}
