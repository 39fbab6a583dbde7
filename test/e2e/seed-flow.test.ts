import { describe, expect, it } from "vitest";
import { PexipConferenceClient, type PexipEvent } from "../../adapters/pexip/index.ts";
import { sharedTestStack } from "../support/stack.ts";
import { createWebRtcOffer } from "../support/webrtc-offer.ts";

/**
 * The seed diagram (bcsc-mobile-app-sequence.txt), arrow by arrow, over real sockets. Each arrow
 * is asserted from what the receiving side recorded in its request journal.
 */
describe("the seed's sequence, end to end", () => {
  const stack = sharedTestStack();

  it("runs every arrow in order", async () => {
    const { simulators, clock } = stack();
    const app = stack().asDevice("xyz-device-code");

    // 1. app → api: POST /video/v2/sessions, the seed's form encoding.
    const created = await app.call(
      "POST",
      "/video/v2/sessions",
      `client_id=${app.clientId}&device_code=${app.deviceCode}`,
      { headers: { "content-type": "application/x-www-form-urlencoded" } },
    );
    expect(created.status).toBe(201);

    // 2–3. api → token server (no active token): exactly one client-credentials request.
    const tokenRequests = simulators.tokenServer.journal
      .entries()
      .filter((e) => e.path.endsWith("/oauth2/v2.0/token"));
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]).toMatchObject({ method: "POST", status: 200 });
    expect(tokenRequests[0]?.body).toContain("grant_type=client_credentials");

    // 4–5. api → MaxConf: POST /room/create?uuiData=<hex>, answered 200 with the room object.
    const creates = simulators.maxconf.journal.entries().filter((e) => e.path === "/room/create");
    expect(creates).toHaveLength(1);
    expect(creates[0]).toMatchObject({ method: "POST", status: 200 });
    const uuiData = creates[0]?.query.uuiData ?? "";
    expect(uuiData).toMatch(/^([0-9a-f]{2})+$/);
    expect(creates[0]?.headers.authorization).toMatch(/^Bearer ey/);

    // 6. api → app: 201 video_session_message.
    const session = created.body as Record<string, unknown>;
    expect(session).toMatchObject({
      client_id: app.clientId,
      device_code: app.deviceCode,
      status: "session_granted",
      queue_position: 1,
      destination_host: new URL(stack().urls.pexip).host,
    });
    expect(Buffer.from(uuiData, "hex").toString("utf8")).toBe(session.session_id);
    const room = simulators.maxconf.rooms().find((r) => r.name === session.room_name);
    expect(room).toBeDefined();
    expect(session.room_alias).toBe(room?.aliases[0]?.alias);
    expect(session.guest_pin).toBe(room?.guest_pin);
    expect(session).not.toHaveProperty("pin");
    expect(session.created_date).toBe(Math.floor(clock.now() / 1000));
    const name = String(session.session_id);

    // 7. app → api: PUT /video/v2/sessions/{name} {"status": "started"}.
    const started = await app.call("PUT", `/video/v2/sessions/${name}`, { status: "started" });
    expect(started.status).toBe(200);
    expect(started.body?.status).toBe("session_started");

    // 8. app → pexip: create call (join with the guest pin, then a WebRTC call).
    const pexip = new PexipConferenceClient({
      nodeUrl: `https://${session.destination_host}`,
      alias: String(session.room_alias),
    });
    const participant = await pexip.requestToken({
      displayName: "Citizen",
      pin: String(session.guest_pin),
    });
    expect(participant.role).toBe("GUEST");
    const events = collect(pexip.events());
    const call = await pexip.makeCall(createWebRtcOffer());
    expect(call.sdpAnswer).toMatch(/^v=0/);
    await pexip.ack(call.callUuid);
    const clientCallId = crypto.randomUUID();
    const report = (status: string) =>
      app.call("PUT", `/video/v2/sessions/${name}/calls`, {
        session_id: name,
        client_call_id: clientCallId,
        status,
      });

    // 9–10. loop: pexip → app status updates; app → api PUT …/calls for each.
    expect((await report("call_ringing")).status).toBe(200);
    expect((await report("call_media_pending")).status).toBe(200);
    await clock.advance(3000); // the simulated agent answers
    const agent = await events.waitFor(
      (e) =>
        e.event === "participant_create" &&
        (e.data as { uuid?: string }).uuid !== participant.participantUuid,
    );
    expect(agent).toBeDefined();
    const inCall = await report("call_in_call");
    expect(inCall.status).toBe(200);
    expect(inCall.body).toMatchObject({
      session_id: name,
      client_call_id: clientCallId,
      status: "call_in_call",
    });
    expect((await report("call_in_call")).status).toBe(200); // keep-alive
    const afterAgent = await app.call("GET", `/video/v2/sessions/${name}`);
    expect(afterAgent.body?.queue_position).toBe(0);

    // 11. app → pexip: end call.
    await pexip.disconnectCall(call.callUuid);
    expect((await report("call_ended")).status).toBe(200);
    await pexip.releaseToken();
    events.stop();

    // 12. pexip → MaxConf: {room} ended (the event sink).
    await expect
      .poll(() =>
        simulators.maxconf.journal
          .entries()
          .filter((e) => e.path === "/public/event_sink" && e.body.includes('"conference_ended"')),
      )
      .toHaveLength(1);

    // 13. MaxConf → pexip: delete {room}.
    await expect
      .poll(() =>
        simulators.pexip.journal
          .entries()
          .filter(
            (e) =>
              e.method === "DELETE" && e.path.startsWith("/api/admin/configuration/v1/conference/"),
          ),
      )
      .toHaveLength(1);
    expect(simulators.maxconf.rooms()).toHaveLength(0);

    // 14. app → api: PUT /video/v2/sessions/{name} {"status": "ended"}.
    const ended = await app.call("PUT", `/video/v2/sessions/${name}`, { status: "ended" });
    expect(ended.status).toBe(200);
    expect(ended.body?.status).toBe("session_ended");
    // The API also asks MaxConf to delete the room; already gone (404) counts as done.
    await expect
      .poll(() =>
        simulators.maxconf.journal
          .entries()
          .filter((e) => e.method === "DELETE" && e.path === `/room/${session.room_name}`)
          .map((e) => e.status),
      )
      .toEqual([404]);
    const pending = await stack().service.store.outbox.claim(clock.now() + 3_600_000, 10, 0);
    expect(pending).toEqual([]);

    // Still exactly one token request for the whole flow.
    expect(simulators.tokenServer.tokensIssued()).toBe(1);
    const final = await app.call("GET", `/video/v2/sessions/${name}`);
    expect(final.body?.status).toBe("session_ended");
  });
});

/** Reads an event stream in the background so the test can wait for a particular event. */
function collect(stream: AsyncGenerator<PexipEvent>) {
  const seen: PexipEvent[] = [];
  let stopped = false;
  void (async () => {
    for await (const event of stream) {
      seen.push(event);
      if (stopped) break;
    }
  })();
  return {
    async waitFor(match: (event: PexipEvent) => boolean) {
      await expect.poll(() => seen.some(match), { timeout: 5000 }).toBe(true);
      return seen.find(match);
    },
    stop() {
      stopped = true;
      void stream.return(undefined);
    },
  };
}
