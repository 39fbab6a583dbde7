import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface EntraCredentials {
  tenant: string;
  clientId: string;
  clientSecret: string;
}

type Env = Record<string, string | undefined>;

/** Where the dev credentials are kept: made on first start, the same after. */
export const devCredentialsFile = (dataDir: string) => join(dataDir, "dev-entra-client.json");

/**
 * The client the token simulator registers and the service uses: ENTRA_TENANT, ENTRA_CLIENT_ID and
 * ENTRA_CLIENT_SECRET where they are set, the dev credentials under `dataDir` for the others.
 */
export function entraCredentials(env: Env, dataDir: string): EntraCredentials {
  const file = devCredentialsFile(dataDir);
  let dev: EntraCredentials;
  if (existsSync(file)) {
    dev = JSON.parse(readFileSync(file, "utf8"));
  } else {
    dev = {
      tenant: "bcsc-dev-tenant",
      clientId: "bcsc-video-api",
      clientSecret: `dev-${crypto.randomUUID()}`,
    };
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(dev, null, 2), { mode: 0o600 });
  }
  return {
    tenant: env.ENTRA_TENANT || dev.tenant,
    clientId: env.ENTRA_CLIENT_ID || dev.clientId,
    clientSecret: env.ENTRA_CLIENT_SECRET || dev.clientSecret,
  };
}
