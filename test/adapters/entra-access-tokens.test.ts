import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EntraAccessTokens } from "../../adapters/oauth/entra-access-tokens.ts";
import { type Listener, listen } from "../../apps/shared/listen.ts";
import { UpstreamError } from "../../core/errors.ts";
import { VirtualClock } from "../../simulators/control/clock.ts";
import { createTokenServer, type TokenServer } from "../../simulators/token-server/index.ts";

/** No retries: these tests are about the cache. */
const directly = { run: <T>(work: () => Promise<T>) => work() };
const client = { clientId: "svc", clientSecret: "s3cret", tenant: "t1", audience: "api://maxconf" };

describe("EntraAccessTokens (token cache)", () => {
  let clock: VirtualClock;
  let server: Listener;
  let tokenServer: TokenServer;
  let tokens: EntraAccessTokens;

  beforeEach(async () => {
    clock = new VirtualClock();
    server = await listen(0);
    tokenServer = createTokenServer({ clock, tenants: ["t1"], clients: [client], expiresIn: 3599 });
    server.handle(tokenServer.app.fetch);
    tokens = new EntraAccessTokens(
      {
        authority: server.url,
        tenant: "t1",
        clientId: "svc",
        clientSecret: "s3cret",
        scope: "api://maxconf/.default",
        timeoutMs: 2000,
      },
      clock,
      directly,
    );
  });
  afterEach(async () => {
    await tokens.close();
    await server.close();
  });

  it("100 concurrent callers on a cold cache share one token request", async () => {
    const all = await Promise.all(Array.from({ length: 100 }, () => tokens.get()));
    expect(new Set(all).size).toBe(1);
    expect(tokenServer.tokensIssued()).toBe(1);
    expect(
      tokenServer.journal.entries().filter((e) => e.path === "/t1/oauth2/v2.0/token"),
    ).toHaveLength(1);
  });

  it("serves the cached token until 2 minutes before expiry, then renews in the background", async () => {
    const first = await tokens.get();
    await clock.advance(3470_000);
    expect(await tokens.get()).toBe(first);
    expect(tokenServer.tokensIssued()).toBe(1);
    await clock.advance(10_000); // past 3599 - 120 s
    expect(await tokens.get()).toBe(first); // still served while the refresh runs
    await expect.poll(() => tokenServer.tokensIssued()).toBe(2);
    const second = await tokens.get();
    expect(second).not.toBe(first);
  });

  it("fetches a new token once the cached one is within a minute of expiry", async () => {
    await tokens.get();
    await clock.advance((3599 - 59) * 1000);
    await tokens.get();
    expect(tokenServer.tokensIssued()).toBe(2);
  });

  it("forgets an invalidated token", async () => {
    const first = await tokens.get();
    tokens.invalidate(first);
    await clock.advance(1000); // a new iat, so a new token
    const second = await tokens.get();
    expect(second).not.toBe(first);
    expect(tokenServer.tokensIssued()).toBe(2);
  });

  it("reports a refused client as a bad answer with Entra's AADSTS code", async () => {
    const wrong = new EntraAccessTokens(
      {
        authority: server.url,
        tenant: "t1",
        clientId: "svc",
        clientSecret: "wrong",
        scope: "api://maxconf/.default",
        timeoutMs: 2000,
      },
      clock,
      directly,
    );
    const error = await wrong.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ upstream: "token-server", failure: "bad_answer" });
    expect(String((error as Error).message)).toContain("AADSTS7000215");
    await wrong.close();
  });

  it("reports an unreachable token server as unavailable", async () => {
    await server.close();
    const error = await tokens.get().catch((e: unknown) => e);
    expect(error).toMatchObject({ upstream: "token-server", failure: "unavailable" });
  });
});
