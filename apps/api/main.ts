import { systemClock } from "../../adapters/clock/system-clock.ts";
import { listen } from "../shared/listen.ts";
import { connectionLimits, loadServiceConfig, serverTls } from "./config.ts";
import { buildService, type Service } from "./service.ts";
import { openStorage } from "./storage.ts";

/** The service alone, configured from the environment, against real (or separately run) upstreams. */
let config: ReturnType<typeof loadServiceConfig>;
try {
  config = loadServiceConfig(process.env);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const listener = await listen(
  config.PORT,
  config.HOST,
  connectionLimits(config),
  serverTls(config),
);
let service: Service;
try {
  service = await buildService(config, systemClock, openStorage("better-sqlite3"));
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
listener.handle(service.app.fetch);
console.log(`BCSC Video API v2 listening on ${listener.url}${config.API_BASE_PATH}`);

/** In-flight requests get this long to finish after a stop signal; the whole stop is bounded. */
const shutdownGraceMs = 10_000;
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    service.logger.info({ signal }, "stopping: no new connections, finishing requests in flight");
    setTimeout(() => process.exit(1), shutdownGraceMs * 2).unref();
    await listener.close(shutdownGraceMs);
    await service.stop();
    service.logger.info("stopped: outbox flushed, database closed");
    process.exit(0);
  });
}
