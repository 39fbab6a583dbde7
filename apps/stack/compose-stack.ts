import { join } from "node:path";
import { type SimClock, systemClock } from "../../simulators/control/clock.ts";
import { type ControlAccess, wireSimulators } from "../../simulators/index.ts";
import { loadServiceConfig } from "../api/config.ts";
import { buildService } from "../api/service.ts";
import type { OpenStorage } from "../api/storage.ts";
import type { AgentVideo } from "../pexip-media/agent-video.ts";
import { WeriftCallMedia } from "../pexip-media/werift-call-media.ts";
import { ensureDevDevice } from "../shared/dev-device.ts";
import type { Listener } from "../shared/listen.ts";
import { allowCitizenPageOrigin } from "./citizen-page/cross-origin.ts";
import { withCitizenPage } from "./citizen-page/dev-routes.ts";

export interface StackOptions {
  /** 0 picks a free port. */
  ports: { api: number; tokenServer: number; maxconf: number; pexip: number };
  host?: string;
  dataDir: string;
  /** One clock for the service and every simulator: tests pass a VirtualClock. */
  clock?: SimClock;
  seed?: number;
  agentJoinDelayMs?: number;
  /** What the simulated agent sends over WebRTC (default: the citizen's own video, mirrored). */
  agentVideo?: AgentVideo;
  /** The simulators' control API token and what their journals show (default: open, redacted). */
  controlAccess?: ControlAccess;
  /** Extra service settings (environment names), e.g. SQLITE_SYNCHRONOUS. */
  env?: Record<string, string>;
  /** Runs once the simulators answer and before the service starts (tests arm faults here). */
  beforeService?: (urls: { tokenServer: string; maxconf: string; pexip: string }) => Promise<void>;
}

/** What differs between Node and Deno: how to serve HTTP and which SQLite driver to use. */
export interface StackRuntime {
  listen(port: number, hostname: string): Promise<Listener>;
  openStorage: OpenStorage;
}

const tenant = "bcsc-dev-tenant";
const clientId = "bcsc-video-api";
const audience = "api://maxconf";
export const devAppClientId = "bcsc-demo-app";

/** The whole product in one process: the API and the three simulators, each on its own port. */
export async function composeStack(options: StackOptions, runtime: StackRuntime) {
  const host = options.host ?? "127.0.0.1";
  const clock = options.clock ?? systemClock;
  const [api, tokenServer, maxconf, pexip] = await Promise.all([
    runtime.listen(options.ports.api, host),
    runtime.listen(options.ports.tokenServer, host),
    runtime.listen(options.ports.maxconf, host),
    runtime.listen(options.ports.pexip, host),
  ]);
  const clientSecret = crypto.randomUUID();
  // Real media on the Pexip simulator: a WebRTC client (the demo, a browser) can join and see the
  // agent. werift runs on Node and on Deno alike.
  const callMedia = new WeriftCallMedia({ agentVideo: options.agentVideo });
  const simulators = wireSimulators({
    clock,
    seed: options.seed,
    tokenServerUrl: tokenServer.url,
    maxconfUrl: maxconf.url,
    pexipUrl: pexip.url,
    tenant,
    clientId,
    clientSecret,
    audience,
    agentJoinDelayMs: options.agentJoinDelayMs,
    callMedia,
    controlAccess: options.controlAccess,
  });
  tokenServer.handle(simulators.tokenServer.app.fetch);
  maxconf.handle(simulators.maxconf.app.fetch);
  pexip.handle(allowCitizenPageOrigin(simulators.pexip.app.fetch, api.port));
  await options.beforeService?.({
    tokenServer: tokenServer.url,
    maxconf: maxconf.url,
    pexip: pexip.url,
  });

  const device = await ensureDevDevice(options.dataDir, devAppClientId);
  const config = loadServiceConfig({
    PORT: String(api.port),
    DATABASE_PATH: join(options.dataDir, "video-api.db"),
    ENTRA_AUTHORITY: tokenServer.url,
    ENTRA_TENANT: tenant,
    ENTRA_CLIENT_ID: clientId,
    ENTRA_CLIENT_SECRET: clientSecret,
    ENTRA_SCOPE: `${audience}/.default`,
    MAXCONF_URL: maxconf.url,
    BCSC_CLIENT_KEYS_FILE: device.keysFile,
    DESTINATION_HOST: new URL(pexip.url).host,
    // The dev client stands for every device played here (demo runs, browser tabs, tests).
    CLIENT_MAX_LIVE_SESSIONS: "1000",
    ...options.env,
  });
  const service = await buildService(config, clock, runtime.openStorage);
  api.handle(withCitizenPage(service.app.fetch, device, api.port));

  return {
    urls: { api: api.url, tokenServer: tokenServer.url, maxconf: maxconf.url, pexip: pexip.url },
    simulators,
    service,
    /** The service's settings, for a test that runs a second instance beside it. */
    config,
    device,
    async close() {
      callMedia.close();
      await Promise.all([api.close(), tokenServer.close(), maxconf.close(), pexip.close()]);
      await service.stop();
    },
  };
}

export type Stack = Awaited<ReturnType<typeof composeStack>>;
