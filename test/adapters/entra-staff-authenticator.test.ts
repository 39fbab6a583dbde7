import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EntraStaffAuthenticator } from "../../adapters/jwt/entra-staff-authenticator.ts";
import { entraStaffAuthenticator } from "../../apps/api/support.ts";
import { VirtualClock } from "../../simulators/control/clock.ts";
import { createTokenServer } from "../../simulators/token-server/index.ts";
import { type Listener, listen } from "../simulators/listen.ts";

const tenant = "support-tenant";
const audience = "api://bcsc-video-api";
const role = "VideoApi.Support";
const clients = [
  { clientId: "console", clientSecret: "c", tenant, audience, roles: [role] },
  { clientId: "no-role", clientSecret: "n", tenant, audience, roles: ["Something.Else"] },
  {
    clientId: "maxconf-caller",
    clientSecret: "m",
    tenant,
    audience: "api://maxconf",
    roles: [role],
  },
  { clientId: "foreign", clientSecret: "f", tenant: "another-tenant", audience, roles: [role] },
];

/** Staff tokens checked against a tenant's keys: issuer, audience, expiry and the support role. */
describe("EntraStaffAuthenticator", () => {
  const clock = new VirtualClock();
  let listener: Listener;
  let server: ReturnType<typeof createTokenServer>;
  let staff: EntraStaffAuthenticator;
  let keyFetches = 0;

  beforeAll(async () => {
    listener = await listen();
    server = createTokenServer({
      clock,
      seed: 3,
      tenants: [tenant, "another-tenant"],
      clients,
    });
    listener.handle(server.app.fetch);
    const settings = { authority: listener.url, tenant, audience, role };
    staff = entraStaffAuthenticator(
      settings,
      {
        timeoutMs: 5_000,
        fetch: (input, init) => {
          keyFetches += 1;
          return fetch(input, init);
        },
      },
      clock,
    );
  });
  afterAll(() => listener.close());

  const tokenOf = async (clientId: string) => {
    const client = clients.find((c) => c.clientId === clientId);
    const answer = await fetch(`${listener.url}/${client?.tenant}/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: clientId,
        client_secret: client?.clientSecret ?? "",
        scope: `${client?.audience}/.default`,
      }),
    });
    return ((await answer.json()) as { access_token: string }).access_token;
  };

  it("proves a token of the tenant, for the Video API, with the support role", async () => {
    expect(await staff.authenticate(await tokenOf("console"))).toMatchObject({
      ok: true,
      staff: { name: "console" },
    });
  });

  it.each([
    ["without the role", "no-role", "not_support"],
    ["for another audience", "maxconf-caller", "invalid"],
    ["of another tenant", "foreign", "invalid"],
  ])("refuses a token %s", async (_, clientId, reason) => {
    expect(await staff.authenticate(await tokenOf(clientId))).toEqual({ ok: false, reason });
  });

  it("refuses a token whose header or signature was changed: another algorithm, none, HMAC", async () => {
    const [header = "", payload = "", signature = ""] = (await tokenOf("console")).split(".");
    const headerOf = (fields: Record<string, unknown>) =>
      Buffer.from(
        JSON.stringify({ ...JSON.parse(Buffer.from(header, "base64url").toString()), ...fields }),
      ).toString("base64url");
    const hmac = async (head: string) =>
      createHmac("sha256", JSON.stringify((await server.jwks()).keys[0]))
        .update(`${head}.${payload}`)
        .digest("base64url");
    const forged = [
      `${headerOf({ alg: "RS512" })}.${payload}.${signature}`,
      `${headerOf({ alg: "none" })}.${payload}.`,
      `${headerOf({ alg: "HS256" })}.${payload}.${await hmac(headerOf({ alg: "HS256" }))}`,
      `${header}.${payload}.${Buffer.from(signature, "base64url").reverse().toString("base64url")}`,
      `${header}.${Buffer.from(JSON.stringify({ roles: [role], tid: tenant })).toString("base64url")}.${signature}`,
    ];
    for (const token of forged) {
      expect(await staff.authenticate(token), token).toEqual({ ok: false, reason: "invalid" });
    }
  });

  it("takes a token signed with a rotated-in key: the unknown kid fetches the key set again", async () => {
    expect((await staff.authenticate(await tokenOf("console"))).ok).toBe(true);
    const before = keyFetches;
    await clock.advance(31_000);
    server.rotateKeys();
    expect(await staff.authenticate(await tokenOf("console"))).toMatchObject({ ok: true });
    expect(keyFetches).toBe(before + 1);
    // A known kid is answered from the cache.
    expect((await staff.authenticate(await tokenOf("console"))).ok).toBe(true);
    expect(keyFetches).toBe(before + 1);
  });

  it("takes a token again unchecked only while the key that signed it is the tenant's", async () => {
    const token = await tokenOf("console");
    expect((await staff.authenticate(token)).ok).toBe(true);
    expect((await staff.authenticate(token)).ok).toBe(true);
    server.rotateKeys(0);
    await clock.advance(11 * 60_000); // the cached key set expires: the signing key is gone
    expect(await staff.authenticate(token)).toEqual({ ok: false, reason: "invalid" });
    expect((await staff.authenticate(await tokenOf("console"))).ok).toBe(true);
  });

  it("refuses garbage and an expired token", async () => {
    expect(await staff.authenticate("not.a.jwt")).toEqual({ ok: false, reason: "invalid" });
    const token = await tokenOf("console");
    await clock.advance(3600_000);
    expect(await staff.authenticate(token)).toEqual({ ok: false, reason: "expired" });
  });
});
