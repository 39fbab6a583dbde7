import { join } from "node:path";
import { type SimClock, systemClock } from "../../simulators/control/clock.ts";
import { wireSimulators } from "../../simulators/index.ts";
import { loadServiceConfig } from "../api/config.ts";
import { buildService } from "../api/service.ts";
import { ensureDevDevice } from "../shared/dev-device.ts";
import { listen } from "../shared/listen.ts";

export interface StackOptions {
  /** 0 picks a free port. */
  ports: { api: number; tokenServer: number; maxconf: number; pexip: number };
  host?: string;
  dataDir: string;
  /** One clock for the service and every simulator: tests pass a VirtualClock. */
  clock?: SimClock;
  seed?: number;
  agentJoinDelayMs?: number;
  /** Extra service settings (environment names), e.g. SQLITE_SYNCHRONOUS. */
  env?: Record<string, string>;
}

const tenant = "bcsc-dev-tenant";
const clientId = "bcsc-video-api";
const audience = "api://maxconf";
export const devAppClientId = "bcsc-demo-app";

/** The whole product in one process: the API and the three simulators, each on its own port. */
export async function startStack(options: StackOptions) {
  const host = options.host ?? "127.0.0.1";
  const clock = options.clock ?? systemClock;
  const [api, tokenServer, maxconf, pexip] = await Promise.all([
    listen(options.ports.api, host),
    listen(options.ports.tokenServer, host),
    listen(options.ports.maxconf, host),
    listen(options.ports.pexip, host),
  ]);
  const clientSecret = crypto.randomUUID();
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
  });
  tokenServer.handle(simulators.tokenServer.app.fetch);
  maxconf.handle(simulators.maxconf.app.fetch);
  pexip.handle(simulators.pexip.app.fetch);

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
    ...options.env,
  });
  const service = buildService(config, clock);
  api.handle(service.app.fetch);

  return {
    urls: { api: api.url, tokenServer: tokenServer.url, maxconf: maxconf.url, pexip: pexip.url },
    simulators,
    service,
    device,
    async close() {
      await Promise.all([api.close(), tokenServer.close(), maxconf.close(), pexip.close()]);
      await service.stop();
    },
  };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;
