import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ConferenceNotFound,
  InvalidPin,
  InvalidToken,
  PexipConferenceClient,
  PexipError,
  PinRequired,
} from "../../../adapters/pexip/index.ts";
import { systemClock, VirtualClock } from "../../../simulators/index.ts";
import { createWebRtcOffer } from "../../support/webrtc-offer.ts";
import { type RunningPexipNode, startPexipNode } from "./pexip-node.ts";

const ROOM = {
  name: "MTIzNDU2LDc2NTQzMg",
  alias: "MTIzNDU2LDc2NTQzMg",
  pin: "1936",
  guestPin: "8521",
};
const TOKEN_LIFETIME_MS = 120_000;

let clock: VirtualClock;
let node: RunningPexipNode;

beforeEach(async () => {
  clock = new VirtualClock();
  node = await startPexipNode({
    clock,
    tokenExpiresSeconds: TOKEN_LIFETIME_MS / 1000,
    // Some tests read the PIN and token the client sent from the journal, which hides them.
    controlAccess: { journalSecrets: "show" },
  });
  await node.createConference(ROOM);
});
afterEach(() => node.close());

const clientFor = (alias = ROOM.alias) => new PexipConferenceClient({ nodeUrl: node.url, alias });

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail("expected a rejection"),
    (error: unknown) => error,
  );
}

const participantsInRoom = () =>
  node.simulator.liveConferences().find((live) => live.name === ROOM.name)?.participants ?? [];

describe("requestToken", () => {
  it("joins as a guest with the guest PIN and keeps the token", async () => {
    const client = clientFor();
    const joined = await client.requestToken({ displayName: "Citizen", pin: ROOM.guestPin });
    expect(joined).toMatchObject({
      role: "GUEST",
      displayName: "Citizen",
      expiresInSeconds: 120,
      conferenceName: ROOM.name,
      serviceType: "conference",
    });
    expect(joined.token).not.toBe("");
    expect(joined.stun[0]?.url).toMatch(/^stun:/);
    expect(joined.turn[0]?.urls[0]).toMatch(/^turn:/);
    expect(client.token).toBe(joined.token);
    expect(client.participantUuid).toBe(joined.participantUuid);
    expect(participantsInRoom().map((p) => p.uuid)).toEqual([joined.participantUuid]);
  });

  it("joins as host with the host PIN", async () => {
    const joined = await clientFor().requestToken({ displayName: "Host", pin: ROOM.pin });
    expect(joined.role).toBe("HOST");
  });

  it("sends the PIN in the pin header", async () => {
    await clientFor().requestToken({ displayName: "Citizen", pin: ROOM.guestPin });
    const [entry] = node.simulator.journal.entries({
      path: `/api/client/v2/conferences/${ROOM.alias}/request_token`,
    });
    expect(entry?.headers.pin).toBe(ROOM.guestPin);
    expect(JSON.parse(entry?.body ?? "")).toEqual({ display_name: "Citizen" });
  });

  it("maps a missing PIN to PinRequired", async () => {
    const error = await rejectionOf(clientFor().requestToken({ displayName: "Citizen" }));
    expect(error).toBeInstanceOf(PinRequired);
    expect(error).toBeInstanceOf(PexipError);
    expect(error).toMatchObject({ status: 403, guestPinRequired: true });
  });

  it("says when a guest may join with the PIN 'none'", async () => {
    await node.createConference({
      name: "hosts-only",
      alias: "hosts-only",
      pin: "1111",
      guestPin: "",
    });
    const client = clientFor("hosts-only");
    const error = await rejectionOf(client.requestToken({ displayName: "Citizen" }));
    expect(error).toMatchObject({ name: "PinRequired", guestPinRequired: false });
    const joined = await client.requestToken({ displayName: "Citizen", pin: "none" });
    expect(joined.role).toBe("GUEST");
  });

  it("maps a wrong PIN to InvalidPin", async () => {
    const error = await rejectionOf(
      clientFor().requestToken({ displayName: "Citizen", pin: "0000" }),
    );
    expect(error).toBeInstanceOf(InvalidPin);
    expect(error).toMatchObject({ status: 403 });
  });

  it("maps an unknown alias to ConferenceNotFound", async () => {
    const client = clientFor("no-such-room");
    const error = await rejectionOf(client.requestToken({ displayName: "Citizen", pin: "1" }));
    expect(error).toBeInstanceOf(ConferenceNotFound);
    expect(error).toMatchObject({ status: 404 });
    expect(client.token).toBeUndefined();
  });

  it("maps any other failure to PexipError with its status and body", async () => {
    const body = { status: "failed", result: "Service unavailable" };
    node.simulator.faults.add({ match: { path: "*" }, respond: { status: 503, body }, times: 1 });
    const error = await rejectionOf(
      clientFor().requestToken({ displayName: "Citizen", pin: ROOM.guestPin }),
    );
    expect(error).toBeInstanceOf(PexipError);
    expect((error as PexipError).name).toBe("PexipError");
    expect(error).toMatchObject({ status: 503, body });
  });

  it("refuses an answer it cannot read", async () => {
    node.simulator.faults.add({ match: { path: "*" }, kind: "malformed-json", times: 1 });
    const error = await rejectionOf(
      clientFor().requestToken({ displayName: "Citizen", pin: ROOM.guestPin }),
    );
    expect(error).toBeInstanceOf(PexipError);
    expect(error).toMatchObject({ status: 200, body: '{"status": "succ' });
    expect((error as Error).message).toMatch(/^unexpected answer to request_token/);
  });
});

