import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createPexipSimulator, type Room } from "../../simulators/index.ts";
import { EventReader } from "./sse.ts";
import { hex, startWiredStack, type WiredStack } from "./wired-stack.ts";

const OFFER = [
  "v=0",
  "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
  "s=-",
  "t=0 0",
  "a=group:BUNDLE 0 1",
  "m=audio 9 UDP/TLS/RTP/SAVPF 111",
  "c=IN IP4 0.0.0.0",
  "a=mid:0",
  "a=ice-ufrag:abcd",
  "a=ice-pwd:abcdefghijklmnopqrstuvwx",
  "a=fingerprint:sha-256 00:11",
  "a=setup:actpass",
  "a=sendrecv",
  "a=rtcp-mux",
  "a=rtpmap:111 opus/48000/2",
  "m=video 9 UDP/TLS/RTP/SAVPF 96",
  "c=IN IP4 0.0.0.0",
  "a=mid:1",
  "a=setup:actpass",
  "a=recvonly",
  "a=rtcp-mux",
  "a=rtpmap:96 VP8/90000",
  "",
].join("\r\n");

describe("Pexip simulator", () => {
  const agentJoinDelayMs = 3000;
  let stack: WiredStack;
  let bearer: string;

  const newRoom = async () => {
    const response = await fetch(`${stack.urls.maxconf}/room/create?uuiData=${hex("s")}`, {
      method: "POST",
      headers: { authorization: `Bearer ${bearer}` },
    });
    return (await response.json()) as Room;
  };
  const client = (
    alias: string,
    path: string,
    init: { token?: string; pin?: string; body?: unknown } = {},
  ) =>
    fetch(`${stack.urls.pexip}/api/client/v2/conferences/${alias}/${path}`, {
      method: ["events", "participants", "conference_status"].includes(path) ? "GET" : "POST",
      headers: {
        "content-type": "application/json",
        ...(init.token ? { token: init.token } : {}),
        ...(init.pin ? { pin: init.pin } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  const join = async (room: Room, displayName: string, pin = room.guest_pin) => {
    const response = await client(room.name, "request_token", {
      pin,
      body: { display_name: displayName },
    });
    expect(response.status).toBe(200);
    return (await response.json()).result as {
      token: string;
      participant_uuid: string;
      role: string;
    };
  };
  const openEvents = async (room: Room, token: string) => {
    const response = await fetch(
      `${stack.urls.pexip}/api/client/v2/conferences/${room.name}/events?token=${encodeURIComponent(token)}`,
    );
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    return new EventReader(response);
  };

  beforeAll(async () => {
    stack = await startWiredStack({ agentJoinDelayMs });
    bearer = await stack.accessToken();
  });
  afterAll(() => stack.close());

  describe("request_token", () => {
    it("asks for a PIN when none is given", async () => {
      const room = await newRoom();
      const response = await client(room.name, "request_token", {
        body: { display_name: "Citizen" },
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({
        status: "success",
        result: { pin: "required", guest_pin: "required" },
      });
    });

    it("refuses a wrong PIN and an unknown alias", async () => {
      const room = await newRoom();
      const wrong = await client(room.name, "request_token", {
        pin: "99999",
        body: { display_name: "Citizen" },
      });
      expect(wrong.status).toBe(403);
      expect(await wrong.json()).toEqual({ status: "failed", result: "Invalid PIN" });

      const unknown = await client("no-such-room", "request_token", {
        pin: "1234",
        body: { display_name: "x" },
      });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({
        status: "failed",
        result: "Neither conference nor gateway found",
      });
    });

    it("admits the guest PIN as GUEST and the host PIN as HOST, with every documented field", async () => {
      const room = await newRoom();
      const response = await client(room.name, "request_token", {
        pin: room.guest_pin,
        body: { display_name: "Citizen" },
      });
      const { status, result } = await response.json();
      expect(status).toBe("success");
      expect(result).toMatchObject({
        expires: "120",
        display_name: "Citizen",
        role: "GUEST",
        service_type: "conference",
        conference_name: room.name,
        chat_enabled: expect.any(Boolean),
        analytics_enabled: expect.any(Boolean),
        guests_can_present: expect.any(Boolean),
        direct_media: false,
        version: { version_id: expect.any(String), pseudo_version: expect.any(String) },
      });
      expect(result.token).toEqual(expect.any(String));
      expect(result.participant_uuid).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(result.stun).toEqual([{ url: expect.stringMatching(/^stun:/) }]);
      expect(result.turn[0]).toEqual({
        urls: [expect.stringMatching(/^turn:/)],
        username: expect.any(String),
        credential: expect.any(String),
      });
      expect((await join(room, "Host", room.pin)).role).toBe("HOST");
    });
  });

  it("refreshes and releases tokens; a stale or unknown token gets 403 Invalid token", async () => {
    const room = await newRoom();
    const { token } = await join(room, "Citizen");
    const refreshed = await (await client(room.name, "refresh_token", { token })).json();
    expect(refreshed).toMatchObject({ status: "success", result: { expires: "120" } });
    const newToken = refreshed.result.token as string;
    expect(newToken).not.toBe(token);

    const stale = await client(room.name, "refresh_token", { token });
    expect(stale.status).toBe(403);
    expect(await stale.json()).toEqual({ status: "failed", result: "Invalid token" });
    expect((await client(room.name, "release_token", { token: "bogus" })).status).toBe(403);

    const released = await client(room.name, "release_token", { token: newToken });
    expect(await released.json()).toEqual({ status: "success", result: true });
    expect((await client(room.name, "refresh_token", { token: newToken })).status).toBe(403);
  });

  it("refuses conference_status and a participant disconnect without a valid token", async () => {
    const room = await newRoom();
    const { token, participant_uuid: uuid } = await join(room, "Citizen");
    for (const path of ["conference_status", `participants/${uuid}/disconnect`]) {
      const refused = await client(room.name, path, { token: "bogus" });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({ status: "failed", result: "Invalid token" });
    }
    const status = await client(room.name, "conference_status", { token });
    expect(await status.json()).toMatchObject({ status: "success", result: { started: false } });
    await client(room.name, "release_token", { token });
  });

  it("disconnects a participant on request as Pexip ends one: told why, the others and MaxConf told", async () => {
    const room = await newRoom();
    const citizen = await join(room, "Citizen");
    const witness = await join(room, "Witness");
    const citizenEvents = await openEvents(room, citizen.token);
    const witnessEvents = await openEvents(room, witness.token);
    await citizenEvents.take(4);
    await witnessEvents.take(4);

    await client(room.name, `participants/${citizen.participant_uuid}/disconnect`, {
      token: citizen.token,
    });
    const rest = [];
    for (let event = await citizenEvents.next(); event; event = await citizenEvents.next()) {
      rest.push(event);
    }
    expect(rest).toEqual([
      { event: "disconnect", data: { reason: "API initiated participant disconnect" } },
    ]);
    expect(await witnessEvents.take(1)).toEqual([
      { event: "participant_delete", data: { uuid: citizen.participant_uuid } },
    ]);
    await witnessEvents.close();
    expect((await client(room.name, "participants", { token: citizen.token })).status).toBe(403);

    await client(room.name, `participants/${witness.participant_uuid}/disconnect`, {
      token: witness.token,
    });
    await stack.pexip.settled();
    const events = stack.maxconf.events().filter((e) => e.data?.conference === room.name);
    expect(events.map((e) => [e.event, e.data?.display_name, e.data?.disconnect_reason])).toEqual([
      ["conference_started", undefined, undefined],
      ["participant_connected", "Citizen", undefined],
      ["participant_connected", "Witness", undefined],
      ["participant_disconnected", "Citizen", "API initiated participant disconnect"],
      ["participant_disconnected", "Witness", "API initiated participant disconnect"],
      ["conference_ended", undefined, undefined],
    ]);
    expect(stack.maxconf.rooms().some((r) => r.name === room.name)).toBe(false);
  });

  it("replays the roster on connect, then streams the agent joining after the delay", async () => {
    const room = await newRoom();
    const first = await join(room, "Citizen");
    const second = await join(room, "Witness");
    const events = await openEvents(room, second.token);
    const replay = await events.take(4);
    expect(replay.map((e) => e.event)).toEqual([
      "participant_sync_begin",
      "participant_create",
      "participant_create",
      "participant_sync_end",
    ]);
    expect(replay.slice(1, 3).map((e) => (e.data as { uuid: string }).uuid)).toEqual([
      first.participant_uuid,
      second.participant_uuid,
    ]);
    expect(replay[1]?.data).toMatchObject({
      role: "guest",
      service_type: "waiting_room",
      protocol: "api",
    });

    await stack.clock.advance(agentJoinDelayMs - 1);
    expect(
      stack.pexip.liveConferences().find((c) => c.name === room.name)?.participants,
    ).toHaveLength(2);
    await stack.clock.advance(1);
    const [agentJoined, ...updates] = await events.take(3);
    expect(agentJoined).toMatchObject({
      event: "participant_create",
      data: { display_name: "Agent", role: "chair", protocol: "sip" },
    });
    expect(updates.map((e) => e.event)).toEqual(["participant_update", "participant_update"]);
    expect(updates[0]?.data).toMatchObject({ service_type: "conference" });
    await events.close();
  });

  it("answers a WebRTC offer with a valid SDP answer, then acks and disconnects the call", async () => {
    const room = await newRoom();
    const { token, participant_uuid: uuid } = await join(room, "Citizen");
    const calls = await client(room.name, `participants/${uuid}/calls`, {
      token,
      body: { call_type: "WEBRTC", sdp: OFFER, fecc_supported: false },
    });
    const { result } = await calls.json();
    expect(result.call_uuid).toEqual(expect.any(String));
    const answer = result.sdp as string;
    expect(answer.startsWith("v=0\r\n")).toBe(true);
    expect(answer.match(/^m=.*$/gm)).toEqual([
      "m=audio 40000 UDP/TLS/RTP/SAVPF 111",
      "m=video 40002 UDP/TLS/RTP/SAVPF 96",
    ]);
    expect(answer).toContain("a=group:BUNDLE 0 1");
    expect(answer.match(/^a=(sendrecv|sendonly|recvonly)$/gm)).toEqual([
      "a=sendrecv",
      "a=sendonly",
    ]);
    expect(answer).not.toContain("a=ice-ufrag:abcd");
    expect(answer).toMatch(/^a=fingerprint:sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$/m);
    expect(answer).toContain("a=setup:active");

    const callPath = `participants/${uuid}/calls/${result.call_uuid}`;
    expect(await (await client(room.name, `${callPath}/ack`, { token })).json()).toEqual({
      status: "success",
      result: true,
    });
    expect(await (await client(room.name, `${callPath}/disconnect`, { token })).json()).toEqual({
      status: "success",
      result: null,
    });
    expect((await client(room.name, `${callPath}/ack`, { token })).status).toBe(403);
  });

  it("disconnects a participant whose token is not refreshed in time", async () => {
    const room = await newRoom();
    const { token } = await join(room, "Citizen");
    const events = await openEvents(room, token);
    await events.take(3);
    await stack.clock.advance(60_000);
    const refreshed = (await (await client(room.name, "refresh_token", { token })).json()).result
      .token;
    await stack.clock.advance(119_000);
    expect((await client(room.name, "participants", { token: refreshed })).status).toBe(200);
    await stack.clock.advance(1_000);

    const rest = [];
    for (let event = await events.next(); event; event = await events.next()) rest.push(event);
    expect(rest.at(-1)).toEqual({
      event: "disconnect",
      data: { reason: "Timer expired awaiting token refresh" },
    });
    expect((await client(room.name, "participants", { token: refreshed })).status).toBe(403);
    expect(stack.pexip.liveConferences().some((c) => c.name === room.name)).toBe(false);
  });

  it("posts the conference's events to MaxConf, which deletes the room when the last guest leaves", async () => {
    const room = await newRoom();
    const { token } = await join(room, "Citizen");
    await stack.clock.advance(agentJoinDelayMs);
    await client(room.name, "release_token", { token });
    await stack.pexip.settled();

    const events = stack.maxconf.events().filter((e) => e.data?.conference === room.name);
    expect(events.map((e) => [e.event, e.data?.display_name])).toEqual([
      ["conference_started", undefined],
      ["participant_connected", "Citizen"],
      ["participant_connected", "Agent"],
      ["participant_disconnected", "Citizen"],
      ["participant_disconnected", "Agent"],
      ["conference_ended", undefined],
    ]);
    const ended = events.at(-1);
    expect(ended).toMatchObject({
      node: expect.any(String),
      seq: expect.any(Number),
      version: expect.any(Number),
      time: expect.any(Number),
      data: { name: room.name, service_type: "conference", tag: room.tag },
    });
    expect(ended?.data?.end_time).toBeGreaterThan(ended?.data?.start_time as number);
    expect(stack.maxconf.rooms().some((r) => r.name === room.name)).toBe(false);
    expect(stack.pexip.conferences().some((c) => c.name === room.name)).toBe(false);
  });

  it("logs and ignores an event sink it cannot reach", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const lonely = createPexipSimulator({ eventSinkUrl: "http://127.0.0.1:9/public/event_sink" });
    await lonely.app.request("/api/admin/configuration/v1/conference/", {
      method: "POST",
      body: JSON.stringify({ name: "solo", aliases: [{ alias: "solo" }] }),
    });
    const joined = await lonely.app.request("/api/client/v2/conferences/solo/request_token", {
      method: "POST",
      body: JSON.stringify({ display_name: "Host" }),
    });
    const { token } = (await joined.json()).result;
    const released = await lonely.app.request("/api/client/v2/conferences/solo/release_token", {
      method: "POST",
      headers: { token },
    });
    expect(released.status).toBe(200);
    await lonely.settled();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("conference_ended"));
    warn.mockRestore();
  });
});
