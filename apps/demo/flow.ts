import {
  type ParticipantToken,
  PexipConferenceClient,
  type PexipEvent,
} from "../../adapters/pexip/index.ts";
import { CitizenMedia, type LocalCandidate } from "./citizen-media.ts";
import { EventFeed } from "./event-feed.ts";
import type { GrantedRoom } from "./granted-room.ts";
import { nodeUrlFor } from "./node-url.ts";
import { VideoSessionSteps } from "./session-steps.ts";
import { describeError, Steps } from "./steps.ts";
import type { DemoSummary } from "./summary.ts";

export const DEFAULT_CLIENT_ID = "bcsc-demo-app";
const DISPLAY_NAME = "BCSC Demo App";
const ROSTER_TIMEOUT_MS = 10_000;
const DEFAULT_AGENT_TIMEOUT_MS = 30_000;
const DEFAULT_KEEP_ALIVES = 2;
const DEFAULT_KEEP_ALIVE_INTERVAL_MS = 1000;
/** Video frames from the agent that make the call "in call": about half a second of video. */
const AGENT_FRAMES = 8;
const MEDIA_TIMEOUT_MS = 10_000;

export interface DemoOptions {
  /** The stack's origin, e.g. "http://localhost:8080". */
  api: string;
  clientId?: string;
  deviceCode?: string;
  /** Returns the Authorization header value ("Bearer <device JWT>") for each API request. */
  authorization?: () => Promise<string>;
  log: (line: string) => void;
  /** How long to wait for the agent to join after the call is acknowledged. */
  agentTimeoutMs?: number;
  /** `call_in_call` repeats after the first one (the app sends one every 30 s). */
  keepAlives?: number;
  keepAliveIntervalMs?: number;
  fetch?: typeof fetch;
}

/**
 * Plays the mobile app's part of the seed against a running stack. Throws DemoStepFailed naming
 * the step that failed, after ending what it had started (Pexip token, video session).
 */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const run = new DemoRun(options);
  try {
    return await run.play();
  } catch (error) {
    await run.cleanUpAfterFailure();
    throw error;
  } finally {
    run.close();
  }
}

class DemoRun {
  readonly #options: DemoOptions;
  readonly #steps: Steps;
  readonly #session: VideoSessionSteps;
  readonly #stopEvents = new AbortController();
  #pexip: PexipConferenceClient | undefined;
  #media: CitizenMedia | undefined;

  constructor(options: DemoOptions) {
    this.#options = options;
    this.#steps = new Steps(options.log);
    this.#session = new VideoSessionSteps(options, this.#steps);
  }

