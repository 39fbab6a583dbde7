import { afterEach, describe, expect, it } from "vitest";
import { createMaxConfSimulator, type Room } from "../../simulators/index.ts";
import {
  audience,
  eventSink,
  hex,
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
    const maxconf = createMaxConfSimulator({
      clock: stack.clock,
      seed: 3,
      issuer: `${stack.urls.tokenServer}/${tenant}/v2.0`,
      jwksUrl: `${stack.urls.tokenServer}/${tenant}/discovery/v2.0/keys`,
      audience,
      pexipAdminUrl: stack.urls.pexip,
      eventSink,
      poolSize: 2,
    });
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
});
