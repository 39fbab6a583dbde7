import { type Listener, listen } from "../../apps/shared/listen.ts";
import { systemClock, type WiredSimulators, wireSimulators } from "../../simulators/index.ts";

/** How the service finds and authenticates to these simulators (its ENTRA_* and MAXCONF_URL). */
export interface UpstreamSettings {
  ENTRA_AUTHORITY: string;
  ENTRA_TENANT: string;
  ENTRA_CLIENT_ID: string;
  ENTRA_CLIENT_SECRET: string;
  ENTRA_SCOPE: string;
  MAXCONF_URL: string;
  DESTINATION_HOST: string;
}

/**
 * The three simulators on real sockets and the system's clock, for a service running in processes
 * of its own (which read the system's clock too).
 */
export async function startSystemSimulators(name: string, seed: number) {
  const listeners = await Promise.all([listen(0), listen(0), listen(0)]);
  const [token, maxconf, pexip] = listeners as [Listener, Listener, Listener];
  const credentials = {
    tenant: `${name}-tenant`,
    clientId: "video-api",
    clientSecret: `${name}-secret`,
    audience: "api://maxconf",
  };
  const simulators: WiredSimulators = wireSimulators({
    clock: systemClock,
    seed,
    tokenServerUrl: token.url,
    maxconfUrl: maxconf.url,
    pexipUrl: pexip.url,
    ...credentials,
  });
  token.handle(simulators.tokenServer.app.fetch);
  maxconf.handle(simulators.maxconf.app.fetch);
  pexip.handle(simulators.pexip.app.fetch);
  const settings: UpstreamSettings = {
    ENTRA_AUTHORITY: token.url,
    ENTRA_TENANT: credentials.tenant,
    ENTRA_CLIENT_ID: credentials.clientId,
    ENTRA_CLIENT_SECRET: credentials.clientSecret,
    ENTRA_SCOPE: `${credentials.audience}/.default`,
    MAXCONF_URL: maxconf.url,
    DESTINATION_HOST: new URL(pexip.url).host,
  };
  return {
    simulators,
    settings,
    close: () => Promise.all(listeners.map((listener) => listener.close())),
  };
}