  async play(): Promise<DemoSummary> {
    const room = await this.#session.start({
      clientId: this.#options.clientId ?? DEFAULT_CLIENT_ID,
      deviceCode: this.#options.deviceCode ?? crypto.randomUUID(),
    });
    const { pexip, nodeUrl, joined } = await this.#joinConference(room);
    const feed = await this.#openEventStream(pexip);
    const media = new CitizenMedia(joined.stun.map(({ url }) => url));
    this.#media = media;
    const callUuid = await this.#callAgent(pexip, feed, media);
    await this.#keepCallAlive(pexip, media);
    await this.#hangUp(pexip, callUuid, media);
    await this.#session.end(room);
    const { videoFrames, packets, bytes } = media.received;
    return {
      sessionId: room.sessionId,
      roomName: room.roomName,
      roomAlias: room.roomAlias,
      nodeUrl,
      clientCallId: this.#session.clientCallId,
      callId: this.#session.callId,
      sessionStatuses: this.#session.sessionStatuses,
      callStatuses: this.#session.callStatuses,
      pexipEvents: feed.received.map((received) => received.event),
      agentMedia: { videoFrames, packets, bytes },
      elapsedMs: this.#steps.elapsedMs,
    };
  }

  async #joinConference(
    room: GrantedRoom,
  ): Promise<{ pexip: PexipConferenceClient; nodeUrl: string; joined: ParticipantToken }> {
    const { pexip, nodeUrl, joined } = await this.#steps.run(
      "join conference",
      async () => {
        const nodeUrl = nodeUrlFor(room.destinationHost);
        const pexip = new PexipConferenceClient({
          nodeUrl,
          alias: room.roomAlias,
          fetch: this.#options.fetch,
        });
        this.#pexip = pexip;
        const joined = await pexip.requestToken({ displayName: DISPLAY_NAME, pin: room.guestPin });
        return { pexip, nodeUrl, joined };
      },
      ({ nodeUrl, joined }) =>
        `${nodeUrl} as ${joined.role} ${joined.participantUuid}, ` +
        `token valid ${joined.expiresInSeconds} s`,
    );
    pexip.startAutoRefresh((error) => {
      this.#steps.note(`Pexip token auto-refresh failed: ${describeError(error)}`);
    });
    return { pexip, nodeUrl, joined };
  }

  async #openEventStream(pexip: PexipConferenceClient): Promise<EventFeed> {
    const feed = new EventFeed(pexip.events(this.#stopEvents.signal));
    await this.#steps.run(
      "open event stream",
      () => feed.waitFor("roster replay", isNamed("participant_sync_end"), ROSTER_TIMEOUT_MS),
      () => `roster of ${feed.received.filter(isNamed("participant_create")).length}`,
    );
    return feed;
  }

  async #callAgent(
    pexip: PexipConferenceClient,
    feed: EventFeed,
    media: CitizenMedia,
  ): Promise<string> {
    const call = await this.#steps.run(
      "make call",
      async () => pexip.makeCall(await media.offer()),
      (made) => `call ${made.callUuid}, SDP answer of ${made.sdpAnswer.length} characters`,
    );
    await this.#session.report("call_ringing");
    await this.#steps.run(
      "acknowledge call",
      async () => {
        await media.accept(call.sdpAnswer);
        media.trickle((candidate) => this.#sendCandidate(pexip, call.callUuid, candidate));
        await pexip.ack(call.callUuid);
      },
      () => "answer applied, ICE candidates trickling, acked",
    );
    await this.#session.report("call_media_pending");
    const self = pexip.participantUuid;
    await this.#steps.run(
      "wait for agent",
      () =>
        feed.waitFor(
          "agent joining",
          (event) => isNamed("participant_create")(event) && participantOf(event).uuid !== self,
          this.#options.agentTimeoutMs ?? DEFAULT_AGENT_TIMEOUT_MS,
        ),
      (joined) => `${participantOf(joined).display_name ?? "a participant"} joined`,
    );
    await this.#steps.run(
      "receive agent video",
      () => media.waitForVideoFrames(AGENT_FRAMES, MEDIA_TIMEOUT_MS),
      () => `${media.received.describe()} over WebRTC (${media.connectionState})`,
    );
    await this.#session.report("call_in_call");
    return call.callUuid;
  }

  async #keepCallAlive(pexip: PexipConferenceClient, media: CitizenMedia): Promise<void> {
    const keepAlives = this.#options.keepAlives ?? DEFAULT_KEEP_ALIVES;
    for (let sent = 1; sent <= keepAlives; sent++) {
      await sleep(this.#options.keepAliveIntervalMs ?? DEFAULT_KEEP_ALIVE_INTERVAL_MS);
      await this.#session.report("call_in_call", `keep-alive ${sent}/${keepAlives}`, media);
    }
    await this.#steps.run(
      "refresh token",
      () => pexip.refreshToken(),
      (refreshed) => `token valid ${refreshed.expiresInSeconds} s`,
    );
  }

  async #hangUp(
    pexip: PexipConferenceClient,
    callUuid: string,
    media: CitizenMedia,
  ): Promise<void> {
    await this.#steps.run(
      "disconnect call",
      async () => {
        await pexip.disconnectCall(callUuid);
        media.close();
      },
      () => `call ${callUuid} disconnected after ${media.received.describe()} from the agent`,
    );
    await this.#session.report("call_ended");
    await this.#steps.run(
      "release token",
      () => pexip.releaseToken(),
      () => "left the room",
    );
  }

  /** Trickle ICE runs beside the steps: a candidate that fails to go is noted, not fatal. */
  #sendCandidate(pexip: PexipConferenceClient, callUuid: string, candidate: LocalCandidate) {
    pexip.newCandidate(callUuid, candidate).catch((error: unknown) => {
      this.#steps.note(`new_candidate failed: ${describeError(error)}`);
    });
  }

  /** Best effort: leaves the room and ends the session so that no room outlives the demo. */
  async cleanUpAfterFailure(): Promise<void> {
    const pexip = this.#pexip;
    if (pexip?.token) await this.#attempt("release Pexip token", () => pexip.releaseToken());
    if (this.#session.open) await this.#attempt("end session", () => this.#session.endNow());
  }

  close(): void {
    this.#media?.close();
    this.#pexip?.stopAutoRefresh();
    this.#stopEvents.abort();
  }

  async #attempt(what: string, action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
      this.#steps.note(`cleanup: ${what}: done`);
    } catch (error) {
      this.#steps.note(`cleanup: ${what}: failed: ${describeError(error)}`);
    }
  }
}

function isNamed(name: string): (event: PexipEvent) => boolean {
  return (event) => event.event === name;
}

function participantOf(event: PexipEvent): { uuid?: unknown; display_name?: unknown } {
  return typeof event.data === "object" && event.data !== null ? event.data : {};
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
