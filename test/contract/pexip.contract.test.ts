import { PexipConferenceClient } from "../../adapters/pexip/index.ts";
import { VirtualClock } from "../../simulators/index.ts";
import { startPexipNode } from "../adapters/pexip/pexip-node.ts";
import type { Instance } from "./harness.ts";
import { expectConformingJournals } from "./openapi-conformance.ts";
import { type PexipConference, type PexipControls, pexipContract } from "./pexip.contract.ts";
import { contractTargets, setting } from "./targets.ts";

const TOKEN_LIFETIME_S = 120;
const ROOM = {
  name: "MTIzNDU2LDc2NTQzMg",
  alias: "MTIzNDU2LDc2NTQzMg",
  pin: "1936",
  guestPin: "8521",
};

/** The conference, handing out clients it releases at the end if a failed case did not. */
function conferenceAt(
  nodeUrl: string,
  alias: string,
  guestPin: string,
): { conference: PexipConference; releaseAll(): Promise<void> } {
  const clients: PexipConferenceClient[] = [];
  return {
    conference: {
      nodeUrl,
      alias,
      guestPin,
      client: (other = alias) => {
        const client = new PexipConferenceClient({ nodeUrl, alias: other });
        clients.push(client);
        return client;
      },
    },
    releaseAll: async () => {
      for (const client of clients) if (client.token) await client.releaseToken().catch(() => {});
    },
  };
}

const targets = contractTargets<PexipConference, PexipControls>("pexip", {
  "pexip-simulator": async (): Promise<Instance<PexipConference, PexipControls>> => {
    const clock = new VirtualClock();
    const node = await startPexipNode({ clock, tokenExpiresSeconds: TOKEN_LIFETIME_S });
    await node.createConference(ROOM);
    const { conference, releaseAll } = conferenceAt(node.url, ROOM.alias, ROOM.guestPin);
    return {
      subject: conference,
      controls: { advance: (ms) => clock.advance(ms), tokenLifetimeMs: TOKEN_LIFETIME_S * 1000 },
      close: async () => {
        await releaseAll();
        await node.close();
        await expectConformingJournals({ pexip: node.simulator });
      },
    };
  },

  "pexip-real": async () => {
    const { conference, releaseAll } = conferenceAt(
      setting("CONTRACT_PEXIP_NODE"),
      setting("CONTRACT_PEXIP_ALIAS"),
      setting("CONTRACT_PEXIP_GUEST_PIN"),
    );
    return { subject: conference, close: releaseAll };
  },
});

for (const target of targets) pexipContract(target);
