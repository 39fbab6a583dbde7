import { EntraAccessTokens } from "../../adapters/oauth/entra-access-tokens.ts";
import { listen } from "../../apps/shared/listen.ts";
import type { AccessTokens } from "../../core/ports.ts";
import { createTokenServer, systemClock, VirtualClock } from "../../simulators/index.ts";
import { sharedFixture } from "../support/shared-fixture.ts";
import { simSeed } from "../support/sim-seed.ts";
import { type AccessTokensControls, accessTokensContract } from "./access-tokens.contract.ts";
import { FakeAccessTokens } from "./fakes/fake-access-tokens.ts";
import { expectConformingJournals } from "./openapi-conformance.ts";
import { simControl } from "./sim-control.ts";
import { contractTargets, directly, realEntraSettings } from "./targets.ts";

const LIFETIME_MS = 3_599_000;
const client = {
  tenant: "contract-tenant",
  clientId: "video-api",
  clientSecret: "video-api-secret",
  audience: "api://maxconf",
};

/** One token server for every case (its RSA key is slow to make); each case resets it. */
const simulatedEntra = sharedFixture(
  async () => {
    const clock = new VirtualClock();
    const listener = await listen(0);
    const tokenServer = createTokenServer({
      clock,
      seed: simSeed(42),
      tenants: [client.tenant],
      clients: [client],
      expiresIn: LIFETIME_MS / 1000,
    });
    listener.handle(tokenServer.app.fetch);
    return { clock, listener, tokenServer };
  },
  ({ listener }) => listener.close(),
);

const targets = contractTargets<AccessTokens, AccessTokensControls>("access-tokens", {
  "entra-fake": async () => {
    const clock = new VirtualClock();
    const tokens = new FakeAccessTokens(clock, LIFETIME_MS);
    return {
      subject: tokens,
      controls: {
        lifetimeMs: LIFETIME_MS,
        advance: (ms) => clock.advance(ms),
        fetchAttempts: async () => tokens.fetchAttempts,
        refuseFetches: async (times, status, retryAfterSeconds) =>
          tokens.refuseFetches(times, status, retryAfterSeconds),
      },
      close: async () => {},
    };
  },

  "entra-simulator": async () => {
    const { clock, listener, tokenServer } = await simulatedEntra();
    tokenServer.reset();
    const tokens = new EntraAccessTokens(
      {
        authority: listener.url,
        tenant: client.tenant,
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        scope: `${client.audience}/.default`,
        timeoutMs: 5000,
      },
      clock,
      directly,
    );
    const control = simControl(listener.url);
    const tokenPath = `/${client.tenant}/oauth2/v2.0/token`;
    return {
      subject: tokens,
      controls: {
        lifetimeMs: LIFETIME_MS,
        advance: (ms) => clock.advance(ms),
        fetchAttempts: async () => (await control.journal(tokenPath)).length,
        refuseFetches: (times, status, retryAfterSeconds) =>
          control.fault({
            match: { method: "POST", path: tokenPath },
            respond: {
              status,
              headers:
                retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) },
            },
            times,
          }),
      },
      close: async () => {
        await tokens.close();
        await expectConformingJournals({ "token-server": tokenServer });
      },
    };
  },

  "entra-real": async () => {
    const tokens = new EntraAccessTokens(realEntraSettings(), systemClock, directly);
    return { subject: tokens, close: () => tokens.close() };
  },
});

for (const target of targets) accessTokensContract(target);
