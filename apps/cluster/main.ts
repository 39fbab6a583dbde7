import { type ChildProcess, spawn } from "node:child_process";
import cluster from "node:cluster";
import { readFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { get } from "node:https";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { bundleService } from "../api/build.ts";
import { ensureDevDevice } from "../shared/dev-device.ts";
import { devTlsDir, ensureDevTls } from "../shared/dev-tls.ts";
import { startEmbeddedPostgres } from "../shared/embedded-postgres.ts";
import { portFromEnv } from "../shared/env-port.ts";
import { portsInUse } from "./ports-in-use.ts";

/**
 * `npm run start:cluster`: an embedded PostgreSQL, the three simulators, and REPLICAS processes of
 * the service sharing one port through node's cluster module (which hands each new connection to
 * the next replica). A replica that dies is replaced. `npm run demo` plays the flow against it.
 */
const env = process.env;
const replicas = Number(env.REPLICAS ?? 3);
const dataDir = env.DATA_DIR ?? "./data";
// As npm start's (the simulators read the same variables), but not 0: the replicas are told the
// simulators' ports before the simulators start.
const fixedPort = (variable: string, fallback: number) => {
  const chosen = portFromEnv(env, variable, fallback);
  if (chosen === 0)
    throw new Error(`${variable}: npm run start:cluster needs a port number, not 0`);
  return chosen;
};
const port = fixedPort("PORT", 8080);
const ports = {
  tokenServer: fixedPort("TOKEN_SERVER_PORT", 8081),
  maxconf: fixedPort("MAXCONF_PORT", 8082),
  pexip: fixedPort("PEXIP_PORT", 8083),
  postgres: fixedPort("POSTGRES_PORT", 8084),
};
const credentials = {
  ENTRA_TENANT: env.ENTRA_TENANT ?? "bcsc-dev-tenant",
  ENTRA_CLIENT_ID: env.ENTRA_CLIENT_ID ?? "bcsc-video-api",
  ENTRA_CLIENT_SECRET: env.ENTRA_CLIENT_SECRET ?? "dev-client-secret",
};

// A stack already on these ports (npm start, another cluster) would answer the readiness checks
// below in this one's place while its replicas failed to bind, one after another.
const taken = await portsInUse({
  PORT: port,
  TOKEN_SERVER_PORT: ports.tokenServer,
  MAXCONF_PORT: ports.maxconf,
  PEXIP_PORT: ports.pexip,
  POSTGRES_PORT: ports.postgres,
});
if (taken.length > 0) {
  console.error(
    `npm run start:cluster: in use already: ${taken.join(", ")} (is npm start, or another ` +
      'cluster, still running? Stop it, or choose other ports: README, "Running several replicas")',
  );
  process.exit(1);
}

const signals = ["SIGINT", "SIGTERM"] as const;
// Who listened for the signals before embedded-postgres was loaded (it adds its own, below).
const earlierListeners = new Map(signals.map((signal) => [signal, process.listeners(signal)]));
const postgres = await startEmbeddedPostgres({
  dataDir: join(dataDir, "postgres"),
  port: ports.postgres,
  persistent: true,
});

// embedded-postgres stops its servers on SIGINT and SIGTERM by itself, at once, and then ends the
// process: the replicas lost their database while finishing, and the simulators were left
// running. From here on (before, nothing else has started) the order is this process's, whatever
// has started by then: the replicas, the simulators, then PostgreSQL. Only its listeners go; any
// there before it was loaded stay.
for (const signal of signals) {
  const earlier = earlierListeners.get(signal) ?? [];
  for (const listener of process.listeners(signal)) {
    if (!earlier.includes(listener)) process.off(signal, listener);
  }
}
let stopping = false;
let simulators: ChildProcess | undefined;
// However this process ends, the simulators end with it.
process.once("exit", () => simulators?.kill("SIGTERM"));
for (const signal of signals) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping the replicas, the simulators and PostgreSQL`);
    await Promise.all(
      Object.values(cluster.workers ?? {}).map((worker) =>
        worker ? stopped(worker.process) : undefined,
      ),
    );
    if (simulators) await stopped(simulators);
    await postgres.stop();
    process.exit(0);
  });
}

const databaseUrl = await ensureDatabase(postgres.url, "video_api");
// The simulators speak HTTPS with npm start's dev CA (the app dials https://{destination_host}).
const tls = ensureDevTls(devTlsDir(dataDir));
simulators = spawnSimulators();
await simulatorsUp(simulators);
const device = await ensureDevDevice(dataDir, "bcsc-demo-app");

cluster.setupPrimary({ exec: await bundleService(), execArgv: [], silent: false });
const replicaEnv = {
  ...env,
  PORT: String(port),
  DATABASE_URL: databaseUrl,
  ENTRA_AUTHORITY: `https://127.0.0.1:${ports.tokenServer}`,
  ...credentials,
  ENTRA_SCOPE: "api://maxconf/.default",
  MAXCONF_URL: `https://127.0.0.1:${ports.maxconf}`,
  UPSTREAM_CA_FILE: tls.caFile,
  BCSC_CLIENT_KEYS_FILE: device.keysFile,
  DESTINATION_HOST: `127.0.0.1:${ports.pexip}`,
  // The dev client stands for every device played here.
  CLIENT_MAX_LIVE_SESSIONS: env.CLIENT_MAX_LIVE_SESSIONS ?? "1000",
};
const fork = () => cluster.fork(replicaEnv);
cluster.on("exit", (worker, code, signal) => {
  if (stopping) return;
  console.warn(`replica ${worker.process.pid} ended (${signal ?? code}): starting another`);
  fork();
});
// A stop that came while this process was starting: no replica more, and no banner.
for (let i = 0; i < replicas && !stopping; i++) fork();
await everyReplicaReady();

