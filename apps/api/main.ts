import { systemClock } from "../../simulators/control/clock.ts";
import { listen } from "../shared/listen.ts";
import { loadServiceConfig } from "./config.ts";
import { buildService } from "./service.ts";

/** The service alone, configured from the environment, against real (or separately run) upstreams. */
let config: ReturnType<typeof loadServiceConfig>;
try {
  config = loadServiceConfig(process.env);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const listener = await listen(config.PORT, config.HOST);
const service = buildService(config, systemClock);
listener.handle(service.app.fetch);
console.log(`BCSC Video API v2 listening on ${listener.url}${config.API_BASE_PATH}`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await listener.close();
    await service.stop();
    process.exit(0);
  });
}
