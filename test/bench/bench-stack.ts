import { join } from "node:path";
import { freePort } from "../support/free-port.ts";
import { type Child, spawnNode, waitFor } from "./processes.ts";

/** The simulators' Entra client, shared by the service and the baselines. */
export const entra = {
  tenant: "bcsc-dev-tenant",
  clientId: "bcsc-video-api",
  clientSecret: "bench-client-secret",
  scope: "api://maxconf/.default",
};

/** A support-staff app at the token simulator: the service's default OPS_AUDIENCE and OPS_ROLE. */
export const benchStaff = {
  clientId: "bench-ops",
  clientSecret: "bench-ops-secret",
  audience: "api://bcsc-video-api",
  roles: ["VideoApi.Support"],
};

export interface Simulators {
  child: Child;
  tokenServer: string;
  maxconf: string;
  pexip: string;
  tokenPath: string;
}

const repo = new URL("../../", import.meta.url).pathname;

/** `npm run simulators` in its own process, on free ports. */
export async function startSimulators(dir: string, name = "simulators"): Promise<Simulators> {
  const [tokenPort, maxconfPort, pexipPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const logFile = join(dir, `${name}.log`);
  const child = spawnNode(
    join(repo, "apps/simulators/main.ts"),
    {
      TOKEN_SERVER_PORT: String(tokenPort),
      MAXCONF_PORT: String(maxconfPort),
      PEXIP_PORT: String(pexipPort),
      ENTRA_TENANT: entra.tenant,
      ENTRA_CLIENT_ID: entra.clientId,
      ENTRA_CLIENT_SECRET: entra.clientSecret,
      TOKEN_SERVER_CLIENTS: JSON.stringify([benchStaff]),
      SIM_SEED: "424242",
    },
    logFile,
  );
  const url = (port: number) => `http://127.0.0.1:${port}`;
  for (const port of [tokenPort, maxconfPort, pexipPort]) {
    await waitFor(`${url(port)}/_sim/health`, child, logFile);
  }
  return {
    child,
    tokenServer: url(tokenPort),
    maxconf: url(maxconfPort),
    pexip: url(pexipPort),
    tokenPath: `/${entra.tenant}/oauth2/v2.0/token`,
  };
}

export interface ServiceOptions {
  /** The service as `npm run build` bundles it (apps/api/build.ts), which `npm run api` runs. */
  entry: string;
  synchronous: "FULL" | "NORMAL";
  databasePath: string;
  /** PostgreSQL instead of the SQLite file. */
  databaseUrl?: string;
  keysFile: string;
  videoConfigFile: string;
  logFile: string;
  /** What to wait for: /readyz (fetches a token) or /healthz (leaves the token cache cold). */
  waitFor?: "/readyz" | "/healthz";
  /** Seconds between room reconciliations after the one at start (the service's default: 60). */
  reconcileIntervalSeconds?: number;
}

export interface Service {
  child: Child;
  url: string;
  /** From spawning to the awaited endpoint answering 200, in ms. */
  startMs: number;
}

/** The service as `npm run api` runs it, configured from the environment. */
export async function startService(sims: Simulators, options: ServiceOptions): Promise<Service> {
  const port = await freePort();
  const child = spawnNode(
    options.entry,
    {
      PORT: String(port),
      ...(options.databaseUrl
        ? { DATABASE_URL: options.databaseUrl }
        : { DATABASE_PATH: options.databasePath, SQLITE_SYNCHRONOUS: options.synchronous }),
      ENTRA_AUTHORITY: sims.tokenServer,
      ENTRA_TENANT: entra.tenant,
      ENTRA_CLIENT_ID: entra.clientId,
      ENTRA_CLIENT_SECRET: entra.clientSecret,
      ENTRA_SCOPE: entra.scope,
      MAXCONF_URL: sims.maxconf,
      BCSC_CLIENT_KEYS_FILE: options.keysFile,
      VIDEO_CONFIG_FILE: options.videoConfigFile,
      DESTINATION_HOST: new URL(sims.pexip).host,
      // The call-update rows repeat one device's requests thousands of times a second.
      RATE_LIMIT_PER_MINUTE: "1000000000",
      // One bench client plays every installation, each create a new one.
      CLIENT_MAX_LIVE_SESSIONS: "1000000000",
      // The memory rows hold 10,000 live sessions at the one destination.
      DESTINATION_MAX_ACTIVE_SESSIONS: "1000000000",
      ...(options.reconcileIntervalSeconds
        ? { RECONCILE_INTERVAL_SECONDS: String(options.reconcileIntervalSeconds) }
        : {}),
    },
    options.logFile,
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}${options.waitFor ?? "/readyz"}`, child, options.logFile, {
    everyMs: 2,
  });
  return { child, url, startMs: performance.now() - child.spawnedAt };
}

export interface Baseline {
  child: Child;
  url: string;
}

/** The baselines' server (baseline-server.ts) on SQLite with the given setting, or PostgreSQL. */
export async function startBaseline(
  sims: Simulators,
  dir: string,
  store: { synchronous: "FULL" | "NORMAL" } | { databaseUrl: string },
): Promise<Baseline> {
  const port = await freePort();
  const name = "databaseUrl" in store ? "baseline-postgres" : `baseline-${store.synchronous}`;
  const logFile = join(dir, `${name}.log`);
  const child = spawnNode(
    join(repo, "test/bench/baseline-server.ts"),
    {
      PORT: String(port),
      ...("databaseUrl" in store
        ? { DATABASE_URL: store.databaseUrl }
        : { DATABASE_PATH: join(dir, `${name}.db`), SQLITE_SYNCHRONOUS: store.synchronous }),
      MAXCONF_URL: sims.maxconf,
      TOKEN_URL: `${sims.tokenServer}${sims.tokenPath}`,
      ENTRA_CLIENT_ID: entra.clientId,
      ENTRA_CLIENT_SECRET: entra.clientSecret,
      ENTRA_SCOPE: entra.scope,
    },
    logFile,
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/ready`, child, logFile);
  return { child, url };
}
