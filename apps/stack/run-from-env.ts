import type { ControlAccess } from "../../simulators/index.ts";
import { agentVideoSetting } from "../pexip-media/agent-video.ts";
import { devTlsDir, ensureDevTls } from "../shared/dev-tls.ts";
import { portFromEnv } from "../shared/env-port.ts";
import { controlAccessFromEnv, describeControlAccess } from "../simulators/control-access.ts";
import type { Stack, StackOptions } from "./compose-stack.ts";
import { devCredentialsFile } from "./entra-credentials.ts";
import { exposureWarning } from "./exposure-warning.ts";
import { certificateHostNames } from "./host-names.ts";

/**
 * `npm start` on either runtime: the API and all three simulators (over HTTPS, with the dev CA)
 * configured from the environment, data under DATA_DIR, auth on; prints where everything is and
 * stops cleanly on SIGINT/SIGTERM. A setting it cannot use stops it with one error that says why.
 */
export async function runStackFromEnv(start: (options: StackOptions) => Promise<Stack>) {
  let stack: Stack;
  const env = process.env;
  const dataDir = env.DATA_DIR || "./data";
  try {
    const host = env.HOST || "127.0.0.1";
    const controlAccess = controlAccessFromEnv(env, host);
    const tls = ensureDevTls(devTlsDir(dataDir), certificateHostNames(host));
    stack = await start({
      ports: {
        api: portFromEnv(env, "PORT", 8080),
        tokenServer: portFromEnv(env, "TOKEN_SERVER_PORT", 8081),
        maxconf: portFromEnv(env, "MAXCONF_PORT", 8082),
        pexip: portFromEnv(env, "PEXIP_PORT", 8083),
      },
      host,
      dataDir,
      tls,
      agentJoinDelayMs: env.AGENT_JOIN_DELAY_MS ? Number(env.AGENT_JOIN_DELAY_MS) : undefined,
      agentVideo: agentVideoSetting(env.AGENT_VIDEO),
      controlAccess,
      env: { ...env, ...apiTlsSettings(env, tls) },
    });
    const warning = exposureWarning(host, stack.urls);
    if (warning) console.warn(warning);
    console.log(banner(stack, dataDir, controlAccess));
  } catch (error) {
    console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }

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

/** API_HTTPS=true: the API (and the citizen page) over HTTPS too, with the dev CA's certificate. */
function apiTlsSettings(env: Record<string, string | undefined>, tls: StackOptions["tls"]) {
  const apiHttps = env.API_HTTPS || "false";
  if (apiHttps !== "true" && apiHttps !== "false") {
    throw new Error(`API_HTTPS must be true or false, got '${apiHttps}'`);
  }
  return apiHttps === "true" ? { TLS_CERT_FILE: tls.certFile, TLS_KEY_FILE: tls.keyFile } : {};
}

function banner(stack: Stack, dataDir: string, controlAccess: ControlAccess): string {
  const { urls, entra, tls } = stack;
  const env = process.env;
  const secret = env.ENTRA_CLIENT_SECRET
    ? "from ENTRA_CLIENT_SECRET"
    : `${entra.clientSecret} (made once: ${devCredentialsFile(dataDir)})`;
  return `BCSC Video API v2 stack is up
  API             ${urls.api}/video/v2/sessions   docs ${urls.api}/docs   OpenAPI ${urls.api}/openapi.json
  Citizen page    ${urls.api}/demo   (dev only: open in a browser, camera on, call the agent)
  Token server    ${urls.tokenServer}   (Entra v2 simulator)
  MaxConf         ${urls.maxconf}   (room API simulator)
  Pexip node      ${urls.pexip}   (conference node simulator)
  Dev CA          ${tls.caFile}   (the simulators' HTTPS: trust it to call them, e.g. NODE_EXTRA_CA_CERTS=${tls.caFile} for Node; a browser, a phone: README, "HTTPS and the dev CA")
  Entra client    authority ${entra.authority}, client ${entra.clientId}, secret ${secret}, scope ${entra.scope}
  ${describeControlAccess(controlAccess).join("\n  ")}
  Device key for the demo client: ${stack.device.keysFile.replace("client-keys.json", "device.json")}
Try it: npm run demo, or the citizen page`;
}