describe("token lifetime", () => {
  it("refreshes the token, which keeps the participant past the first token's lifetime", async () => {
    const client = clientFor();
    const joined = await client.requestToken({ displayName: "Citizen", pin: ROOM.guestPin });
    await clock.advance(TOKEN_LIFETIME_MS * 0.75);
    const refreshed = await client.refreshToken();
    expect(refreshed.expiresInSeconds).toBe(120);
    expect(refreshed.token).not.toBe(joined.token);
    expect(client.token).toBe(refreshed.token);
    await clock.advance(TOKEN_LIFETIME_MS * 0.75);
    expect(participantsInRoom().map((p) => p.uuid)).toContain(joined.participantUuid);
    await expect(client.refreshToken()).resolves.toMatchObject({ expiresInSeconds: 120 });
  });

  it("maps an expired token to InvalidToken", async () => {
    const client = clientFor();
    await client.requestToken({ displayName: "Citizen", pin: ROOM.guestPin });
    await clock.advance(TOKEN_LIFETIME_MS + 1);
    const error = await rejectionOf(client.refreshToken());
    expect(error).toBeInstanceOf(InvalidToken);
    expect(error).toMatchObject({ status: 403 });
  });

  it("releases the token: the participant leaves and the token is forgotten", async () => {
    const client = clientFor();
    const joined = await client.requestToken({ displayName: "Citizen", pin: ROOM.guestPin });
    await client.releaseToken();
    expect(client.token).toBeUndefined();
    expect(participantsInRoom()).toEqual([]);
    expect(() => client.startAutoRefresh()).toThrow("no Pexip token");
    const stale = await fetch(`${node.url}/api/client/v2/conferences/${ROOM.alias}/refresh_token`, {
      method: "POST",
      headers: { token: joined.token },
    });
    expect(stale.status).toBe(403);
  });
});

describe("calls", () => {
  it("makes a WebRTC call, acknowledges it and disconnects it", async () => {
    const client = clientFor();
    const joined = await client.requestToken({ displayName: "Citizen", pin: ROOM.guestPin });
    const callsPath = `/api/client/v2/conferences/${ROOM.alias}/participants/${joined.participantUuid}/calls`;
    const offer = createWebRtcOffer();

    const call = await client.makeCall(offer);
    expect(call.callUuid).not.toBe("");
    expect(call.sdpAnswer).toMatch(/^v=0\r\n/);
    expect(call.sdpAnswer).toMatch(/^m=audio /m);
    expect(call.sdpAnswer).toMatch(/^m=video /m);
    const [sent] = node.simulator.journal.entries({ path: callsPath });
    expect(sent?.headers.token).toBe(joined.token);
    expect(JSON.parse(sent?.body ?? "")).toEqual({
      call_type: "WEBRTC",
      sdp: offer,
      fecc_supported: false,
    });

    await client.ack(call.callUuid);
    expect(participantsInRoom()[0]).toMatchObject({ protocol: "webrtc", has_media: true });

    await client.disconnectCall(call.callUuid);
    expect(participantsInRoom()[0]).toMatchObject({ protocol: "api", has_media: false });
    const again = await rejectionOf(client.disconnectCall(call.callUuid));
    expect(again).toMatchObject({ name: "PexipError", status: 403 });
  });
});

