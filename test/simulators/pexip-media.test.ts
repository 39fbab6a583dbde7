import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PexipConferenceClient } from "../../adapters/pexip/index.ts";
import { CitizenMedia } from "../../apps/demo/citizen-media.ts";
import { EventFeed } from "../../apps/demo/event-feed.ts";
import { WeriftCallMedia } from "../../apps/pexip-media/werift-call-media.ts";
import { VirtualClock } from "../../simulators/index.ts";
import { type RunningPexipNode, startPexipNode } from "../adapters/pexip/pexip-node.ts";

const ROOM = { name: "media-room", alias: "media-alias", pin: "1234", guestPin: "5678" };
const AGENT_JOIN_DELAY_MS = 1000;

/** The simulator with the werift engine: real WebRTC (ICE, DTLS-SRTP, RTP) over loopback. */
describe("Pexip simulator with real media", () => {
  const clock = new VirtualClock();
  const callMedia = new WeriftCallMedia({ silenceTimeoutMs: 1500 });
  const stops: (() => void)[] = [];
  let pexip: RunningPexipNode;

  beforeAll(async () => {
    pexip = await startPexipNode({ clock, agentJoinDelayMs: AGENT_JOIN_DELAY_MS, callMedia });
    await pexip.createConference(ROOM);
  });
  afterAll(async () => {
    for (const stop of stops) stop();
    callMedia.close();
    await pexip.close();
  });

  /** A guest in the room, reading its event stream. */
  const guest = async (displayName: string) => {
    const client = new PexipConferenceClient({ nodeUrl: pexip.url, alias: ROOM.alias });
    const joined = await client.requestToken({ displayName, pin: ROOM.guestPin });
    const stopEvents = new AbortController();
    stops.push(() => stopEvents.abort());
    return { client, joined, feed: new EventFeed(client.events(stopEvents.signal)) };
  };

  /** A guest whose werift peer has called, trickled its candidates and acknowledged the answer. */
  const caller = async (displayName: string) => {
    const { client, joined, feed } = await guest(displayName);
    const media = new CitizenMedia(joined.stun.map(({ url }) => url));
    stops.push(() => media.close());
    const call = await client.makeCall(await media.offer());
    await media.accept(call.sdpAnswer);
    media.trickle((candidate) => void client.newCandidate(call.callUuid, candidate));
    await client.ack(call.callUuid);
    await expect.poll(() => media.connectionState, { timeout: 5000 }).toBe("connected");
    return { client, joined, feed, media, call };
  };

  it("sends the agent's video once the agent answers; update and disconnect work", async () => {
    const { client, media, call } = await caller("Citizen");
    // Connected, but the agent has not answered yet: nothing from it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(media.received.videoFrames).toBe(0);

    await clock.advance(AGENT_JOIN_DELAY_MS);
    await media.waitForVideoFrames(10, 5000);
    expect(media.received.packets).toBeGreaterThan(10);

    // A renegotiation of the same media is answered on the same connection, which carries on.
    const update = await fetch(
      `${pexip.url}/api/client/v2/conferences/${ROOM.alias}/participants/${client.participantUuid}/calls/${call.callUuid}/update`,
      {
        method: "POST",
        headers: { "content-type": "application/json", token: client.token ?? "" },
        body: JSON.stringify({ sdp: await media.offer() }),
      },
    );
    expect(update.status).toBe(200);
    const { result } = await update.json();
    expect(result).toMatchObject({ call_uuid: call.callUuid, sdp: expect.stringMatching(/^v=0/) });
    await media.accept(result.sdp);
    await media.waitForVideoFrames(media.received.videoFrames + 5, 5000);

    await client.disconnectCall(call.callUuid);
    const framesAtHangUp = media.received.videoFrames;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(media.received.videoFrames - framesAtHangUp).toBeLessThanOrEqual(2);
    await client.releaseToken();
    expect(pexip.simulator.liveConferences()).toEqual([]);
  });

  it("disconnects a peer that goes silent with Pexip's reason, and tells the others", async () => {
    const watcher = await guest("Other guest");
    const { joined, feed, media, call } = await caller("Citizen");
    await clock.advance(AGENT_JOIN_DELAY_MS);
    await media.waitForVideoFrames(3, 5000);

    media.close(); // the app vanishes without hanging up
    const disconnect = await feed.waitFor("disconnect", (e) => e.event === "disconnect", 5000);
    expect(disconnect.data).toEqual({ reason: "Ice failure" });
    expect(feed.received.find((e) => e.event === "call_disconnected")?.data).toEqual({
      call_uuid: call.callUuid,
      reason: "Ice failure",
    });
    const deleted = await watcher.feed.waitFor(
      "the citizen's participant_delete",
      (e) => e.event === "participant_delete",
      1000,
    );
    expect(deleted.data).toEqual({ uuid: joined.participantUuid });
    const [live] = pexip.simulator.liveConferences();
    expect(live?.participants.map((p) => p.uuid)).not.toContain(joined.participantUuid);
    await watcher.client.releaseToken();
  });
});
