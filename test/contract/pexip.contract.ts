import { expect } from "vitest";
import { pexipErrorFor } from "../../adapters/pexip/errors.ts";
import {
  ConferenceNotFound,
  InvalidPin,
  InvalidToken,
  type PexipConferenceClient,
  type PexipEvent,
  PinRequired,
} from "../../adapters/pexip/index.ts";
import { createWebRtcOffer } from "../support/webrtc-offer.ts";
import { contractSuite, rejectionOf } from "./harness.ts";

/** A conference to join: on a real node, a test room with a guest PIN that dials no agent. */
export interface PexipConference {
  nodeUrl: string;
  alias: string;
  guestPin: string;
  /** A client for a new participant of the alias (the test conference's by default). */
  client(alias?: string): PexipConferenceClient;
}

export interface PexipControls {
  advance(ms: number): Promise<void>;
  tokenLifetimeMs: number;
}

const time = "control of the node's time (a VirtualClock)";
const displayName = "BCSC contract test";

async function joined(conference: PexipConference): Promise<PexipConferenceClient> {
  const client = conference.client();
  await client.requestToken({ displayName, pin: conference.guestPin });
  return client;
}

/** Sends a raw refresh with a token the client no longer holds. */
async function refreshWith(conference: PexipConference, token: string): Promise<unknown> {
  const url = `${conference.nodeUrl}/api/client/v2/conferences/${encodeURIComponent(conference.alias)}/refresh_token`;
  const response = await fetch(url, {
    method: "POST",
    headers: { token, "content-type": "application/json" },
    body: "{}",
  });
  const text = await response.text();
  return response.ok ? undefined : pexipErrorFor(response.status, JSON.parse(text));
}

async function rosterReplay(client: PexipConferenceClient): Promise<PexipEvent[]> {
  const stop = new AbortController();
  const events: PexipEvent[] = [];
  for await (const event of client.events(stop.signal)) {
    events.push(event);
    if (event.event === "participant_sync_end") stop.abort();
  }
  return events;
}

export const pexipContract = contractSuite<PexipConference, PexipControls>([
  {
    name: "joins as a guest with the guest PIN",
    async run(conference) {
      const client = conference.client();
      const granted = await client.requestToken({ displayName, pin: conference.guestPin });
      expect(granted).toMatchObject({ role: "GUEST", displayName });
      expect(granted.token).not.toBe("");
      expect(granted.expiresInSeconds).toBeGreaterThan(0);
      expect(granted.participantUuid).not.toBe("");
      expect(client.token).toBe(granted.token);
      await client.releaseToken();
    },
  },
  {
    name: "a join without a PIN is asked for the guest PIN (PinRequired)",
    async run(conference) {
      const error = await rejectionOf(conference.client().requestToken({ displayName }));
      expect(error).toBeInstanceOf(PinRequired);
      expect(error).toMatchObject({ guestPinRequired: true });
    },
  },
  {
    name: "a wrong PIN is refused (InvalidPin)",
    async run(conference) {
      const wrong = conference.guestPin === "9999" ? "9998" : "9999";
      const error = await rejectionOf(
        conference.client().requestToken({ displayName, pin: wrong }),
      );
      expect(error).toBeInstanceOf(InvalidPin);
    },
  },
  {
    name: "an alias nobody configured is ConferenceNotFound",
    async run(conference) {
      const client = conference.client(`contract-unknown-${crypto.randomUUID()}`);
      const error = await rejectionOf(client.requestToken({ displayName, pin: "1234" }));
      expect(error).toBeInstanceOf(ConferenceNotFound);
    },
  },
  {
    name: "a refresh gives a new token, which the node then accepts",
    async run(conference) {
      const client = await joined(conference);
      const first = client.token;
      const refreshed = await client.refreshToken();
      expect(refreshed.token).not.toBe(first);
      expect(refreshed.expiresInSeconds).toBeGreaterThan(0);
      expect(client.token).toBe(refreshed.token);
      await client.releaseToken();
    },
  },
  {
    name: "the event stream replays the roster first: sync begin, the participant, sync end",
    async run(conference) {
      const client = await joined(conference);
      const events = await rosterReplay(client);
      expect(events[0]?.event).toBe("participant_sync_begin");
      expect(events.at(-1)?.event).toBe("participant_sync_end");
      const created = events.filter((event) => event.event === "participant_create");
      expect(created.map((event) => (event.data as { uuid: string }).uuid)).toContain(
        client.participantUuid,
      );
      await client.releaseToken();
    },
  },
  {
    name: "a released token is refused afterwards (InvalidToken)",
    async run(conference) {
      const client = await joined(conference);
      const token = client.token ?? "";
      await client.releaseToken();
      expect(client.token).toBeUndefined();
      expect(await refreshWith(conference, token)).toBeInstanceOf(InvalidToken);
    },
  },
  {
    name: "a WebRTC call: the offer is answered, acknowledged, then disconnected",
    async run(conference) {
      const client = await joined(conference);
      const answer = await client.makeCall(createWebRtcOffer());
      expect(answer.callUuid).not.toBe("");
      expect(answer.sdpAnswer).toMatch(/^v=0\r?\n/);
      await client.ack(answer.callUuid);
      await client.disconnectCall(answer.callUuid);
      await client.releaseToken();
    },
  },
  {
    name: "a token not refreshed within its lifetime is refused: the participant was dropped",
    needs: time,
    async run(conference, node) {
      const client = await joined(conference);
      await node.advance(node.tokenLifetimeMs + 1000);
      expect(await rejectionOf(client.refreshToken())).toBeInstanceOf(InvalidToken);
    },
  },
  {
    name: "refreshing within each lifetime keeps the participant in",
    needs: time,
    async run(conference, node) {
      const client = await joined(conference);
      for (let i = 0; i < 3; i++) {
        await node.advance(node.tokenLifetimeMs * 0.75);
        await client.refreshToken();
      }
      await client.releaseToken();
    },
  },
]);
