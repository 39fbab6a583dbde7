import { randomBytes } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RemoteJwksClientKeys } from "../../adapters/client-keys/remote-jwks-client-keys.ts";
import { JwtDeviceAuthenticator } from "../../adapters/jwt/jwt-device-authenticator.ts";
import type { PublicJwk } from "../../core/ports.ts";
import { VirtualClock } from "../../simulators/index.ts";
import { type JwksHost, startJwksHost } from "../contract/jwks-host.ts";

/**
 * An attacker needs no key to make the service fetch: the `client_id` of a token is read before
 * its signature can be checked. These drive the authenticator and the remote key source together
 * against a real JWKS host, as the service wires them.
 */
const fetchesPerMinute = 60;
const clientId = "bcsc-video-api";
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

let host: JwksHost;
let sign: (deviceCode: string) => Promise<string>;
beforeAll(async () => {
  host = await startJwksHost();
  const { privateKey, publicKey } = await generateKeyPair("RS512");
  const kid = `https://idsit.gov.bc.ca/device/${crypto.randomUUID()}/1`;
  const publicJwk: PublicJwk = { ...(await exportJWK(publicKey)), kid, alg: "RS512" };
  host.publish(clientId, [publicJwk]);
  sign = (deviceCode) =>
    new SignJWT({ client_id: clientId, device_code: deviceCode })
      .setProtectedHeader({ alg: "RS512", kid })
      .sign(privateKey);
});
afterAll(() => host.listener.close());

function setUp() {
  const clock = new VirtualClock();
  const clientKeys = new RemoteJwksClientKeys(
    {
      urlTemplate: host.urlTemplate,
      cacheMs: 300_000,
      refetchCooldownMs: 30_000,
      unknownClientMs: 60_000,
      fetchesPerMinute,
      maxConcurrentFetches: 4,
      timeoutMs: 5000,
    },
    clock,
  );
  return { clock, authenticator: new JwtDeviceAuthenticator(clientKeys, clock) };
}

/** What the shipped app's token looks like, with someone else's client id and no signature. */
function unsignedToken(forClient: string): string {
  const header = { alg: "RS512", kid: `https://idsit.gov.bc.ca/device/${crypto.randomUUID()}/1` };
  const claims = { client_id: forClient, device_code: crypto.randomUUID() };
  return `${base64url(header)}.${base64url(claims)}.${randomBytes(256).toString("base64url")}`;
}

describe("a flood of unsigned device tokens with random client ids", () => {
  it("makes a bounded number of key fetches, and a known client still gets in", async () => {
    const { clock, authenticator } = setUp();
    const fetchesBefore = host.totalFetches();
    const legit = await sign("device-1");
    expect(await authenticator.authenticate(legit)).toMatchObject({ ok: true });
    const batches = 40;
    const refusals = new Map<string, number>();
    for (let batch = 0; batch < batches; batch++) {
      const tokens = Array.from({ length: 500 }, () => unsignedToken(crypto.randomUUID()));
      const outcomes = await Promise.all(tokens.map((token) => authenticator.authenticate(token)));
      for (const outcome of outcomes) {
        const reason = outcome.ok ? "accepted" : outcome.reason;
        refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
      }
      expect(await authenticator.authenticate(legit)).toMatchObject({ ok: true });
      expect(await authenticator.authenticate(await sign(`device-${batch}`))).toMatchObject({
        ok: true,
      });
      await clock.advance(1000);
    }
    expect(refusals).toEqual(new Map([["unknown_client", 20_000]]));
    // A full bucket, then what it refills over the flood's 40 virtual seconds; plus the legit one.
    // Every entry of the key source's caches comes from a fetch: this bounds them too.
    const bound = fetchesPerMinute + (fetchesPerMinute * batches) / 60 + 1;
    expect(host.totalFetches() - fetchesBefore).toBeLessThanOrEqual(bound);
    expect(await authenticator.authenticate(legit)).toMatchObject({ ok: true });
  });

  it("never fetches for a client id that would walk the URL template, or is not an id", async () => {
    const { authenticator } = setUp();
    const fetchesBefore = host.totalFetches();
    for (const forClient of ["..", ".", "a/b", "%2e%2e", "", "x".repeat(129), "../jwks"]) {
      expect(await authenticator.authenticate(unsignedToken(forClient))).toEqual({
        ok: false,
        reason: "unknown_client",
      });
    }
    expect(host.totalFetches()).toBe(fetchesBefore);
  });
});
