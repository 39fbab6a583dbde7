import type { Instance, Target, TargetKind } from "./harness.ts";

export type Port = "access-tokens" | "rooms" | "pexip" | "store" | "rate-limiter" | "client-keys";

export const ports: Record<Port, { title: string; file: string }> = {
  "access-tokens": {
    title: "AccessTokens (Entra)",
    file: "test/contract/access-tokens.contract.test.ts",
  },
  rooms: { title: "Rooms (MaxConf)", file: "test/contract/rooms.contract.test.ts" },
  pexip: { title: "Pexip conference client", file: "test/contract/pexip.contract.test.ts" },
  store: {
    title: "Store (Sessions, StaleSessions, Queue, RoomDeletionOutbox, StoreStatus, Timeline)",
    file: "test/contract/store.contract.test.ts",
  },
  "rate-limiter": {
    title: "RateLimiter",
    file: "test/contract/rate-limiter.contract.test.ts",
  },
  "client-keys": { title: "ClientKeys", file: "test/contract/client-keys.contract.test.ts" },
};

export interface TargetInfo {
  name: string;
  port: Port;
  kind: TargetKind;
  what: string;
  /** Environment settings a real upstream needs; without them its cases are skipped. */
  settings?: readonly string[];
  /** Why the current runtime cannot run the target, if it cannot. */
  runtimeGap?: () => string | undefined;
}

const entraSettings = [
  "CONTRACT_ENTRA_TENANT",
  "CONTRACT_ENTRA_CLIENT_ID",
  "CONTRACT_ENTRA_SECRET",
  "CONTRACT_ENTRA_SCOPE",
];

/** Every target of every suite: `npm run contract -- --list` prints this. */
export const catalog: readonly TargetInfo[] = [
  { name: "entra-fake", port: "access-tokens", kind: "fake", what: "FakeAccessTokens" },
  {
    name: "entra-simulator",
    port: "access-tokens",
    kind: "simulator",
    what: "EntraAccessTokens → token-server simulator",
  },
  {
    name: "entra-real",
    port: "access-tokens",
    kind: "real",
    what: "EntraAccessTokens → Microsoft Entra (CONTRACT_ENTRA_AUTHORITY, default login.microsoftonline.com)",
    settings: entraSettings,
  },
  { name: "maxconf-fake", port: "rooms", kind: "fake", what: "FakeRooms over FakeAccessTokens" },
  {
    name: "maxconf-simulator",
    port: "rooms",
    kind: "simulator",
    what: "MaxConfRooms → MaxConf simulator, tokens from the token-server simulator",
  },
  {
    name: "maxconf-real",
    port: "rooms",
    kind: "real",
    what: "MaxConfRooms → MaxConf, tokens from Microsoft Entra (creates and deletes real rooms)",
    settings: ["CONTRACT_MAXCONF_URL", ...entraSettings],
  },
  {
    name: "pexip-simulator",
    port: "pexip",
    kind: "simulator",
    what: "PexipConferenceClient → Pexip simulator",
  },
  {
    name: "pexip-real",
    port: "pexip",
    kind: "real",
    what:
      "PexipConferenceClient → a Pexip conference node: a conference configured there for tests " +
      "(not a MaxConf room, which MaxConf deletes once its conference ends), dialling no agent",
    settings: ["CONTRACT_PEXIP_NODE", "CONTRACT_PEXIP_ALIAS", "CONTRACT_PEXIP_GUEST_PIN"],
  },
  { name: "store-fake", port: "store", kind: "fake", what: "inMemoryStore" },
  {
    name: "store-sqlite",
    port: "store",
    kind: "real",
    what: "sqliteStore on better-sqlite3 (a temporary file)",
  },
  {
    name: "store-sqlite-thread",
    port: "store",
    kind: "real",
    what: "storeInThread: sqliteStore on better-sqlite3 in a worker thread, as the service runs it",
  },
  {
    name: "store-postgres",
    port: "store",
    kind: "real",
    what: "postgresStore on PostgreSQL (node-postgres; a database of its own per case)",
  },
  {
    name: "store-node-sqlite",
    port: "store",
    kind: "real",
    what: "sqliteStore on node:sqlite (the Deno driver)",
    runtimeGap: () =>
      process.getBuiltinModule?.("node:sqlite")
        ? undefined
        : `node:sqlite is missing from Node ${process.versions.node} (it arrives in 22.5); ` +
          "the Deno smoke test (test/deno/) runs the store on it",
  },
  {
    name: "rate-limiter-memory",
    port: "rate-limiter",
    kind: "real",
    what: "DeviceRateLimiter (one process's memory)",
  },
  {
    name: "rate-limiter-postgres",
    port: "rate-limiter",
    kind: "real",
    what: "PostgresRateLimiter (buckets shared by every replica; a database of its own per case)",
  },
  { name: "client-keys-fake", port: "client-keys", kind: "fake", what: "InMemoryClientKeys" },
  {
    name: "client-keys-file",
    port: "client-keys",
    kind: "real",
    what: "FileClientKeys (a temporary keys file)",
  },
  {
    name: "client-keys-remote",
    port: "client-keys",
    kind: "simulator",
    what: "RemoteJwksClientKeys → a simulated JWKS host",
  },
  {
    name: "client-keys-remote-real",
    port: "client-keys",
    kind: "real",
    what: "RemoteJwksClientKeys → your JWKS host ({client_id} in the URL is replaced)",
    settings: ["CONTRACT_CLIENT_JWKS_URL", "CONTRACT_CLIENT_ID"],
  },
];

