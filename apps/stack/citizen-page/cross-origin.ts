import type { Listener } from "../../shared/listen.ts";
import { loopbackOrigins } from "./loopback-origins.ts";

type FetchHandler = Parameters<Listener["handle"]>[0];

/**
 * DEV STACK ONLY: lets the citizen page, served on the API's port, call the Pexip simulator on
 * its own port from a browser (CORS). Only for the page's origins; everything else, and what the
 * simulator answers, is left as it is. Preflights are answered here and never reach the journal.
 */
export function allowCitizenPageOrigin(pexip: FetchHandler, apiUrl: string): FetchHandler {
  const pageOrigins = loopbackOrigins(apiUrl);
  return async (request, env) => {
    const origin = request.headers.get("origin");
    if (!origin || !pageOrigins.has(origin)) return pexip(request, env);
    if (request.method === "OPTIONS") {
      return new Response(null, {
        status: 204,
        headers: {
          "access-control-allow-origin": origin,
          "access-control-allow-methods": "GET, POST",
          "access-control-allow-headers": "content-type, token, pin",
          "access-control-max-age": "600",
          vary: "origin",
        },
      });
    }
    const response = await pexip(request, env);
    const headers = new Headers(response.headers);
    headers.set("access-control-allow-origin", origin);
    headers.append("vary", "origin");
    return new Response(response.body, { status: response.status, headers });
  };
}
