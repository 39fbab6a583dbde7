import { agentVideoSetting } from "../pexip-media/agent-video.ts";
import { controlAccessFromEnv, describeControlAccess } from "../simulators/control-access.ts";
import type { Stack, StackOptions } from "./compose-stack.ts";
import { exposureWarning } from "./exposure-warning.ts";

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/**
 * `npm start` on either runtime: the API and all three simulators configured from the environment,
 * SQLite under ./data, auth on; prints where everything is and stops cleanly on SIGINT/SIGTERM.
 */
export async function runStackFromEnv(start: (options: StackOptions) => Promise<Stack>) {
  const host = process.env.HOST ?? "127.0.0.1";
  const controlAccess = controlAccessFromEnv(process.env, host);
  const stack = await start({
    ports: {
      api: port("PORT", 8080),
      tokenServer: port("TOKEN_SERVER_PORT", 8081),
      maxconf: port("MAXCONF_PORT", 8082),
      pexip: port("PEXIP_PORT", 8083),
    },
    host,
    dataDir: process.env.DATA_DIR ?? "./data",
    agentJoinDelayMs: process.env.AGENT_JOIN_DELAY_MS
      ? Number(process.env.AGENT_JOIN_DELAY_MS)
      : undefined,
    agentVideo: agentVideoSetting(process.env.AGENT_VIDEO),
    controlAccess,
  });

  const { urls } = stack;
  const warning = exposureWarning(host, urls);
  if (warning) console.warn(warning);
  console.log(`BCSC Video API v2 stack is up
  API             ${urls.api}/video/v2/sessions   docs ${urls.api}/docs   OpenAPI ${urls.api}/openapi.json
  Citizen page    ${urls.api}/demo   (dev only: open in a browser, camera on, call the agent)
  Token server    ${urls.tokenServer}   (Entra v2 simulator)
  MaxConf         ${urls.maxconf}   (room API simulator)
  Pexip node      ${urls.pexip}   (conference node simulator)
  ${describeControlAccess(controlAccess).join("\n  ")}
  Device key for the demo client: ${stack.device.keysFile.replace("client-keys.json", "device.json")}
Try it: npm run demo, or the citizen page`);

  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, async () => {
      if (stopping) return;
      stopping = true;
      console.log(`${signal}: stopping`);
      await stack.close();
      process.exit(0);
    });
  }
}
