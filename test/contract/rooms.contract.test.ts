import { MaxConfRooms } from "../../adapters/maxconf/maxconf-rooms.ts";
import { EntraAccessTokens } from "../../adapters/oauth/entra-access-tokens.ts";
import type { Rooms } from "../../core/ports.ts";
import { systemClock, VirtualClock } from "../../simulators/index.ts";
import {
  audience,
  clientId,
  clientSecret,
  startWiredStack,
  tenant,
} from "../simulators/wired-stack.ts";
import { sharedFixture } from "../support/shared-fixture.ts";
import { FakeAccessTokens } from "./fakes/fake-access-tokens.ts";
import { FakeRooms, type RoomOperation } from "./fakes/fake-rooms.ts";
import { expectConformingJournals } from "./openapi-conformance.ts";
import { type RoomsControls, roomsContract } from "./rooms.contract.ts";
import { simControl } from "./sim-control.ts";
import { contractTargets, directly, realEntraSettings, setting } from "./targets.ts";

const policies = { create: directly, housekeeping: directly };
const matchOf: Record<RoomOperation, { method: string; path: string }> = {
  create: { method: "POST", path: "/room/create" },
  delete: { method: "DELETE", path: "/room/*" },
  list: { method: "GET", path: "/rooms" },
};

/** The three simulators for every case (the token server's key is slow to make); reset per case. */
const simulators = sharedFixture(
  () => startWiredStack({ poolSize: 3 }),
  (stack) => stack.close(),
);

const targets = contractTargets<Rooms, RoomsControls>("rooms", {
  "maxconf-fake": async () => {
    const tokens = new FakeAccessTokens(new VirtualClock());
    const rooms = new FakeRooms(tokens);
    return {
      subject: rooms,
      controls: {
        refuseTokens: async (times) => rooms.refuseTokens(times),
        refuse: async (operation, times, status, retryAfterSeconds) =>
          rooms.refuse(operation, times, status, retryAfterSeconds),
        tokensFetched: async () => tokens.tokensIssued,
      },
      close: async () => {},
    };
  },

  "maxconf-simulator": async () => {
    const stack = await simulators();
    stack.maxconf.reset();
    await stack.maxconf.settled(); // the rooms handed out are deleted on Pexip in the background
    stack.pexip.reset();
    stack.tokenServer.reset();
    const tokens = new EntraAccessTokens(
      {
        authority: stack.urls.tokenServer,
        tenant,
        clientId,
        clientSecret,
        scope: `${audience}/.default`,
        timeoutMs: 5000,
      },
      stack.clock,
      directly,
    );
    const rooms = new MaxConfRooms(
      { baseUrl: stack.urls.maxconf, timeoutMs: 5000 },
      tokens,
      policies,
    );
    const maxconf = simControl(stack.urls.maxconf);
    const tokenServer = simControl(stack.urls.tokenServer);
    return {
      subject: rooms,
      controls: {
        refuseTokens: (times) =>
          maxconf.fault({
            match: { path: "/room*" },
            respond: {
              status: 401,
              body: { error: "invalid_token", error_description: "Token expired" },
              headers: { "www-authenticate": 'Bearer error="invalid_token"' },
            },
            times,
          }),
        refuse: (operation, times, status, retryAfterSeconds) =>
          maxconf.fault({
            match: matchOf[operation],
            respond: {
              status,
              body: { error: "simulated", message: `simulated ${status}` },
              headers:
                retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) },
            },
            times,
          }),
        tokensFetched: async () =>
          (await tokenServer.journal(`/${tenant}/oauth2/v2.0/token`)).length,
      },
      close: async () => {
        await Promise.all([rooms.close(), tokens.close()]);
        await Promise.all([stack.maxconf.settled(), stack.pexip.settled()]);
        await expectConformingJournals({
          "token-server": stack.tokenServer,
          maxconf: stack.maxconf,
          pexip: stack.pexip,
        });
      },
    };
  },

  "maxconf-real": async () => {
    const tokens = new EntraAccessTokens(realEntraSettings(), systemClock, directly);
    const rooms = new MaxConfRooms(
      { baseUrl: setting("CONTRACT_MAXCONF_URL"), timeoutMs: 10_000 },
      tokens,
      policies,
    );
    return {
      subject: rooms,
      close: async () => {
        await Promise.all([rooms.close(), tokens.close()]);
      },
    };
  },
});

for (const target of targets) roomsContract(target);
