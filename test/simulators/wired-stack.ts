import { VirtualClock } from "../../simulators/control/clock.ts";
import {
  createMaxConfSimulator,
  type WiredSimulators,
  type WiringOptions,
  wireSimulators,
} from "../../simulators/index.ts";
import { simSeed } from "../support/sim-seed.ts";
import { type Listener, listen } from "./listen.ts";

export const tenant = "sim-tenant";
export const clientId = "video-api";
export const clientSecret = "video-api-secret";
export const audience = "api://maxconf";
export const eventSink = { username: "pexip", password: "sink-secret" };

export interface WiredStack extends WiredSimulators {
  clock: VirtualClock;
  /** A second simulator sharing this Pexip needs another seed, or its room names collide. */
  seed: number;
  urls: { tokenServer: string; maxconf: string; pexip: string };
  accessToken(): Promise<string>;
  close(): Promise<void>;
}

/** The three simulators on real sockets, wired to each other, on one virtual clock. */
export async function startWiredStack(
  options: Pick<WiringOptions, "agentJoinDelayMs" | "poolSize" | "controlAccess"> = {},
): Promise<WiredStack> {
  const clock = new VirtualClock();
  const seed = simSeed(42);
  const listeners: Listener[] = await Promise.all([listen(), listen(), listen()]);
  const [tokenListener, maxconfListener, pexipListener] = listeners as [
    Listener,
    Listener,
    Listener,
  ];
  const simulators = wireSimulators({
    clock,
    seed,
    tokenServerUrl: tokenListener.url,
    maxconfUrl: maxconfListener.url,
    pexipUrl: pexipListener.url,
    tenant,
    clientId,
    clientSecret,
    audience,
    eventSink,
    ...options,
  });
  tokenListener.handle(simulators.tokenServer.app.fetch);
  maxconfListener.handle(simulators.maxconf.app.fetch);
  pexipListener.handle(simulators.pexip.app.fetch);
  return {
    ...simulators,
    clock,
    seed,
    urls: {
      tokenServer: tokenListener.url,
      maxconf: maxconfListener.url,
      pexip: pexipListener.url,
    },
    async accessToken() {
      const response = await fetch(`${tokenListener.url}/${tenant}/oauth2/v2.0/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: clientId,
          client_secret: clientSecret,
          scope: `${audience}/.default`,
        }),
      });
      return ((await response.json()) as { access_token: string }).access_token;
    },
    close: async () => {
      // Deliveries still in flight would otherwise hit closed sockets.
      await simulators.pexip.settled();
      await simulators.maxconf.settled();
      await Promise.all(listeners.map((listener) => listener.close()));
    },
  };
}

export function hex(text: string): string {
  return Array.from(new TextEncoder().encode(text), (byte) =>
    byte.toString(16).padStart(2, "0"),
  ).join("");
}

/** A MaxConf of its own beside the stack's, reaching its token server and Pexip over HTTP. */
export function standaloneMaxConf(stack: WiredStack, poolSize: number) {
  return createMaxConfSimulator({
    clock: stack.clock,
    seed: stack.seed + 1,
    issuer: `${stack.urls.tokenServer}/${tenant}/v2.0`,
    jwksUrl: `${stack.urls.tokenServer}/${tenant}/discovery/v2.0/keys`,
    audience,
    pexipAdminUrl: stack.urls.pexip,
    eventSink,
    poolSize,
  });
}
