import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileClientKeys } from "../../adapters/client-keys/file-client-keys.ts";
import { RemoteJwksClientKeys } from "../../adapters/client-keys/remote-jwks-client-keys.ts";
import { systemClock, VirtualClock } from "../../simulators/index.ts";
import {
  type ClientKeysSubject,
  clientKeysContract,
  type KeyHostControls,
  registeredKeys,
} from "./client-keys.contract.ts";
import { InMemoryClientKeys } from "./fakes/in-memory-client-keys.ts";
import { sharedFixture } from "./harness.ts";
import { startJwksHost } from "./jwks-host.ts";
import { contractTargets, setting } from "./targets.ts";

const registered = { clientId: "contract-app-a", keys: registeredKeys["contract-app-a"] };
/** As the service sets them (apps/api/service.ts): five minutes, and 30 s between kid refetches. */
const cacheMs = 300_000;
const refetchCooldownMs = 30_000;

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
      { urlTemplate: host.urlTemplate, cacheMs, refetchCooldownMs, timeoutMs: 5000 },
      clock,
    );
    return {
      subject: { keys, registered },
      controls: {
        publish: host.publish,
        fetches: host.fetches,
        setDown: host.setDown,
        advance: (ms) => clock.advance(ms),
        cacheMs,
        refetchCooldownMs,
      },
      close: async () => {},
    };
  },

  "client-keys-remote-real": async () => ({
    subject: {
      keys: new RemoteJwksClientKeys(
        {
          urlTemplate: setting("CONTRACT_CLIENT_JWKS_URL"),
          cacheMs,
          refetchCooldownMs,
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
