import { afterEach, describe, expect, it } from "vitest";
import { type Room, wireSimulators } from "../../simulators/index.ts";
import {
  audience,
  hex,
  standaloneMaxConf,
  startWiredStack,
  tenant,
  type WiredStack,
} from "./wired-stack.ts";

const MANAGEMENT_PATH = "/api/admin/configuration/v1/conference/";

describe("simulators wired together", () => {
  let stack: WiredStack | undefined;
  afterEach(() => stack?.close());

  const createRoom = async (wired: WiredStack, bearer: string) =>
    fetch(`${wired.urls.maxconf}/room/create?uuiData=${hex("s")}`, {
      method: "POST",
      headers: { authorization: `Bearer ${bearer}` },
    });

  it("journals MaxConf's in-process calls on Pexip like HTTP requests", async () => {
    stack = await startWiredStack({ poolSize: 1 });
    await stack.maxconf.settled();
    const [created] = stack.pexip.journal.entries({ method: "POST", path: MANAGEMENT_PATH });
    expect(created).toMatchObject({
      status: 201,
      headers: { "x-sim-in-process": "true" },
    });
    expect(JSON.parse(created?.body ?? "{}")).toMatchObject({ service_type: "conference" });
  });

  it("sends MaxConf's calls over HTTP while a fault is armed on Pexip, so the fault applies", async () => {
    stack = await startWiredStack({ poolSize: 0 });
    const bearer = await stack.accessToken();
    await stack.pexip.app.request("/_sim/faults", {
      method: "POST",
      body: JSON.stringify({
        match: { method: "POST", path: MANAGEMENT_PATH },
        respond: { status: 503 },
        times: 1,
      }),
    });
    const failed = await createRoom(stack, bearer);
    expect(failed.status).toBe(502);
    expect(stack.pexip.journal.entries({ path: MANAGEMENT_PATH }).at(-1)).toMatchObject({
      status: 503,
      fault: "fault-1",
    });
    expect((await createRoom(stack, bearer)).status).toBe(200);
  });

  it("resets MaxConf's rooms and journal on /_sim/reset, deleting the rooms on Pexip", async () => {
    stack = await startWiredStack({ poolSize: 0 });
    const room = (await (await createRoom(stack, await stack.accessToken())).json()) as Room;
    expect(stack.maxconf.journal.entries()).not.toHaveLength(0);
    expect((await fetch(`${stack.urls.maxconf}/_sim/reset`, { method: "POST" })).status).toBe(204);
    await stack.maxconf.settled();
    expect(stack.maxconf.journal.entries()).toHaveLength(0);
    expect(stack.maxconf.rooms()).toEqual([]);
    expect(stack.pexip.conferences().some((conference) => conference.id === room.id)).toBe(false);
  });

  it("lets a standalone MaxConf keep its pool on a Pexip reached over HTTP", async () => {
    stack = await startWiredStack({ poolSize: 0 });
    const maxconf = standaloneMaxConf(stack, 2);
    await maxconf.settled();
    expect(maxconf.poolSize()).toBe(2);
    const response = await maxconf.app.request(`/room/create?uuiData=${hex("over-http")}`, {
      method: "POST",
      headers: { authorization: `Bearer ${await stack.accessToken()}` },
    });
    const room = (await response.json()) as Room;
    await maxconf.settled();
    expect(maxconf.poolSize()).toBe(2);
    const onPexip = stack.pexip.conferences().find((conference) => conference.id === room.id);
    expect(onPexip?.tag).toBe("https://id.gov.bc.ca/idcheck/over-http");
    const overHttp = stack.pexip.journal.entries({ path: MANAGEMENT_PATH });
    expect(overHttp.map((entry) => entry.method)).toEqual(
      expect.arrayContaining(["POST", "GET", "PATCH"]),
    );
    expect(overHttp.every((entry) => entry.headers["x-sim-in-process"] === undefined)).toBe(true);
  });

  it("registers extra token clients (in their tenants) with the configured lifetime", async () => {
    const local = (port: number) => `http://127.0.0.1:${port}`;
    const { tokenServer } = wireSimulators({
      tokenServerUrl: local(1),
      maxconfUrl: local(2),
      pexipUrl: local(3),
      tenant,
      clientId: "video-api",
      clientSecret: "secret",
      audience,
      extraClients: [{ clientId: "ops", clientSecret: "ops-secret", tenant: "ops", audience }],
      tokenExpiresIn: 600,
      poolSize: 0,
    });
    const response = await tokenServer.app.request("/ops/oauth2/v2.0/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: "ops",
        client_secret: "ops-secret",
        scope: `${audience}/.default`,
      }).toString(),
    });
    expect(await response.json()).toMatchObject({ token_type: "Bearer", expires_in: 600 });
  });
});
