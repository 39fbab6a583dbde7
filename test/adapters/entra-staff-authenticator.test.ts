import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EntraStaffAuthenticator } from "../../adapters/staff-auth/entra-staff-authenticator.ts";
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
  let staff: EntraStaffAuthenticator;

  beforeAll(async () => {
    listener = await listen();
    const server = createTokenServer({
      clock,
      seed: 3,
      tenants: [tenant, "another-tenant"],
      clients,
    });
    listener.handle(server.app.fetch);
    staff = new EntraStaffAuthenticator({ authority: listener.url, tenant, audience, role }, clock);
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

  it("refuses garbage and an expired token", async () => {
    expect(await staff.authenticate("not.a.jwt")).toEqual({ ok: false, reason: "invalid" });
    const token = await tokenOf("console");
    await clock.advance(3600_000);
    expect(await staff.authenticate(token)).toEqual({ ok: false, reason: "expired" });
  });
});