describe("events", () => {
  it("replays the roster, then tells when the agent joins", async () => {
    const client = clientFor();
    const joined = await client.requestToken({ displayName: "Citizen", pin: ROOM.guestPin });
    const stop = new AbortController();
    const events = client.events(stop.signal)[Symbol.asyncIterator]();
    const next = async () => (await events.next()).value;

    expect(await next()).toEqual({ event: "participant_sync_begin", data: null });
    expect(await next()).toMatchObject({
      event: "participant_create",
      data: { uuid: joined.participantUuid, display_name: "Citizen", role: "guest" },
    });
    expect(await next()).toEqual({ event: "participant_sync_end", data: null });

    await clock.advance(3000);
    const agentJoined = await next();
    expect(agentJoined).toMatchObject({ event: "participant_create", data: { role: "chair" } });
    expect(agentJoined?.data).not.toMatchObject({ uuid: joined.participantUuid });

    stop.abort();
    expect(await events.next()).toEqual({ done: true, value: undefined });
  });

  it("ends when the participant leaves", async () => {
    const client = clientFor();
    await client.requestToken({ displayName: "Citizen", pin: ROOM.guestPin });
    const events = client.events()[Symbol.asyncIterator]();
    const names: string[] = [];
    const readUntil = async (last: string) => {
      for (let read = await events.next(); !read.done; read = await events.next()) {
        names.push(read.value.event);
        if (read.value.event === last) return;
      }
      names.push("(end)");
    };
    await readUntil("participant_sync_end");
    await clock.advance(3000);
    await client.releaseToken();
    await readUntil("never sent");
    expect(names).toEqual([
      "participant_sync_begin",
      "participant_create",
      "participant_sync_end",
      "participant_create",
      "participant_update",
      "(end)",
    ]);
  });

  it("maps a refused token to InvalidToken", async () => {
    const client = clientFor();
    await client.requestToken({ displayName: "Citizen", pin: ROOM.guestPin });
    await clock.advance(TOKEN_LIFETIME_MS + 1);
    const error = await rejectionOf(client.events().next());
    expect(error).toBeInstanceOf(InvalidToken);
  });
});

describe("automatic refresh", () => {
  // The client's timers are real, so this node lives in real time, with one-second tokens.
  let realTime: RunningPexipNode;
  let client: PexipConferenceClient;
  const refreshPath = `/api/client/v2/conferences/${ROOM.alias}/refresh_token`;

  beforeEach(async () => {
    realTime = await startPexipNode({ clock: systemClock, tokenExpiresSeconds: 1 });
    await realTime.createConference(ROOM);
    client = new PexipConferenceClient({ nodeUrl: realTime.url, alias: ROOM.alias });
    await client.requestToken({ displayName: "Citizen", pin: ROOM.guestPin });
  });
  afterEach(async () => {
    client.stopAutoRefresh();
    await realTime.close();
  });

  it("refreshes at half the lifetime, so a short-lived token never lapses", async () => {
    const firstToken = client.token;
    const errors: unknown[] = [];
    client.startAutoRefresh((error) => errors.push(error));
    await sleep(1800);
    client.stopAutoRefresh();
    const refreshes = realTime.simulator.journal.entries({ path: refreshPath });
    expect(errors).toEqual([]);
    expect(refreshes.map((entry) => entry.status)).toEqual([200, 200, 200]);
    expect(client.token).not.toBe(firstToken);
    expect(realTime.simulator.liveConferences()[0]?.participants).toHaveLength(1);
  });

  it("stops when told to", async () => {
    client.startAutoRefresh();
    client.stopAutoRefresh();
    await sleep(700);
    expect(realTime.simulator.journal.entries({ path: refreshPath })).toEqual([]);
  });

  it("reports a failed refresh and stops", async () => {
    realTime.simulator.faults.add({ match: { path: refreshPath }, respond: { status: 502 } });
    const failure = new Promise((resolve) => client.startAutoRefresh(resolve));
    await expect(failure).resolves.toMatchObject({ name: "PexipError", status: 502 });
    await sleep(700);
    expect(realTime.simulator.journal.entries({ path: refreshPath })).toHaveLength(1);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
