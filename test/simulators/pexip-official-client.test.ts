import type * as InfinityApi from "@pexip/infinity-api/dist/index.js";
import type * as InfinityUtils from "@pexip/infinity-api/dist/utils.js";
import { tsImport } from "tsx/esm/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../simulators/control/clock.ts";
import { createPexipSimulator, type PexipSimulator } from "../../simulators/index.ts";
import { type Listener, listen } from "./listen.ts";

type Infinity = typeof InfinityApi & typeof InfinityUtils;

const ROOM = { name: "b2ZmaWNpYWwsY2xpZW50", pin: "1234", guest_pin: "5678" };
const AGENT_JOIN_DELAY_MS = 1000;
const OFFER = [
  "v=0",
  "o=- 1 2 IN IP4 127.0.0.1",
  "s=-",
  "t=0 0",
  "m=audio 9 UDP/TLS/RTP/SAVPF 111",
  "c=IN IP4 0.0.0.0",
  "a=mid:0",
  "a=ice-ufrag:abcd",
  "a=ice-pwd:abcdefghijklmnopqrstuvwx",
  "a=setup:actpass",
  "a=sendrecv",
  "a=rtpmap:111 opus/48000/2",
  "",
].join("\r\n");

/**
 * Pexip's own client library (the one the shipped app uses) driving the simulator: its request
 * functions build every request and validate every answer against Pexip's OpenAPI schemas, so an
 * answer they accept is one a real conference node could give.
 */
