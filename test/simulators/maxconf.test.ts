import { decodeProtectedHeader, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Room } from "../../simulators/index.ts";
import {
  audience,
  eventSink,
  hex,
  standaloneMaxConf,
  startWiredStack,
  tenant,
  type WiredStack,
} from "./wired-stack.ts";

describe("MaxConf simulator", () => {
  let stack: WiredStack;
  let token: string;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.urls.maxconf}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...init.headers },
    });
  const createRoom = async (uui = "session-1") => {
    const response = await api(`/room/create?uuiData=${hex(uui)}`, { method: "POST" });
    expect(response.status).toBe(200);
    return (await response.json()) as Room;
  };
  const sinkAuth = `Basic ${btoa(`${eventSink.username}:${eventSink.password}`)}`;

  beforeAll(async () => {
    stack = await startWiredStack();
    token = await stack.accessToken();
    await stack.maxconf.settled();
  });
  afterAll(() => stack.close());

  it("pre-creates its pool of rooms on Pexip at start", () => {
    expect(stack.maxconf.poolSize()).toBe(5);
    expect(stack.pexip.conferences()).toHaveLength(5);
  });

  it("hands out a room shaped like the seed's, tagged with the decoded uuiData", async () => {
    const room = await createRoom("abc-123 ✓");
    expect(Object.keys(room).sort()).toEqual(
      ["aliases", "allow_guests", "guest_pin", "id", "name", "pin", "service_type", "tag"].sort(),
    );
    expect(room).toMatchObject({
      service_type: "conference",
      allow_guests: true,
      tag: "https://id.gov.bc.ca/idcheck/abc-123 ✓",
    });
    expect(room.name).toMatch(/^[A-Za-z0-9_-]{18}$/);
    expect(atob(room.name)).toMatch(/^\d{6},\d{6}$/);
    expect(room.pin).toMatch(/^\d{4}$/);
    expect(room.guest_pin).toMatch(/^\d{4}$/);
    expect(room.guest_pin).not.toBe(room.pin);
    const [alias] = room.aliases;
    expect(alias).toMatchObject({
      alias: room.name,
      conference: `/api/admin/configuration/v1/conference/${room.id}/`,
      description: "",
    });
    expect(alias?.creation_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);

    await stack.maxconf.settled();
    expect(stack.maxconf.poolSize()).toBe(5);
    const onPexip = stack.pexip.conferences().find((conference) => conference.id === room.id);
    expect(onPexip).toMatchObject({ tag: room.tag, pin: room.pin, guest_pin: room.guest_pin });
  });

  it("creates, reads, patches, lists and deletes a room (also on Pexip)", async () => {
    const room = await createRoom();
    expect(await (await api(`/room/${room.name}`)).json()).toEqual(room);

    const patched = await api(`/room/${room.name}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ allow_guests: false, unknown: 1 }),
    });
    expect(patched.status).toBe(202);
    expect(await patched.text()).toBe("");
    expect((await (await api(`/room/${room.name}`)).json()).allow_guests).toBe(false);

    const listed = (await (await api("/rooms")).json()) as Room[];
    expect(listed.map((r) => r.name)).toContain(room.name);
    expect(listed).toHaveLength(stack.maxconf.rooms().length);

    expect((await api(`/room/${room.name}`, { method: "DELETE" })).status).toBe(204);
    expect(stack.pexip.conferences().some((conference) => conference.id === room.id)).toBe(false);
    expect((await api(`/room/${room.name}`)).status).toBe(404);
    expect((await api(`/room/${room.name}`, { method: "DELETE" })).status).toBe(404);
  });

  it.each([
    ["missing", ""],
    ["odd length", "?uuiData=abc"],
    ["not hex", "?uuiData=zz"],
    ["not UTF-8", "?uuiData=ff"],
  ])("refuses %s uuiData with 400 and a message", async (_case, query) => {
    const response = await api(`/room/create${query}`, { method: "POST" });
    expect(response.status).toBe(400);
    expect((await response.json()).message).toMatch(/uuiData/);
  });

  describe("bearer authentication", () => {
    it("refuses a request without a token", async () => {
      const response = await fetch(`${stack.urls.maxconf}/rooms`);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await response.json()).toMatchObject({ error: "invalid_token" });
    });

    it("refuses a token signed by another key under the real key id", async () => {
      const { privateKey } = await generateKeyPair("RS256");
      const now = Math.floor(stack.clock.now() / 1000);
      const forged = await new SignJWT({
        aud: audience,
        iss: `${stack.urls.tokenServer}/${tenant}/v2.0`,
      })
        .setProtectedHeader({ alg: "RS256", kid: decodeProtectedHeader(token).kid })
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(privateKey);
      const response = await fetch(`${stack.urls.maxconf}/rooms`, {
        headers: { authorization: `Bearer ${forged}` },
      });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
    });

    it("refuses garbage", async () => {
      const response = await fetch(`${stack.urls.maxconf}/rooms`, {
        headers: { authorization: "Bearer not.a.jwt" },
      });
      expect(response.status).toBe(401);
    });

    it("refuses a token once the clock passes its expiry, also when it was cached", async () => {
      const fresh = await stack.accessToken();
      const headers = { authorization: `Bearer ${fresh}` };
      expect((await fetch(`${stack.urls.maxconf}/rooms`, { headers })).status).toBe(200);
      await stack.clock.advance(3600 * 1000);
      const response = await fetch(`${stack.urls.maxconf}/rooms`, { headers });
      expect(response.status).toBe(401);
      expect((await response.json()).error_description).toBe("Token expired");
      token = await stack.accessToken();
    });
  });

  describe("event sink", () => {
    const post = (body: unknown, authorization?: string) =>
      fetch(`${stack.urls.maxconf}/public/event_sink`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify(body),
      });

    it("refuses a post without or with wrong Basic credentials", async () => {
      expect((await post({ event: "conference_started" })).status).toBe(401);
      const wrong = `Basic ${btoa(`${eventSink.username}:nope`)}`;
      expect((await post({ event: "conference_started" }, wrong)).status).toBe(401);
    });

    it("records events and deletes the room (also on Pexip) when its conference ends", async () => {
      const room = await createRoom();
      const started = { event: "conference_started", data: { name: room.name } };
      expect((await post(started, sinkAuth)).status).toBe(200);
      const ended = { event: "conference_ended", data: { name: room.name, conference: room.name } };
      expect((await post(ended, sinkAuth)).status).toBe(200);

      expect(stack.maxconf.rooms().some((r) => r.name === room.name)).toBe(false);
      expect(stack.pexip.conferences().some((conference) => conference.id === room.id)).toBe(false);
      expect(stack.maxconf.events().slice(-2)).toEqual([started, ended]);
    });
  });

  it("answers /health without authentication", async () => {
    const response = await fetch(`${stack.urls.maxconf}/health`);
    expect(await response.json()).toEqual({ status: "alive", timestamp: expect.any(String) });
  });

  it("creates a room on the spot when the pool is empty", async () => {
    const unpooled = standaloneMaxConf(stack, 0);
    const response = await unpooled.app.request(`/room/create?uuiData=${hex("x")}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    const room = (await response.json()) as Room;
    expect(room.tag).toBe("https://id.gov.bc.ca/idcheck/x");
    expect(stack.pexip.conferences().some((conference) => conference.id === room.id)).toBe(true);
    expect(unpooled.poolSize()).toBe(0);
  });
});
