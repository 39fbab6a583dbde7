import type { Hono } from "hono";
import { wireSimulators } from "../../simulators/index.ts";
import { agentVideoSetting } from "../pexip-media/agent-video.ts";
import { WeriftCallMedia } from "../pexip-media/werift-call-media.ts";
import { ensureDevTls } from "../shared/dev-tls.ts";
import { portFromEnv } from "../shared/env-port.ts";
import { type Listener, listen } from "../shared/listen.ts";
import { controlAccessFromEnv, describeControlAccess, isLoopback } from "./control-access.ts";
import { tokenSettings } from "./token-settings.ts";

/**
 * `npm run simulators [-- --only token-server|maxconf|pexip]`: the upstream simulators on their own
 * ports, for a service run against them from outside (`npm run api`), or for poking at by hand.
 */
const names = ["token-server", "maxconf", "pexip"] as const;
type SimulatorName = (typeof names)[number];

const env = process.env;
const host = env.SIMULATORS_HOST ?? "127.0.0.1";
const only = parseOnly(process.argv.slice(2));
const controlAccess = controlAccessFromEnv(env, host);
const ports: Record<SimulatorName, number> = {
  "token-server": portFromEnv(env, "TOKEN_SERVER_PORT", 8081),
  maxconf: portFromEnv(env, "MAXCONF_PORT", 8082),
  pexip: portFromEnv(env, "PEXIP_PORT", 8083),
};
const selected = names.filter((name) => !only || name === only);
// SIMULATORS_DEV_CA names the dev CA's folder (made if missing): HTTPS with a certificate it
// issues, as `npm start`'s simulators speak (the app dials https://, MSAL refuses http:).
const tls = env.SIMULATORS_DEV_CA ? ensureDevTls(env.SIMULATORS_DEV_CA) : undefined;

const listeners = new Map<SimulatorName, Listener>();
await Promise.all(
  selected.map(async (name) => listeners.set(name, await listen(ports[name], host, {}, tls))),
);
// A simulator not started here is expected at its URL (default: its usual local port).
const urlOf = (name: SimulatorName, variable: string) =>
  listeners.get(name)?.url ??
  env[variable] ??
  `${tls ? "https" : "http"}://127.0.0.1:${ports[name]}`;

const tenant = env.ENTRA_TENANT ?? "bcsc-dev-tenant";
const clientId = env.ENTRA_CLIENT_ID ?? "bcsc-video-api";
const audience = env.MAXCONF_AUDIENCE ?? "api://maxconf";
const simulators = wireSimulators({
  seed: env.SIM_SEED ? Number(env.SIM_SEED) : undefined,
  tokenServerUrl: urlOf("token-server", "TOKEN_SERVER_URL"),
  maxconfUrl: urlOf("maxconf", "MAXCONF_URL"),
  pexipUrl: urlOf("pexip", "PEXIP_URL"),
  tenant,
  clientId,
  clientSecret: env.ENTRA_CLIENT_SECRET ?? "dev-client-secret",
  audience,
  ...tokenSettings(env, { tenant, audience }),
  eventSink:
    env.EVENT_SINK_USERNAME && env.EVENT_SINK_PASSWORD
      ? { username: env.EVENT_SINK_USERNAME, password: env.EVENT_SINK_PASSWORD }
      : undefined,
  agentJoinDelayMs: env.AGENT_JOIN_DELAY_MS ? Number(env.AGENT_JOIN_DELAY_MS) : undefined,
  // Real media: a WebRTC client can join, and sees the agent.
  callMedia: new WeriftCallMedia({ agentVideo: agentVideoSetting(env.AGENT_VIDEO) }),
  // A MaxConf not served here must not fill a pool on the Pexip served here.
  poolSize: listeners.has("maxconf") ? Number(env.MAXCONF_POOL_SIZE ?? 5) : 0,
  // A simulator started alone talks to the others where they really are.
  callsInProcess: !only,
  controlAccess,
});
const apps: Record<SimulatorName, Hono> = {
  "token-server": simulators.tokenServer.app,
  maxconf: simulators.maxconf.app,
  pexip: simulators.pexip.app,
};
const descriptions: Record<SimulatorName, string> = {
  "token-server": `Entra v2 token server, tenant ${tenant}, client ${clientId}, scope ${audience}/.default`,
  maxconf: "MaxConf API (rooms, event sink)",
  pexip: "Pexip Infinity conference node (client API v2, management API)",
};
for (const [name, listener] of listeners) {
  listener.handle(apps[name].fetch);
  console.log(`${name.padEnd(12)} ${listener.url}   ${descriptions[name]}`);
}
if (!isLoopback(host)) {
  console.warn(
    `WARNING: SIMULATORS_HOST=${host} is not loopback: the simulators and their control APIs ` +
      "can be reached from other machines (/_sim behind the token below).",
  );
}
for (const line of describeControlAccess(controlAccess)) console.log(line);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await Promise.all([...listeners.values()].map((listener) => listener.close()));
    process.exit(0);
  });
}

function parseOnly(args: string[]): SimulatorName | undefined {
  const index = args.indexOf("--only");
  if (index < 0) return undefined;
  const value = args[index + 1];
  if (!names.includes(value as SimulatorName)) {
    throw new Error(`--only takes one of ${names.join(", ")}, got '${value ?? ""}'`);
  }
  return value as SimulatorName;
}