if (!stopping) {
  console.log(`BCSC Video API v2 cluster is up
  API             http://127.0.0.1:${port}/video/v2/sessions   (${replicas} replicas behind one port)
  Replicas        ${Object.values(cluster.workers ?? {})
    .map((worker) => worker?.process.pid)
    .join(", ")}   (pids; kill -9 one: another takes its place)
  PostgreSQL      ${databaseUrl.replace(/:[^:@/]+@/, ":*****@")}   (data in ${join(dataDir, "postgres")})
  Token server    https://127.0.0.1:${ports.tokenServer}
  MaxConf         https://127.0.0.1:${ports.maxconf}
  Pexip node      https://127.0.0.1:${ports.pexip}
  Dev CA          ${tls.caFile}   (as npm start's: README, "HTTPS and the dev CA")
Try it: npm run demo`);
}

/**
 * A replica listens before it is ready (its /readyz answers 503 until its database and token are):
 * the banner waits until as many readiness checks in a row as there are replicas answer 200, each
 * on a new connection, which the primary hands to the next replica in turn.
 */
async function everyReplicaReady(): Promise<void> {
  for (let inARow = 0, tries = 0; inARow < replicas && !stopping; tries++) {
    if (tries > 300) throw new Error("the replicas did not become ready");
    const status = await new Promise<number | undefined>((resolve) => {
      httpGet(`http://127.0.0.1:${port}/readyz`, { agent: false }, (response) => {
        response.resume();
        resolve(response.statusCode);
      }).on("error", () => resolve(undefined));
    });
    inARow = status === 200 ? inARow + 1 : 0;
    if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Asks a child process to stop; resolves once it has. */
function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** The simulators as `npm run simulators` runs them, with the credentials the replicas use. */
function spawnSimulators(): ChildProcess {
  const entry = fileURLToPath(new URL("../simulators/main.ts", import.meta.url));
  return spawn(process.execPath, ["--import", "tsx", entry], {
    env: { ...env, ...credentials, SIMULATORS_DEV_CA: devTlsDir(dataDir) },
    stdio: ["ignore", "inherit", "inherit"],
  });
}

/** Resolves once the simulators answer their health check (or a stop has come). */
async function simulatorsUp(child: ChildProcess): Promise<void> {
  const ca = readFileSync(tls.caFile);
  for (let tries = 0; !stopping; tries++) {
    if (await healthy(`https://127.0.0.1:${ports.pexip}/_sim/health`, ca)) return;
    if (tries > 100 || child.exitCode !== null) throw new Error("the simulators did not start");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Whether a simulator answers its health check, over HTTPS trusting the dev CA. */
function healthy(url: string, ca: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    get(url, { ca }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    }).on("error", () => resolve(false));
  });
}

/** The service's database on the server, made on first start. */
async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
