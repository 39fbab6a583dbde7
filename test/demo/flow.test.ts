import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDemo } from "../../apps/demo/flow.ts";
import { WeriftCallMedia } from "../../apps/pexip-media/werift-call-media.ts";
import { systemClock } from "../../simulators/index.ts";
import { type RunningPexipNode, startPexipNode } from "../adapters/pexip/pexip-node.ts";

const ROOM = { name: "room-1", alias: "alias-1", pin: "1936", guestPin: "8521" };
const SESSION_ID = "s-0123456789abcdef";

/**
 * The Video API's side, scripted: answers what the contract says and records what the app sent.
 * The Pexip side is the project's simulator, on a socket.
 */
function scriptedVideoApi(pexip: RunningPexipNode) {
  const sent: { method: string; path: string; body: unknown }[] = [];
  const now = () => Math.floor(Date.now() / 1000);
  const session = (status: string) => ({
    session_id: SESSION_ID,
    client_id: "bcsc-demo-app",
    device_code: "device-1",
    // This node speaks plain HTTP, so it is named with its scheme (taken as it is).
    destination_host: pexip.url,
    room_name: ROOM.name,
    room_alias: ROOM.alias,
    guest_pin: ROOM.guestPin,
    queue_position: 1,
    status,
    status_date: now(),
    created_date: now(),
  });
  const fetchThrough: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const { pathname } = new URL(request.url);
    if (!pathname.startsWith("/video/")) return fetch(request);
    const body = await request.json();
    sent.push({ method: request.method, path: pathname, body });
    if (pathname.endsWith("/calls")) {
      const { client_call_id, status } = body;
      const call = { session_id: SESSION_ID, call_id: "call-1", client_call_id, status };
      return Response.json({ ...call, status_date: now() });
    }
    if (request.method === "POST")
      return Response.json(session("session_granted"), { status: 201 });
    return Response.json(session(body.status === "started" ? "session_started" : "session_ended"));
  };
  return { fetch: fetchThrough, sent };
}

describe("runDemo against the Pexip simulator", () => {
  let pexip: RunningPexipNode;
  const callMedia = new WeriftCallMedia();
  beforeAll(async () => {
    pexip = await startPexipNode({ clock: systemClock, agentJoinDelayMs: 100, callMedia });
    await pexip.createConference(ROOM);
  });
  afterAll(async () => {
    callMedia.close();
    await pexip.close();
  });

  it("plays the app's part of the seed, one line per step", async () => {
    const api = scriptedVideoApi(pexip);
    const lines: string[] = [];
    const summary = await runDemo({
      api: "http://api.test",
      deviceCode: "device-1",
      log: (line) => lines.push(line),
      keepAlives: 2,
      keepAliveIntervalMs: 10,
      fetch: api.fetch,
    });

    const sessionPath = `/video/v2/sessions/${SESSION_ID}`;
    const report = (status: string) => ({
      method: "PUT",
      path: `${sessionPath}/calls`,
      body: { session_id: SESSION_ID, client_call_id: summary.clientCallId, status },
    });
    expect(api.sent).toEqual([
      {
        method: "POST",
        path: "/video/v2/sessions",
        body: { client_id: "bcsc-demo-app", device_code: "device-1" },
      },
      { method: "PUT", path: sessionPath, body: { status: "started" } },
      report("call_ringing"),
      report("call_media_pending"),
      report("call_in_call"),
      report("call_in_call"),
      report("call_in_call"),
      report("call_ended"),
      { method: "PUT", path: sessionPath, body: { status: "ended" } },
    ]);
    expect(summary.clientCallId).toMatch(/^[0-9a-f-]{36}$/);

    const conference = `/api/client/v2/conferences/${ROOM.alias}/`;
    const pexipCalls = pexip.simulator.journal
      .entries()
      .filter((entry) => entry.path.startsWith(conference))
      .map(({ method, path }) => `${method} ${path.slice(conference.length)}`)
      .map((call) => call.replace(/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/g, "{uuid}"));
    // Trickled candidates go beside the steps; at least one, and the end of them.
    const trickled = pexipCalls.filter((call) => call.endsWith("/new_candidate"));
    expect(trickled.length).toBeGreaterThanOrEqual(2);
    expect(pexipCalls.filter((call) => !call.endsWith("/new_candidate"))).toEqual([
      "POST request_token",
      "GET events",
      "POST participants/{uuid}/calls",
      "POST participants/{uuid}/calls/{uuid}/ack",
      "POST refresh_token",
      "POST participants/{uuid}/calls/{uuid}/disconnect",
      "POST release_token",
    ]);
    expect(pexip.simulator.liveConferences()).toEqual([]);

    expect(summary).toMatchObject({
      sessionId: SESSION_ID,
      roomName: ROOM.name,
      roomAlias: ROOM.alias,
      nodeUrl: pexip.url,
      callId: "call-1",
      sessionStatuses: ["session_granted", "session_started", "session_ended"],
    });
    expect(summary.agentMedia.videoFrames).toBeGreaterThanOrEqual(8);
    expect(summary.agentMedia.bytes).toBeGreaterThan(0);
    expect(summary.callStatuses).toEqual(
      api.sent.slice(2, 8).map(({ body }) => (body as { status: string }).status),
    );
    expect(summary.pexipEvents.slice(0, 3)).toEqual([
      "participant_sync_begin",
      "participant_create",
      "participant_sync_end",
    ]);
    expect(summary.pexipEvents).toContain("participant_update");
    expect(
      lines.map((line) => line.replace(/^\[ *\d+\.\d{3}s\] ✓ ([^:]+):.*\(\d+ ms\)$/, "$1")),
    ).toEqual([
      "create session",
      "start session",
      "join conference",
      "open event stream",
      "make call",
      "report call_ringing",
      "acknowledge call",
      "report call_media_pending",
      "wait for agent",
      "receive agent video",
      "report call_in_call",
      "keep-alive 1/2",
      "keep-alive 2/2",
      "refresh token",
      "disconnect call",
      "report call_ended",
      "release token",
      "end session",
    ]);
  });
});
