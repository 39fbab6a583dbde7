import { startStack } from "./stack.ts";

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/** `npm start`: the API and all three simulators, SQLite under ./data, auth on. */
const stack = await startStack({
  ports: {
    api: port("PORT", 8080),
    tokenServer: port("TOKEN_SERVER_PORT", 8081),
    maxconf: port("MAXCONF_PORT", 8082),
    pexip: port("PEXIP_PORT", 8083),
  },
  host: process.env.HOST ?? "127.0.0.1",
  dataDir: process.env.DATA_DIR ?? "./data",
  agentJoinDelayMs: process.env.AGENT_JOIN_DELAY_MS
    ? Number(process.env.AGENT_JOIN_DELAY_MS)
    : undefined,
});

const { urls } = stack;
console.log(`BCSC Video API v2 stack is up
  API             ${urls.api}/video/v2/sessions   docs ${urls.api}/docs   OpenAPI ${urls.api}/openapi.json
  Token server    ${urls.tokenServer}   (Entra v2 simulator)
  MaxConf         ${urls.maxconf}   (room API simulator)
  Pexip node      ${urls.pexip}   (conference node simulator)
  Simulator control API: <simulator>/_sim/journal, /_sim/faults, /_sim/reset
  Device key for the demo client: ${stack.device.keysFile.replace("client-keys.json", "device.json")}
Try it: npm run demo`);

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
