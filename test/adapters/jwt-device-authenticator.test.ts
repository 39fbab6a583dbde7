import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { JwtDeviceAuthenticator } from "../../adapters/device-jwt/jwt-device-authenticator.ts";
import type { PublicJwk } from "../../core/ports.ts";

const clientId = "app";
let privateKey: CryptoKey;
let publicJwk: PublicJwk;

beforeAll(async () => {
  const pair = await generateKeyPair("ES256", { extractable: true });
  privateKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "ES256" };
});

function setUp() {
  let nowMs = Date.parse("2026-11-25T18:00:00Z");
  let keys: PublicJwk[] = [publicJwk];
  const authenticator = new JwtDeviceAuthenticator(
    { keysFor: async () => keys },
    { now: () => nowMs },
  );
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT({ client_id: clientId, device_code: "device-1", ...claims })
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .sign(privateKey);
  return {
    authenticator,
    sign,
    advance: (ms: number) => {
      nowMs += ms;
    },
    nowSeconds: () => Math.floor(nowMs / 1000),
    unregister: () => {
      keys = [];
    },
  };
}

describe("JwtDeviceAuthenticator, a token sent again", () => {
  it("is accepted again", async () => {
    const { authenticator, sign } = setUp();
    const token = await sign({});
    const identity = { clientId, deviceCode: "device-1" };
    expect(await authenticator.authenticate(token)).toEqual({ ok: true, identity });
    expect(await authenticator.authenticate(token)).toEqual({ ok: true, identity });
  });

  it("is refused once it has expired", async () => {
    const { authenticator, sign, advance, nowSeconds } = setUp();
    const token = await sign({ exp: nowSeconds() + 60 });
    expect(await authenticator.authenticate(token)).toMatchObject({ ok: true });
    advance(61_000);
    expect(await authenticator.authenticate(token)).toEqual({ ok: false, reason: "expired" });
  });

  it("is refused once its key is no longer registered", async () => {
    const { authenticator, sign, unregister } = setUp();
    const token = await sign({});
    expect(await authenticator.authenticate(token)).toMatchObject({ ok: true });
    unregister();
    expect(await authenticator.authenticate(token)).toEqual({
      ok: false,
      reason: "unknown_client",
    });
  });

  it("does not vouch for the same signature on another payload", async () => {
    const { authenticator, sign } = setUp();
    const token = await sign({});
    expect(await authenticator.authenticate(token)).toMatchObject({ ok: true });
    const [header, , signature] = token.split(".");
    const payload = Buffer.from(
      JSON.stringify({ client_id: clientId, device_code: "device-2" }),
    ).toString("base64url");
    expect(await authenticator.authenticate(`${header}.${payload}.${signature}`)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });
});
