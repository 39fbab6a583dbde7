import { describe, expect, it } from "vitest";
import { PexipConferenceClient, type PexipEvent } from "../../adapters/pexip/index.ts";
import { CitizenMedia } from "../../apps/demo/citizen-media.ts";
import { EventFeed } from "../../apps/demo/event-feed.ts";
import { sharedTestStack } from "../support/stack.ts";

/**
 * Real media through the whole stack: a werift client gets a room from the API, joins it on the
 * Pexip simulator, receives the agent's video over WebRTC, hangs up; the room ends and MaxConf
 * deletes it on Pexip's `conference_ended`.
 */
describe("a WebRTC call through the stack", () => {
  const stack = sharedTestStack();

  it("carries the agent's media, and the room is deleted once the call ends", async () => {
    const { simulators, clock } = stack();
    const app = stack().asDevice("media-device");
    const created = await app.call("POST", "/video/v2/sessions", {
      client_id: app.clientId,
      device_code: app.deviceCode,
    });
    expect(created.status).toBe(201);
    const session = created.body as Record<string, string>;
    const sessionPath = `/video/v2/sessions/${session.session_id}`;
    expect((await app.call("PUT", sessionPath, { status: "started" })).status).toBe(200);

    const pexip = new PexipConferenceClient({
      nodeUrl: `https://${session.destination_host}`,
      alias: String(session.room_alias),
    });
    const joined = await pexip.requestToken({ displayName: "Citizen", pin: session.guest_pin });
    const stopEvents = new AbortController();
    const feed = new EventFeed(pexip.events(stopEvents.signal));
    const media = new CitizenMedia(joined.stun.map(({ url }) => url));
    try {
      const call = await pexip.makeCall(await media.offer());
      await media.accept(call.sdpAnswer);
      media.trickle((candidate) => void pexip.newCandidate(call.callUuid, candidate));
      await pexip.ack(call.callUuid);

      await clock.advance(3000); // the simulated agent answers
      const isAgent = (e: PexipEvent) =>
        e.event === "participant_create" &&
        (e.data as { uuid?: string }).uuid !== joined.participantUuid;
      await feed.waitFor("the agent", isAgent, 5000);
      await media.waitForVideoFrames(15, 5000);
      expect(media.connectionState).toBe("connected");
      expect(media.received.packets).toBeGreaterThan(15);
      expect(media.received.bytes).toBeGreaterThan(1000);

      await pexip.disconnectCall(call.callUuid);
      await pexip.releaseToken();
    } finally {
      media.close();
      stopEvents.abort();
    }

    // The last citizen left: Pexip ends the conference, MaxConf deletes the room on Pexip.
    await expect
      .poll(() =>
        simulators.maxconf.journal
          .entries()
          .filter((e) => e.path === "/public/event_sink" && e.body.includes('"conference_ended"')),
      )
      .toHaveLength(1);
    await expect
      .poll(() => simulators.maxconf.rooms().map((room) => room.name))
      .not.toContain(session.room_name);
    expect(simulators.pexip.conferences().map((config) => config.name)).not.toContain(
      session.room_name,
    );
  });
});
