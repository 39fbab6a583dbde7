import {
  generateKeyPairSync,
  generateKeyPair as generateNodeKeyPair,
  type KeyObject,
  sign,
} from "node:crypto";
import { promisify } from "node:util";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { JwtDeviceAuthenticator } from "../../adapters/jwt/jwt-device-authenticator.ts";
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
  let keyLookups = 0;
  const authenticator = new JwtDeviceAuthenticator(
    {
      keysFor: async () => {
        keyLookups += 1;
        return keys;
      },
    },
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
    keyLookups: () => keyLookups,
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

describe("JwtDeviceAuthenticator, one token, one spelling", () => {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  /** The same bytes spelled another way: a trailing bit that decoders drop, set. */
  const respelled = (segment: string) => {
    const last = alphabet.indexOf(segment.at(-1) ?? "");
    const again = `${segment.slice(0, -1)}${alphabet[last ^ 1]}`;
    expect(Buffer.from(again, "base64url")).toEqual(Buffer.from(segment, "base64url"));
    return again;
  };
  const encoded = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const signedAsSent = async (header: string, payload: string) => {
    const input = `${header}.${payload}`;
    const algorithm = { name: "ECDSA", hash: "SHA-256" };
    const signature = await crypto.subtle.sign(algorithm, privateKey, Buffer.from(input));
    return `${input}.${Buffer.from(signature).toString("base64url")}`;
  };

  it("refuses a header, payload or signature in base64url with stray trailing bits", async () => {
    const { authenticator, sign } = setUp();
    const [header = "", payload = "", signature = ""] = (await sign({})).split(".");
    expect(await authenticator.authenticate(`${header}.${payload}.${signature}`)).toMatchObject({
      ok: true,
    });
    const header2 = encoded({ alg: "ES256", kid: "k1" });
    const payload2 = encoded({ client_id: clientId, device_code: "device-1" });
    for (const token of [
      `${header}.${payload}.${respelled(signature)}`,
      await signedAsSent(respelled(header2), payload2),
      await signedAsSent(header2, respelled(payload2)),
      await signedAsSent(`${header2}=`, payload2),
    ]) {
      expect(await authenticator.authenticate(token)).toEqual({ ok: false, reason: "malformed" });
    }
    expect(await authenticator.authenticate(await signedAsSent(header2, payload2))).toMatchObject({
      ok: true,
    });
  });
});

describe("JwtDeviceAuthenticator, claims", () => {
  it("refuses an iat more than a minute ahead of its clock", async () => {
    const { authenticator, sign, nowSeconds } = setUp();
    expect(await authenticator.authenticate(await sign({ iat: nowSeconds() + 60 }))).toMatchObject({
      ok: true,
    });
    for (const iat of [nowSeconds() + 61, nowSeconds() + 86_400 * 365]) {
      expect(await authenticator.authenticate(await sign({ iat }))).toEqual({
        ok: false,
        reason: "malformed",
      });
    }
  });

  it("refuses control characters in client_id and device_code, before looking up keys", async () => {
    const { authenticator, sign, keyLookups } = setUp();
    for (const text of ["\u0000", "\n", "\r", "\t", "\u001b", "\u007f", "\u0085"]) {
      for (const claims of [{ client_id: `app${text}` }, { device_code: `device-1${text}` }]) {
        expect(await authenticator.authenticate(await sign(claims))).toEqual({
          ok: false,
          reason: "malformed",
        });
      }
    }
    expect(keyLookups()).toBe(7);
  });
});

/** Signs with jose (the reference) and checks with our node:crypto verification. */
describe("JwtDeviceAuthenticator, every accepted algorithm", () => {
  const nowMs = Date.parse("2026-11-25T18:00:00Z");
  const nowSeconds = Math.floor(nowMs / 1000);
  const claims = { client_id: clientId, device_code: "device-1" };
  type Key = CryptoKey | KeyObject;
  // An RSA key pair takes 100–200 ms to make, and one suits every RS and PS algorithm: the RSA
  // cases share two.
  const rsaPairs: Promise<{ publicKey: Key; privateKey: Key }>[] = [];
  const keyPair = (alg: string, which: 0 | 1 = 0) => {
    if (!/^[RP]S/.test(alg)) {
      return generateKeyPair(alg, {
        extractable: true,
        ...(alg === "EdDSA" ? { crv: "Ed25519" } : {}),
      });
    }
    rsaPairs[which] ??= promisify(generateNodeKeyPair)("rsa", { modulusLength: 2048 });
    return rsaPairs[which];
  };
  const signed = (key: Key, alg: string, extra: Record<string, unknown> = {}) =>
    new SignJWT({ ...claims, ...extra }).setProtectedHeader({ alg, kid: "k" }).sign(key);
  const authenticatorFor = (...keys: PublicJwk[]) =>
    new JwtDeviceAuthenticator({ keysFor: async () => keys }, { now: () => nowMs });
  const publicOf = async (key: Key, alg?: string): Promise<PublicJwk> => ({
    ...(await exportJWK(key)),
    kid: "k",
    ...(alg ? { alg } : {}),
  });

  const algs = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];
  for (const alg of [...algs, "EdDSA"]) {
    it(`${alg}: accepts a good signature, refuses another payload and another key`, async () => {
      const [pair, other] = await Promise.all([keyPair(alg, 0), keyPair(alg, 1)]);
      const token = await signed(pair.privateKey, alg);
      const authenticator = authenticatorFor(await publicOf(pair.publicKey));
      expect(await authenticator.authenticate(token)).toEqual({
        ok: true,
        identity: { clientId, deviceCode: "device-1" },
      });
      const [header, , signature] = token.split(".");
      const forged = Buffer.from(JSON.stringify({ ...claims, device_code: "device-2" }));
      expect(
        await authenticator.authenticate(`${header}.${forged.toString("base64url")}.${signature}`),
      ).toEqual({ ok: false, reason: "bad_signature" });
      const otherKey = authenticatorFor(await publicOf(other.publicKey));
      expect(await otherKey.authenticate(token)).toEqual({ ok: false, reason: "bad_signature" });
    });
  }

  it("refuses a key that does not suit the token's algorithm", async () => {
    const [p256, p384, rsa] = await Promise.all([
      keyPair("ES256"),
      keyPair("ES384"),
      keyPair("RS256"),
    ]);
    const token = await signed(p256.privateKey, "ES256");
    // The same curve point claimed for another curve, or an RSA key: never a match.
    for (const key of [await publicOf(p384.publicKey), await publicOf(rsa.publicKey)]) {
      expect(await authenticatorFor(key).authenticate(token)).toEqual({
        ok: false,
        reason: "bad_signature",
      });
    }
    // A key registered for one algorithm is not tried for another.
    const pinned = await publicOf(p256.publicKey, "ES384");
    expect(await authenticatorFor(pinned).authenticate(token)).toEqual({
      ok: false,
      reason: "unknown_client",
    });
  });

  it("refuses RSA keys under 2048 bits", async () => {
    // jose will not sign with such a key; a token made elsewhere is refused all the same.
    const small = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const input = [{ alg: "RS256" }, claims]
      .map((part) => Buffer.from(JSON.stringify(part)).toString("base64url"))
      .join(".");
    const signature = sign("sha256", Buffer.from(input), small.privateKey).toString("base64url");
    const jwk = small.publicKey.export({ format: "jwk" }) as PublicJwk;
    expect(await authenticatorFor(jwk).authenticate(`${input}.${signature}`)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("checks exp, nbf and iat, and refuses crit extensions and non-JSON parts", async () => {
    const pair = await keyPair("ES256");
    const authenticator = authenticatorFor(await publicOf(pair.publicKey));
    const outcome = async (extra: Record<string, unknown>) =>
      authenticator.authenticate(await signed(pair.privateKey, "ES256", extra));
    expect(await outcome({ exp: nowSeconds })).toEqual({ ok: false, reason: "expired" });
    expect(await outcome({ exp: nowSeconds + 60 })).toMatchObject({ ok: true });
    expect(await outcome({ nbf: nowSeconds + 60 })).toEqual({ ok: false, reason: "malformed" });
    expect(await outcome({ exp: "tomorrow" })).toEqual({ ok: false, reason: "malformed" });
    expect(await outcome({ iat: "today" })).toEqual({ ok: false, reason: "malformed" });
    expect(await outcome({ device_code: "" })).toEqual({ ok: false, reason: "malformed" });
    const critical = await new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", crit: ["exp"] })
      .sign(pair.privateKey)
      .catch(() => undefined);
    const [header, payload, signature] = (await signed(pair.privateKey, "ES256")).split(".");
    const withCrit = Buffer.from(JSON.stringify({ alg: "ES256", crit: ["x"], x: 1 }));
    for (const token of [
      critical ?? `${withCrit.toString("base64url")}.${payload}.${signature}`,
      `${header}.${payload}`,
      `${header}.${payload}.${signature}.extra`,
      `${header}.not*base64.${signature}`,
      `${Buffer.from("[1]").toString("base64url")}.${payload}.${signature}`,
    ]) {
      expect(await authenticator.authenticate(token)).toEqual({ ok: false, reason: "malformed" });
    }
  });
});