/** Why a target cannot run here (missing settings, runtime), or undefined when it can. */
export function unavailable(info: TargetInfo): string | undefined {
  const missing = (info.settings ?? []).filter((name) => !process.env[name]);
  if (missing.length > 0) return `not configured: set ${missing.join(", ")}`;
  return info.runtimeGap?.();
}

/** A setting of a real target; `contractTargets` only creates one whose settings are all set. */
export function setting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/**
 * The port's targets from the catalog, each with its factory, after printing which real targets
 * run and which are skipped (and why): a real upstream is never left out silently.
 */
export function contractTargets<Subject, Controls>(
  port: Port,
  factories: Record<string, () => Promise<Instance<Subject, Controls>>>,
): Target<Subject, Controls>[] {
  const infos = catalog.filter((info) => info.port === port);
  const names = infos.map((info) => info.name);
  const strays = Object.keys(factories).filter((name) => !names.includes(name));
  const missing = names.filter((name) => !(name in factories));
  if (strays.length > 0 || missing.length > 0) {
    throw new Error(`targets of ${port}: not in the catalog ${strays}; no factory ${missing}`);
  }
  console.log(banner(port));
  return infos.map((info) => ({
    name: info.name,
    kind: info.kind,
    unavailable: unavailable(info),
    create: factories[info.name] as () => Promise<Instance<Subject, Controls>>,
  }));
}

function banner(port: Port): string {
  const infos = catalog.filter((info) => info.port === port);
  const real = infos.filter((info) => info.kind === "real");
  const run = real.filter((info) => !unavailable(info)).map((info) => info.name);
  const skipped = real.filter((info) => unavailable(info));
  const rule = "━".repeat(72);
  return [
    `━━ Contract targets: ${ports[port].title} ${rule}`.slice(0, 76),
    `  fakes, simulators: ${
      infos
        .filter((info) => info.kind !== "real")
        .map((info) => info.name)
        .join(", ") || "none"
    }`,
    `  REAL, run:         ${run.join(", ") || "none"}`,
    ...skipped.map((info) => `  REAL, SKIPPED:     ${info.name} — ${unavailable(info)}`),
    rule,
  ].join("\n");
}

/** No retries around an adapter under contract: the suites are about the adapter itself. */
export const directly = { run: <T>(work: () => Promise<T>) => work() };

/** The Entra client credentials of the real targets. */
export function realEntraSettings() {
  return {
    authority: process.env.CONTRACT_ENTRA_AUTHORITY ?? "https://login.microsoftonline.com",
    tenant: setting("CONTRACT_ENTRA_TENANT"),
    clientId: setting("CONTRACT_ENTRA_CLIENT_ID"),
    clientSecret: setting("CONTRACT_ENTRA_SECRET"),
    scope: setting("CONTRACT_ENTRA_SCOPE"),
    timeoutMs: 10_000,
  };
}
