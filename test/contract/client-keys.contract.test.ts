import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileClientKeys } from "../../adapters/client-keys/file-client-keys.ts";
import { RemoteJwksClientKeys } from "../../adapters/client-keys/remote-jwks-client-keys.ts";
import { systemClock, VirtualClock } from "../../simulators/index.ts";
import { sharedFixture } from "../support/shared-fixture.ts";
import {
  type ClientKeysSubject,
  clientKeysContract,
  type KeyHostControls,
  registeredKeys,
} from "./client-keys.contract.ts";
import { InMemoryClientKeys } from "./fakes/in-memory-client-keys.ts";
import { startJwksHost } from "./jwks-host.ts";
import { contractTargets, setting } from "./targets.ts";

const registered = { clientId: "contract-app-a", keys: registeredKeys["contract-app-a"] };
/** As the service sets them by default (apps/api/config.ts, service.ts). */
const remoteSettings = {
  cacheMs: 300_000,
  refetchCooldownMs: 30_000,
  unknownClientMs: 60_000,
  fetchesPerMinute: 300,
  maxConcurrentFetches: 16,
};
const { cacheMs, refetchCooldownMs, unknownClientMs } = remoteSettings;

const jwksHost = sharedFixture(startJwksHost, (host) => host.listener.close());

const targets = contractTargets<ClientKeysSubject, KeyHostControls>("client-keys", {
  "client-keys-fake": async () => ({
    subject: { keys: new InMemoryClientKeys(registeredKeys), registered },
    close: async () => {},
  }),

  "client-keys-file": async () => {
    const dir = mkdtempSync(join(tmpdir(), "contract-client-keys-"));
    const path = join(dir, "client-keys.json");
    const file = Object.fromEntries(
      Object.entries(registeredKeys).map(([clientId, keys]) => [clientId, { keys }]),
    );
    writeFileSync(path, JSON.stringify(file));
    return {
      subject: { keys: new FileClientKeys(path), registered },
      close: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },

  "client-keys-remote": async () => {
    const host = await jwksHost();
    host.reset();
    for (const [clientId, keys] of Object.entries(registeredKeys)) host.publish(clientId, keys);
    const clock = new VirtualClock();
    const keys = new RemoteJwksClientKeys(
      { ...remoteSettings, urlTemplate: host.urlTemplate, timeoutMs: 5000 },
      clock,
    );
    return {
      subject: { keys, registered },
      controls: {
        publish: host.publish,
        fetches: host.fetches,
        totalFetches: host.totalFetches,
        setDown: host.setDown,
        advance: (ms) => clock.advance(ms),
        cacheMs,
        refetchCooldownMs,
        unknownClientMs,
      },
      close: async () => {},
    };
  },

  "client-keys-remote-real": async () => ({
    subject: {
      keys: new RemoteJwksClientKeys(
        {
          ...remoteSettings,
          urlTemplate: setting("CONTRACT_CLIENT_JWKS_URL"),
          timeoutMs: 10_000,
        },
        systemClock,
      ),
      registered: { clientId: setting("CONTRACT_CLIENT_ID") },
    },
    close: async () => {},
  }),
});

for (const target of targets) clientKeysContract(target);
