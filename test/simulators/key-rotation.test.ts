import { decodeProtectedHeader } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { standaloneMaxConf, startWiredStack, tenant, type WiredStack } from "./wired-stack.ts";

const kidOf = (token: string) => decodeProtectedHeader(token).kid;

describe("signing key rotation (token server JWKS, MaxConf's bearer check)", () => {
  let stack: WiredStack;
  afterEach(() => stack.close());

  const jwksKids = async () => {
    const response = await fetch(`${stack.urls.tokenServer}/${tenant}/discovery/v2.0/keys`);
    return ((await response.json()) as { keys: { kid: string }[] }).keys.map(({ kid }) => kid);
  };
  const rotate = (body?: unknown) =>
    fetch(`${stack.urls.tokenServer}/_sim/keys/rotate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const listRooms = (token: string) =>
    fetch(`${stack.urls.maxconf}/rooms`, { headers: { authorization: `Bearer ${token}` } });

  it("signs with the new key at once, keeps the old one for the overlap, then drops it", async () => {
    stack = await startWiredStack({ poolSize: 0 });
    const oldToken = await stack.accessToken();
    expect((await listRooms(oldToken)).status).toBe(200);

    const rotated = await rotate({ overlapSeconds: 3600 });
    expect(rotated.status).toBe(200);
    const { keys } = (await rotated.json()) as { keys: { kid: string; status: string }[] };
    expect(keys).toEqual([
      { kid: expect.any(String), status: "current" },
      { kid: kidOf(oldToken), status: "retiring", dropsAt: "2026-01-05T19:00:00.000Z" },
    ]);
    expect(await jwksKids()).toEqual(keys.map(({ kid }) => kid));

    // MaxConf has the old key set cached: the unknown kid makes it fetch the keys again.
    const newToken = await stack.accessToken();
    expect(kidOf(newToken)).toBe(keys[0]?.kid);
    expect((await listRooms(newToken)).status).toBe(200);
    expect((await listRooms(oldToken)).status).toBe(200);

    await stack.clock.advance(3600 * 1000);
    expect(await jwksKids()).toEqual([kidOf(newToken)]);
    const refused = await listRooms(oldToken);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({
      error_description: "No signing key matches the token",
    });
    expect((await listRooms(await stack.accessToken())).status).toBe(200);
  });

  it("stops honouring a dropped key's tokens once MaxConf's copy of the JWKS ages (10 min)", async () => {
    stack = await startWiredStack({ poolSize: 0 });
    const oldToken = await stack.accessToken();
    expect((await listRooms(oldToken)).status).toBe(200);
    stack.tokenServer.rotateKeys(0);
    expect(await jwksKids()).toHaveLength(1);

    expect((await listRooms(oldToken)).status).toBe(200);
    await stack.clock.advance(10 * 60_000);
    expect((await listRooms(oldToken)).status).toBe(401);
  });

  it("works for a MaxConf that fetches the keys over HTTP", async () => {
    stack = await startWiredStack({ poolSize: 0 });
    const overHttp = standaloneMaxConf(stack, 0);
    const list = async (token: string) =>
      (await overHttp.app.request("/rooms", { headers: { authorization: `Bearer ${token}` } }))
        .status;
    expect(await list(await stack.accessToken())).toBe(200);
    stack.tokenServer.rotateKeys();
    expect(await list(await stack.accessToken())).toBe(200);
    // Once at the first request, once for the new key id.
    expect(stack.tokenServer.journal.entries({ path: `/${tenant}/discovery` })).toHaveLength(2);
  });

  it("lists the keys, refuses a bad rotation, and drops retiring keys on reset", async () => {
    stack = await startWiredStack({ poolSize: 0 });
    expect((await rotate({ overlapSeconds: -1 })).status).toBe(400);
    expect((await rotate()).status).toBe(200);
    const listed = await (await fetch(`${stack.urls.tokenServer}/_sim/keys`)).json();
    // The default overlap is the token lifetime: every token of the old key outlives it.
    expect(listed.keys[1]).toMatchObject({
      status: "retiring",
      dropsAt: "2026-01-05T18:59:59.000Z",
    });
    await fetch(`${stack.urls.tokenServer}/_sim/reset`, { method: "POST" });
    expect(await jwksKids()).toEqual([listed.keys[0].kid]);
  });

  it("issues already-expired tokens in the expired-tokens scenario, which MaxConf refuses", async () => {
    stack = await startWiredStack({ poolSize: 0 });
    const applied = await fetch(`${stack.urls.tokenServer}/_sim/scenarios/expired-tokens`, {
      method: "POST",
    });
    expect(applied.status).toBe(201);
    const expired = await stack.accessToken();
    const refused = await listRooms(expired);
    expect(refused.status).toBe(401);
    expect((await refused.json()).error_description).toBe("Token expired");

    await fetch(`${stack.urls.tokenServer}/_sim/scenarios`, { method: "DELETE" });
    expect((await listRooms(await stack.accessToken())).status).toBe(200);
  });
});
