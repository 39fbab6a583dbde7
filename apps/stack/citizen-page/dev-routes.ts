import { readFileSync } from "node:fs";
import { problem } from "../../../adapters/http/problem.ts";
import { bundledScript } from "../../shared/browser-script.ts";
import { type DevDevice, signDeviceToken } from "../../shared/dev-device.ts";
import type { Listener } from "../../shared/listen.ts";
import { loopbackOrigins } from "./loopback-origins.ts";

type FetchHandler = Parameters<Listener["handle"]>[0];

/**
 * DEV STACK ONLY, in front of the API on its port: the citizen page (`/demo`), its script, and
 * `POST /dev/device-token`, which signs a device token for a fresh device code with the dev device
 * key so that a browser can play the app. The API (adapters/http) knows nothing of these routes.
 * A device token is only given to the page on loopback (`apiUrl` is the API's): a page on
 * another site, reaching this port through DNS rebinding, has another Host or Origin.
 */
export function withCitizenPage(
  api: FetchHandler,
  device: DevDevice,
  apiUrl: string,
): FetchHandler {
  const pageOrigins = loopbackOrigins(apiUrl);
  return async (request, env) => {
    const { pathname } = new URL(request.url);
    if (request.method === "GET" && pathname === "/demo") {
      return new Response(readFileSync(new URL("./citizen.html", import.meta.url)), {
        headers: { "content-type": "text/html; charset=utf-8" },
      });
    }
    if (request.method === "GET" && pathname === "/demo/citizen.js") return citizenScript();
    if (request.method === "POST" && pathname === "/dev/device-token") {
      if (!fromOneOf(pageOrigins, request)) return notFromLoopback();
      const deviceCode = crypto.randomUUID();
      const token = await signDeviceToken(device, deviceCode);
      return Response.json({ client_id: device.clientId, device_code: deviceCode, token });
    }
    return api(request, env);
  };
}

/** The Host the request was sent to (its URL's origin) and its Origin, when it has one. */
function fromOneOf(origins: Set<string>, request: Request): boolean {
  const origin = request.headers.get("origin");
  return origins.has(new URL(request.url).origin) && (origin === null || origins.has(origin));
}

const notFromLoopback = () =>
  problem({
    status: 403,
    title: "Forbidden",
    detail: "Device tokens are given only to the citizen page on a loopback address of this port.",
  });

/** esbuild, because @pexip/infinity-api has directory imports a browser cannot load. */
const citizenScript = bundledScript(
  new URL("./browser/main.ts", import.meta.url),
  "the citizen page",
);
