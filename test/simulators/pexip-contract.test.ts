import {
  validateAck200,
  validateDisconnectCall200,
} from "@pexip/infinity-api/dist/call/validation.js";
import { validateParticipants200 } from "@pexip/infinity-api/dist/conference/validation.js";
import {
  validateCallsWebrtcParticipant200,
  validateCallsWebrtcParticipantBody,
} from "@pexip/infinity-api/dist/participant/validation.js";
import {
  validateRefreshToken200,
  validateRefreshToken403,
  validateReleaseToken200,
  validateRequestToken200,
  validateRequestToken403,
  validateRequestToken404,
  validateRequestTokenBody,
} from "@pexip/infinity-api/dist/token/validation.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Room } from "../../simulators/index.ts";
import { EventReader } from "./sse.ts";
import { hex, startWiredStack, type WiredStack } from "./wired-stack.ts";

type Validator = (data: unknown) => boolean;

/** Passes when Pexip's own schema (from the client library the app uses) accepts the answer. */
async function expectPexipShape(response: Response, status: number, validate: Validator) {
  expect(response.status).toBe(status);
  const body = await response.json();
  const valid = validate(body);
  const { errors } = validate as unknown as { errors?: unknown };
  expect({ valid, body, errors }).toMatchObject({ valid: true });
  return body;
}

const OFFER = [
  "v=0",
  "o=- 1 2 IN IP4 127.0.0.1",
  "s=-",
  "t=0 0",
  "m=audio 9 UDP/TLS/RTP/SAVPF 111",
  "c=IN IP4 0.0.0.0",
  "a=mid:0",
  "a=setup:actpass",
  "a=sendrecv",
  "a=rtpmap:111 opus/48000/2",
  "",
].join("\r\n");

describe("Pexip simulator against the schemas of @pexip/infinity-api", () => {
  let stack: WiredStack;
  let room: Room;
  const call = (path: string, headers: Record<string, string>, body?: unknown) =>
    fetch(`${stack.urls.pexip}/api/client/v2/conferences/${room.name}/${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const tokenBody = { display_name: "Citizen" };

  beforeAll(async () => {
    stack = await startWiredStack({ agentJoinDelayMs: 1000 });
    const bearer = await stack.accessToken();
    const response = await fetch(`${stack.urls.maxconf}/room/create?uuiData=${hex("contract")}`, {
      method: "POST",
      headers: { authorization: `Bearer ${bearer}` },
    });
    room = (await response.json()) as Room;
    expect(validateRequestTokenBody(tokenBody)).toBe(true);
  });
  afterAll(() => stack.close());

  it("answers request_token refusals as Pexip does", async () => {
    await expectPexipShape(
      await call("request_token", {}, tokenBody),
      403,
      validateRequestToken403,
    );
    await expectPexipShape(
      await call("request_token", { pin: "99999" }, tokenBody),
      403,
      validateRequestToken403,
    );
    const unknown = await fetch(
      `${stack.urls.pexip}/api/client/v2/conferences/nobody/request_token`,
      {
        method: "POST",
        headers: { "content-type": "application/json", pin: "1234" },
        body: JSON.stringify(tokenBody),
      },
    );
    await expectPexipShape(unknown, 404, validateRequestToken404);
  });

  it("answers a whole call as Pexip does: token, events, call, ack, refresh, release", async () => {
    const granted = await expectPexipShape(
      await call("request_token", { pin: room.guest_pin }, tokenBody),
      200,
      validateRequestToken200,
    );
    let token: string = granted.result.token;
    const uuid: string = granted.result.participant_uuid;

    const events = new EventReader(await call(`events?token=${token}`, {}));
    const [, self] = await events.take(3);
    expect(validateParticipants200({ status: "success", result: [self?.data] })).toBe(true);
    await stack.clock.advance(1000);
    const [agent] = await events.take(1);
    expect(validateParticipants200({ status: "success", result: [agent?.data] })).toBe(true);
    await events.close();

    const offer = { call_type: "WEBRTC", sdp: OFFER, fecc_supported: false };
    expect(validateCallsWebrtcParticipantBody(offer)).toBe(true);
    const answered = await expectPexipShape(
      await call(`participants/${uuid}/calls`, { token }, offer),
      200,
      validateCallsWebrtcParticipant200,
    );
    const callPath = `participants/${uuid}/calls/${answered.result.call_uuid}`;
    await expectPexipShape(await call(`${callPath}/ack`, { token }, {}), 200, validateAck200);
    await expectPexipShape(await call("participants", { token }), 200, validateParticipants200);

    const refreshed = await expectPexipShape(
      await call("refresh_token", { token }, {}),
      200,
      validateRefreshToken200,
    );
    token = refreshed.result.token;
    await expectPexipShape(
      await call(`${callPath}/disconnect`, { token }, {}),
      200,
      validateDisconnectCall200,
    );
    await expectPexipShape(
      await call("release_token", { token }, {}),
      200,
      validateReleaseToken200,
    );
    await expectPexipShape(
      await call("refresh_token", { token }, {}),
      403,
      validateRefreshToken403,
    );
  });
});
