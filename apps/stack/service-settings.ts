import { join } from "node:path";
import type { DevTls } from "../shared/dev-tls.ts";
import type { EntraCredentials } from "./entra-credentials.ts";

type Env = Record<string, string | undefined>;

export interface SimulatedUpstreams {
  tokenServer: string;
  maxconf: string;
  pexip: string;
}

/**
 * The service's settings in the stack: the environment's (validated by the service's own schema),
 * except those that point it at the simulators, which the stack sets.
 */
export function stackServiceEnv(
  env: Env,
  stack: {
    dataDir: string;
    urls: SimulatedUpstreams;
    credentials: EntraCredentials;
    scope: string;
    keysFile: string;
    tls: DevTls;
  },
): Env {
  const { credentials, urls } = stack;
  return {
    DATABASE_PATH: join(stack.dataDir, "video-api.db"),
    // The dev client stands for every device played here (demo runs, browser tabs, tests).
    CLIENT_MAX_LIVE_SESSIONS: "1000",
    ...env,
    ENTRA_AUTHORITY: urls.tokenServer,
    ENTRA_TENANT: credentials.tenant,
    ENTRA_CLIENT_ID: credentials.clientId,
    ENTRA_CLIENT_SECRET: credentials.clientSecret,
    ENTRA_SCOPE: stack.scope,
    MAXCONF_URL: urls.maxconf,
    DESTINATION_HOST: new URL(urls.pexip).host,
    BCSC_CLIENT_KEYS_FILE: stack.keysFile,
    // The simulators' certificates come from the dev CA.
    UPSTREAM_CA_FILE: stack.tls.caFile,
  };
}
