import { type SimClock, systemClock } from "../../simulators/control/clock.ts";
import { type ControlAccess, wireSimulators } from "../../simulators/index.ts";
import { connectionLimits, loadServiceConfig, serverTls } from "../api/config.ts";
import { buildService } from "../api/service.ts";
import type { OpenStorage } from "../api/storage.ts";
import type { AgentVideo } from "../pexip-media/agent-video.ts";
import { WeriftCallMedia } from "../pexip-media/werift-call-media.ts";
import { ensureDevDevice } from "../shared/dev-device.ts";
import type { DevTls } from "../shared/dev-tls.ts";
import type { ConnectionLimits, Listener, ServerTls } from "../shared/listen.ts";
import { allowCitizenPageOrigin } from "./citizen-page/cross-origin.ts";
import { withCitizenPage } from "./citizen-page/dev-routes.ts";
import { registerClientKeys } from "./client-keys.ts";
import { entraCredentials } from "./entra-credentials.ts";
import { devStaffClient, withDevStaffSignIn } from "./ops-sign-in.ts";
import { type SimulatedUpstreams, stackServiceEnv } from "./service-settings.ts";

export interface StackOptions {
  /** 0 picks a free port. */
  ports: { api: number; tokenServer: number; maxconf: number; pexip: number };
  host?: string;
  dataDir: string;
  /** The dev CA and its server certificate: the simulators speak HTTPS with it. */
  tls: DevTls;
  /** One clock for the service and every simulator: tests pass a VirtualClock. */
  clock?: SimClock;
  seed?: number;
  agentJoinDelayMs?: number;
  /** What the simulated agent sends over WebRTC (default: the citizen's own video, mirrored). */
  agentVideo?: AgentVideo;
  /** The simulators' control API token and what their journals show (default: open, redacted). */
  controlAccess?: ControlAccess;
  /**
   * The service's settings (environment names; `npm start`: its environment). Those that point
   * the service at the simulators are the stack's; ENTRA_TENANT, ENTRA_CLIENT_ID and
   * ENTRA_CLIENT_SECRET are the credentials the token simulator registers.
   */
  env?: Record<string, string | undefined>;
  /** Runs once the simulators answer and before the service starts (tests arm faults here). */
  beforeService?: (urls: SimulatedUpstreams) => Promise<void>;
}

/** What differs between Node and Deno: how to serve HTTP(S) and which SQLite driver to use. */
export interface StackRuntime {
  /** Deno.serve has no connection limits to set. */
  listen(
    port: number,
    hostname: string,
    tls?: ServerTls,
    limits?: Partial<ConnectionLimits>,
  ): Promise<Listener>;
  openStorage: OpenStorage;
}

const audience = "api://maxconf";
export const devAppClientId = "bcsc-demo-app";

/** The whole product in one process: the API and the three simulators, each on its own port. */
export async function composeStack(options: StackOptions, runtime: StackRuntime) {
  const host = options.host ?? "127.0.0.1";
  const clock = options.clock ?? systemClock;
  const env = options.env ?? {};
  const [tokenServer, maxconf, pexip] = await Promise.all([
    runtime.listen(options.ports.tokenServer, host, options.tls),
    runtime.listen(options.ports.maxconf, host, options.tls),
    runtime.listen(options.ports.pexip, host, options.tls),
  ]);
  const listeners: Listener[] = [tokenServer, maxconf, pexip];
  const urls = { tokenServer: tokenServer.url, maxconf: maxconf.url, pexip: pexip.url };
  // Real media on the Pexip simulator: a WebRTC client (the demo, a browser) can join and see the
  // agent. werift runs on Node and on Deno alike.
  const callMedia = new WeriftCallMedia({ agentVideo: options.agentVideo });
  try {
    const device = await ensureDevDevice(options.dataDir, devAppClientId);
    const credentials = entraCredentials(env, options.dataDir);
    const scope = `${audience}/.default`;
    const config = loadServiceConfig(
      stackServiceEnv(env, {
        dataDir: options.dataDir,
        urls,
        credentials,
        scope,
        keysFile: registerClientKeys(device, env.BCSC_CLIENT_KEYS_FILE),
        tls: options.tls,
      }),
    );
    const staff = devStaffClient(credentials.tenant, config.OPS_AUDIENCE, config.OPS_ROLE);
    const simulators = wireSimulators({
      clock,
      seed: options.seed,
      tokenServerUrl: urls.tokenServer,
      maxconfUrl: urls.maxconf,
      pexipUrl: urls.pexip,
      ...credentials,
      audience,
      extraClients: [staff],
      agentJoinDelayMs: options.agentJoinDelayMs,
      callMedia,
      controlAccess: options.controlAccess,
    });
    tokenServer.handle(simulators.tokenServer.app.fetch);
    maxconf.handle(simulators.maxconf.app.fetch);

    const api = await runtime.listen(
      options.ports.api,
      host,
      serverTls(config),
      connectionLimits(config),
    );
    listeners.push(api);
    pexip.handle(allowCitizenPageOrigin(simulators.pexip.app.fetch, api.url));
    await options.beforeService?.(urls);
    const service = await buildService(config, clock, runtime.openStorage);
    const signIn = withDevStaffSignIn(
      service.app.fetch,
      staff,
      simulators.tokenServer.app.fetch,
      api.url,
    );
    api.handle(withCitizenPage(signIn, device, api.url));

    return {
      urls: { api: api.url, ...urls },
      simulators,
      service,
      /** The service's settings, for a test that runs a second instance beside it. */
      config,
      device,
      /** What a client of the token simulator needs (MSAL: authority, client id and secret). */
      entra: { ...credentials, authority: `${urls.tokenServer}/${credentials.tenant}`, scope },
      tls: options.tls,
      async close() {
        callMedia.close();
        await Promise.all(listeners.map((listener) => listener.close()));
        await service.stop();
      },
    };
  } catch (error) {
    callMedia.close();
    await Promise.all(listeners.map((listener) => listener.close()));
    throw error;
  }
}

export type Stack = Awaited<ReturnType<typeof composeStack>>;
