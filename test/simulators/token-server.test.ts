import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../simulators/control/clock.ts";
import { createTokenServer, type TokenServer } from "../../simulators/token-server/index.ts";
import { type Listener, listen } from "./listen.ts";

const tenant = "3f1c0f0e-5b1a-4a55-9d0c-6f2d3e4a5b6c";
const client = { clientId: "video-api", clientSecret: "s3cret", tenant, audience: "api://maxconf" };
const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
});
const validForm = {
  grant_type: "client_credentials",
  client_id: client.clientId,
  client_secret: client.clientSecret,
  scope: "api://maxconf/.default",
};

describe("token server (Entra v2 client credentials)", () => {
  const clock = new VirtualClock();
  let listener: Listener;
  let server: TokenServer;
  let tokenUrl: string;

  beforeAll(async () => {
    listener = await listen();
    server = createTokenServer({
      clock,
      seed: 7,
      tenants: [tenant],
      clients: [{ ...client, roles: ["Rooms.Manage"] }],
    });
    listener.handle(server.app.fetch);
    tokenUrl = `${listener.url}/${tenant}/oauth2/v2.0/token`;
  });
  afterAll(() => listener.close());

  it("issues an RS256 access token with Entra's claims, verifiable with the JWKS", async () => {
    const response = await fetch(tokenUrl, form(validForm));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599 });
    expect(Object.keys(body).sort()).toEqual(
      ["access_token", "expires_in", "ext_expires_in", "token_type"].sort(),
    );

    const header = decodeProtectedHeader(body.access_token);
    expect(header).toMatchObject({ alg: "RS256", typ: "JWT" });
    expect(header.kid).toBeTruthy();

    const jwks = createRemoteJWKSet(new URL(`${listener.url}/${tenant}/discovery/v2.0/keys`));
    const { payload } = await jwtVerify(body.access_token, jwks, {
      issuer: `${listener.url}/${tenant}/v2.0`,
      audience: "api://maxconf",
      currentDate: new Date(clock.now()),
    });
    const nowSeconds = clock.now() / 1000;
    expect(payload).toMatchObject({
      tid: tenant,
      azp: client.clientId,
      azpacr: "1",
      ver: "2.0",
      roles: ["Rooms.Manage"],
      iat: nowSeconds,
      nbf: nowSeconds,
      exp: nowSeconds + 3599,
    });
    expect(payload.oid).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload.sub).toBe(payload.oid);
    expect(typeof payload.uti).toBe("string");
    expect(payload.scp).toBeUndefined();
  });

  it("accepts the client credentials as HTTP Basic and counts the tokens it issued", async () => {
    const before = server.tokensIssued();
    const basic = btoa(`${client.clientId}:${client.clientSecret}`);
    const response = await fetch(tokenUrl, {
      ...form({ grant_type: "client_credentials", scope: "api://maxconf/.default" }),
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${basic}`,
      },
    });
    expect(response.status).toBe(200);
    expect(server.tokensIssued()).toBe(before + 1);
  });

  it.each([
    ["wrong secret", { client_secret: "nope" }, 401, "invalid_client", 7000215],
    ["unknown client", { client_id: "stranger" }, 400, "unauthorized_client", 700016],
    ["bad scope", { scope: "api://other/.default" }, 400, "invalid_scope", 70011],
    ["missing secret", { client_secret: "" }, 401, "invalid_client", 7000216],
    ["unsupported grant", { grant_type: "password" }, 400, "unsupported_grant_type", 70003],
  ])("answers %s with Entra's error body", async (_name, change, status, error, code) => {
    const response = await fetch(tokenUrl, form({ ...validForm, ...change }));
    expect(response.status).toBe(status);
    const body = await response.json();
    expect(body).toMatchObject({ error, error_codes: [code] });
    expect(body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
    expect(body.error_description).toMatch(
      /\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
    );
    expect(body).toHaveProperty("trace_id");
    expect(body).toHaveProperty("correlation_id");
    expect(body.timestamp).toBe("2026-01-05 18:00:00Z");
    expect(body.error_uri).toContain(`code=${code}`);
  });

  it("answers an unknown tenant with invalid_tenant AADSTS90002", async () => {
    const response = await fetch(`${listener.url}/nowhere/oauth2/v2.0/token`, form(validForm));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_tenant", error_codes: [90002] });
  });

  it("publishes OpenID metadata naming the issuer, token endpoint and keys", async () => {
    const response = await fetch(`${listener.url}/${tenant}/v2.0/.well-known/openid-configuration`);
    expect(await response.json()).toMatchObject({
      issuer: `${listener.url}/${tenant}/v2.0`,
      token_endpoint: tokenUrl,
      jwks_uri: `${listener.url}/${tenant}/discovery/v2.0/keys`,
    });
  });

  it("derives issuer and expiry from the configured origin, lifetime and clock", async () => {
    const custom = createTokenServer({
      clock,
      tenants: [tenant],
      clients: [client],
      expiresIn: 60,
      issuerOrigin: "https://login.microsoftonline.com/",
    });
    const response = await custom.app.request(`/${tenant}/oauth2/v2.0/token`, form(validForm));
    const body = await response.json();
    expect(body.expires_in).toBe(60);
    const [, payload = ""] = body.access_token.split(".");
    const claims = JSON.parse(atob(payload.replaceAll("-", "+").replaceAll("_", "/")));
    expect(claims.iss).toBe(`https://login.microsoftonline.com/${tenant}/v2.0`);
    expect(claims.exp - claims.iat).toBe(60);
    expect(claims.roles).toBeUndefined();
  });
});
