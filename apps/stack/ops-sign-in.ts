import { problem } from "../../adapters/http/problem.ts";
import type { Listener } from "../shared/listen.ts";
import { loopbackOrigins } from "./citizen-page/loopback-origins.ts";

type FetchHandler = Parameters<Listener["handle"]>[0];

/** The dev stack's support-staff client at the token simulator: an app with the support role. */
export interface DevStaffClient {
  tenant: string;
  clientId: string;
  clientSecret: string;
  /** The Video API (OPS_AUDIENCE): the token's audience. */
  audience: string;
  roles: string[];
}

/** A staff client of its own for this start; its secret never leaves the stack. */
export function devStaffClient(tenant: string, audience: string, role: string): DevStaffClient {
  return {
    tenant,
    clientId: "bcsc-ops-console",
    clientSecret: crypto.randomUUID(),
    audience,
    roles: [role],
  };
}

/**
 * DEV STACK ONLY: `POST /dev/staff-token`, the console's one-click sign-in. It asks the token
 * simulator for a staff token (client credentials of the dev staff client, which holds the support
 * role) and hands it to the page, on loopback only, as the device token is.
 */
export function withDevStaffSignIn(
  api: FetchHandler,
  client: DevStaffClient,
  tokenServer: FetchHandler,
  apiUrl: string,
): FetchHandler {
  const origins = loopbackOrigins(apiUrl);
  return async (request, env) => {
    const url = new URL(request.url);
    if (request.method !== "POST" || url.pathname !== "/dev/staff-token") return api(request, env);
    const origin = request.headers.get("origin");
    if (!origins.has(url.origin) || (origin !== null && !origins.has(origin))) {
      return problem({
        status: 403,
        title: "Forbidden",
        detail: "Staff tokens are given only to the console on a loopback address of this port.",
      });
    }
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: client.clientId,
      client_secret: client.clientSecret,
      scope: `${client.audience}/.default`,
    });
    const answer = await tokenServer(
      new Request(`http://token-server/${client.tenant}/oauth2/v2.0/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: form,
      }),
      env,
    );
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  };
}
