import { afterEach, describe, expect, it } from "vitest";
import type { Room } from "../../simulators/index.ts";
import { hex, startWiredStack, type WiredStack } from "./wired-stack.ts";

const CONFERENCES = "/api/admin/configuration/v1/conference/*";
const TEN_MINUTES = 10 * 60_000;

describe("MaxConf bulk operations and garbage collector", () => {
  let stack: WiredStack;
  let token: string;
  afterEach(() => stack.close());

  const start = async (poolSize: number) => {
    stack = await startWiredStack({ poolSize });
    token = await stack.accessToken();
    await stack.maxconf.settled();
  };
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.urls.maxconf}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        ...init.headers,
      },
    });
  const createRoom = async () => {
    const response = await api(`/room/create?uuiData=${hex("gc")}`, { method: "POST" });
    expect(response.status).toBe(200);
    return (await response.json()) as Room;
  };
  const bulkCreate = async (count: number, namePrefix?: string) => {
    const body = JSON.stringify({ count, name_prefix: namePrefix });
    expect((await api("/rooms/bulk", { method: "POST", body })).status).toBe(202);
    await stack.maxconf.settled();
  };
  const onPexip = (room: Room) =>
    stack.pexip.conferences().some((conference) => conference.id === room.id);
  const failPexipDeletions = () =>
    stack.pexip.app.request("/_sim/faults", {
      method: "POST",
      body: JSON.stringify({ match: { method: "DELETE", path: CONFERENCES }, respond: {} }),
    });

  it("bulk-creates rooms into the queue in the background (202), named after a prefix", async () => {
    await start(1);
    const accepted = await api("/rooms/bulk", {
      method: "POST",
      body: JSON.stringify({ count: 3, name_prefix: "vkiosk_" }),
    });
    expect(accepted.status).toBe(202);
    expect(await accepted.text()).toBe("");
    await stack.maxconf.settled();
    expect(stack.maxconf.poolSize()).toBe(4);
    const names = stack.pexip.conferences().map(({ name }) => name);
    expect(names.filter((name) => name.startsWith("vkiosk_"))).toHaveLength(3);

    expect((await api("/rooms/bulk", { method: "POST", body: '{"count":0}' })).status).toBe(400);
    const anonymous = await fetch(`${stack.urls.maxconf}/rooms/bulk`, { method: "POST" });
    expect(anonymous.status).toBe(401);
  });

  it("bulk-deletes the matching rooms and the whole queue, also on Pexip", async () => {
    await start(0);
    await bulkCreate(1, "test_");
    const testRoom = await createRoom();
    expect(testRoom.name).toMatch(/^test_/);
    const other = await createRoom();
    await bulkCreate(1);
    expect(stack.maxconf.poolSize()).toBe(1);

    const response = await api("/rooms/bulk?name_prefix=test_", { method: "DELETE" });
    expect(await response.json()).toEqual({ deleted: 1, queue_cleared: 1 });
    await stack.maxconf.settled();
    expect(stack.maxconf.rooms().map(({ name }) => name)).toEqual([other.name]);
    expect(stack.maxconf.poolSize()).toBe(0);
    expect(stack.pexip.conferences().map(({ id }) => id)).toEqual([other.id]);
    expect((await api("/rooms/bulk?name_prefix=a.b", { method: "DELETE" })).status).toBe(400);
  });

  it("collects a room whose deletion failed once it has been queued over 10 minutes", async () => {
    await start(0);
    const room = await createRoom();
    await failPexipDeletions();
    expect((await api(`/room/${room.name}`, { method: "DELETE" })).status).toBe(502);
    expect(stack.maxconf.queuedDeletions()).toEqual([room.name]);
    await stack.pexip.app.request("/_sim/faults", { method: "DELETE" });

    // The first run, 10 minutes in, finds it queued exactly 10 minutes ago: not yet.
    await stack.clock.advance(TEN_MINUTES);
    await stack.maxconf.settled();
    expect(onPexip(room)).toBe(true);
    await stack.clock.advance(TEN_MINUTES);
    await stack.maxconf.settled();
    expect(onPexip(room)).toBe(false);
    expect(stack.maxconf.rooms()).toEqual([]);
    expect(stack.maxconf.queuedDeletions()).toEqual([]);
  });

  it("queues the deletion of a room whose conference ended while Pexip failed", async () => {
    await start(0);
    const room = await createRoom();
    await failPexipDeletions();
    const ended = await fetch(`${stack.urls.maxconf}/public/event_sink`, {
      method: "POST",
      headers: { authorization: `Basic ${btoa("pexip:sink-secret")}` },
      body: JSON.stringify({ event: "conference_ended", data: { name: room.name } }),
    });
    expect(ended.status).toBe(200);
    expect(stack.maxconf.queuedDeletions()).toEqual([room.name]);
  });

  it("never collects test_ or vkiosk_ rooms, and retries a failed collection", async () => {
    await start(0);
    await bulkCreate(1, "test_");
    const permanent = await createRoom();
    const ordinary = await createRoom();
    await failPexipDeletions();
    for (const room of [permanent, ordinary]) {
      expect((await api(`/room/${room.name}`, { method: "DELETE" })).status).toBe(502);
    }
    await stack.clock.advance(3 * TEN_MINUTES);
    await stack.maxconf.settled();
    expect(stack.maxconf.queuedDeletions().sort()).toEqual([ordinary.name, permanent.name].sort());

    await stack.pexip.app.request("/_sim/faults", { method: "DELETE" });
    await stack.clock.advance(TEN_MINUTES);
    await stack.maxconf.settled();
    expect(stack.maxconf.rooms().map(({ name }) => name)).toEqual([permanent.name]);
    expect(onPexip(permanent)).toBe(true);
    expect(onPexip(ordinary)).toBe(false);
  });

  it("answers the next bearer request 401 in the expired-tokens scenario", async () => {
    await start(0);
    const applied = await fetch(`${stack.urls.maxconf}/_sim/scenarios/expired-tokens`, {
      method: "POST",
    });
    expect(applied.status).toBe(201);
    const refused = await api("/rooms");
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    expect(await refused.json()).toEqual({
      error: "invalid_token",
      error_description: "Token expired",
    });
    expect((await api("/rooms")).status).toBe(200);
  });
});