describe("Pexip simulator driven by @pexip/infinity-api", () => {
  const clock = new VirtualClock();
  let api: Infinity;
  let listener: Listener;
  let pexip: PexipSimulator;
  let host: string;
  const params = { conferenceAlias: ROOM.name };

  beforeAll(async () => {
    // Its ESM build imports directories and extensionless paths, which Node's loader (used by
    // vitest for node_modules) refuses; tsx's loader resolves them as a bundler would.
    api = (await tsImport("@pexip/infinity-api/dist/index.js", import.meta.url)) as Infinity;
    listener = await listen();
    pexip = createPexipSimulator({ clock, seed: 5, agentJoinDelayMs: AGENT_JOIN_DELAY_MS });
    listener.handle(pexip.app.fetch);
    host = listener.url;
    const created = await fetch(`${host}/api/admin/configuration/v1/conference/`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        ...ROOM,
        service_type: "conference",
        allow_guests: true,
        tag: "https://id.gov.bc.ca/idcheck/official-client",
        aliases: [{ alias: ROOM.name }],
      }),
    });
    expect(created.status).toBe(201);
  });
  afterAll(() => listener.close());

  const join = (pin: string | undefined, displayName = "Citizen") =>
    api.requestToken({
      fetcher: pin === undefined ? fetch : api.withPin(fetch, pin),
      params,
      body: { display_name: displayName },
      host,
    });

  it("refuses to join without the PIN, with a wrong PIN, or at an unknown alias", async () => {
    const noPin = await join(undefined);
    expect(noPin).toMatchObject({
      status: 403,
      data: { status: "success", result: { pin: "required", guest_pin: "required" } },
    });
    expect(await join("0000")).toEqual({
      status: 403,
      data: { status: "failed", result: "Invalid PIN" },
    });
    const unknown = await api.requestToken({
      fetcher: api.withPin(fetch, ROOM.pin),
      params: { conferenceAlias: "nobody" },
      body: { display_name: "Citizen" },
      host,
    });
    expect(unknown).toEqual({
      status: 404,
      data: { status: "failed", result: "Neither conference nor gateway found" },
    });
  });

  it("joins, waits for the agent, calls, refreshes, hangs up and leaves", async () => {
    const joined = await join(ROOM.guest_pin);
    if (joined.status !== 200) throw new Error(`request_token answered ${joined.status}`);
    const { result } = joined.data;
    expect(result).toMatchObject({ role: "GUEST", expires: "120", conference_name: ROOM.name });
    let fetcher = api.withToken(fetch, result.token);
    const participantUuid = result.participant_uuid;

    const roster = async () => {
      const answer = await api.participants({ fetcher, params, host });
      expect(answer.status).toBe(200);
      return (answer.data as { result: { role: string; uuid: string }[] }).result;
    };
    const conferenceStatus = async () => {
      const answer = await api.conferenceStatus({ fetcher, params, host });
      expect(answer.status).toBe(200);
      return answer.data.result;
    };
    expect((await roster()).map(({ uuid }) => uuid)).toEqual([participantUuid]);
    // Only a guest in: the conference waits for a host to start it.
    expect(await conferenceStatus()).toEqual({
      locked: false,
      started: false,
      guests_muted: false,
      all_muted: false,
      guests_can_unmute: true,
      guests_can_present: true,
      presentation_allowed: true,
      direct_media: false,
      live_captions_available: false,
      breakout_rooms: false,
    });
    await clock.advance(AGENT_JOIN_DELAY_MS);
    expect((await roster()).map(({ role }) => role).sort()).toEqual(["chair", "guest"]);
    expect(await conferenceStatus()).toMatchObject({ started: true, locked: false });

    const participant = { ...params, participantUuid };
    const call = await api.callsWebrtcParticipant({
      fetcher,
      params: participant,
      body: { call_type: "WEBRTC", sdp: OFFER, fecc_supported: false },
      host,
    });
    if (call.status !== 200) throw new Error(`calls answered ${call.status}`);
    const { call_uuid: callUuid, sdp: answerSdp } = call.data.result;
    expect(answerSdp).toMatch(/^v=0\r\n/);
    const callParams = { ...participant, callUuid };
    expect((await api.ack({ fetcher, params: callParams, body: {}, host })).status).toBe(200);
    const candidate = { candidate: "candidate:1 1 udp 2122260223 192.0.2.1 9 typ host", mid: "0" };
    const trickled = await api.newCandidate({ fetcher, params: callParams, body: candidate, host });
    expect(trickled.status).toBe(200);
    const digits = await api.dtmf({ fetcher, params: callParams, body: { digits: "1#" }, host });
    expect(digits).toEqual({ status: 200, data: { status: "success", result: true } });
    const renegotiated = await api.update({
      fetcher,
      params: callParams,
      body: { sdp: OFFER },
      host,
    });
    expect(renegotiated.status).toBe(200);

    // The client refreshes at half the token's lifetime.
    await clock.advance(60_000);
    const refreshed = await api.refreshToken({ fetcher, params, host });
    if (refreshed.status !== 200) throw new Error(`refresh_token answered ${refreshed.status}`);
    fetcher = api.withToken(fetch, refreshed.data.result.token);
    await clock.advance(90_000);
    expect((await roster()).map(({ uuid }) => uuid)).toContain(participantUuid);

    const hungUp = await api.disconnectCall({ fetcher, params: callParams, host });
    expect(hungUp).toEqual({ status: 200, data: { status: "success", result: null } });
    const released = await api.releaseToken({ fetcher, params, body: {}, host });
    expect(released).toEqual({ status: 200, data: { status: "success", result: true } });
    expect(await api.refreshToken({ fetcher, params, host })).toEqual({
      status: 403,
      data: { status: "failed", result: "Invalid token" },
    });
    expect(pexip.liveConferences()).toEqual([]);
  });

  it("joins as host with the host PIN, and drops a participant that stops refreshing", async () => {
    const joined = await join(ROOM.pin, "Host");
    if (joined.status !== 200) throw new Error(`request_token answered ${joined.status}`);
    expect(joined.data.result.role).toBe("HOST");
    const fetcher = api.withToken(fetch, joined.data.result.token);
    await clock.advance(121_000);
    const late = await api.refreshToken({ fetcher, params, host });
    expect(late.status).toBe(403);
    expect(pexip.liveConferences()).toEqual([]);
  });

  it("admits an empty display_name, which Pexip's schema allows, and echoes it", async () => {
    const joined = await join(ROOM.guest_pin, "");
    if (joined.status !== 200) throw new Error(`request_token answered ${joined.status}`);
    expect(joined.data.result).toMatchObject({ display_name: "", role: "GUEST" });
    const fetcher = api.withToken(fetch, joined.data.result.token);
    const roster = await api.participants({ fetcher, params, host });
    expect(roster.data).toMatchObject({ result: [{ display_name: "" }] });
    expect((await api.releaseToken({ fetcher, params, body: {}, host })).status).toBe(200);
    expect(pexip.liveConferences()).toEqual([]);
  });

  it("answers an update it cannot use with a declared 500 and a text body; the call goes on", async () => {
    const joined = await join(ROOM.guest_pin);
    if (joined.status !== 200) throw new Error(`request_token answered ${joined.status}`);
    const fetcher = api.withToken(fetch, joined.data.result.token);
    const participant = { ...params, participantUuid: joined.data.result.participant_uuid };
    const call = await api.callsWebrtcParticipant({
      fetcher,
      params: participant,
      body: { call_type: "WEBRTC", sdp: OFFER },
      host,
    });
    if (call.status !== 200) throw new Error(`calls answered ${call.status}`);
    const callParams = { ...participant, callUuid: call.data.result.call_uuid };
    expect(
      await api.update({ fetcher, params: callParams, body: { sdp: "not sdp" }, host }),
    ).toEqual({ status: 500, data: "Invalid SDP offer" });
    const renegotiated = await api.update({
      fetcher,
      params: callParams,
      body: { sdp: OFFER },
      host,
    });
    expect(renegotiated).toMatchObject({
      status: 200,
      data: { status: "success", result: { call_uuid: callParams.callUuid } },
    });
    expect((await api.releaseToken({ fetcher, params, body: {}, host })).status).toBe(200);
    expect(pexip.liveConferences()).toEqual([]);
  });

  it("disconnects a participant on request; the last citizen's disconnect ends the conference", async () => {
    const enter = async (displayName: string) => {
      const joined = await join(ROOM.guest_pin, displayName);
      if (joined.status !== 200) throw new Error(`request_token answered ${joined.status}`);
      const { token, participant_uuid: participantUuid } = joined.data.result;
      return { fetcher: api.withToken(fetch, token), params: { ...params, participantUuid } };
    };
    const citizen = await enter("Citizen");
    const witness = await enter("Witness");

    // Only one's own participant: another's is refused as an invalid token.
    expect(
      await api.disconnectParticipant({ fetcher: witness.fetcher, params: citizen.params, host }),
    ).toEqual({ status: 403, data: { status: "failed", result: "Invalid token" } });
    expect(await api.disconnectParticipant({ ...citizen, host })).toEqual({
      status: 200,
      data: { status: "success", result: true },
    });
    expect(await api.refreshToken({ fetcher: citizen.fetcher, params, host })).toEqual({
      status: 403,
      data: { status: "failed", result: "Invalid token" },
    });
    const roster = await api.participants({ fetcher: witness.fetcher, params, host });
    expect((roster.data as { result: { display_name: string }[] }).result).toEqual([
      expect.objectContaining({ display_name: "Witness" }),
    ]);

    expect((await api.disconnectParticipant({ ...witness, host })).status).toBe(200);
    expect(pexip.liveConferences()).toEqual([]);
  });
});
