import {
  type CallStatus,
  createVideoApiClient,
  type SessionStatus,
  type VideoApiClient,
  type VideoApiClientOptions,
  type VideoCall,
  type VideoSession,
} from "../../clients/video-api/index.ts";
import { bodyOf, errorAnswersThrow } from "./api-answers.ts";
import type { CitizenMedia } from "./citizen-media.ts";
import { type GrantedRoom, grantedRoom } from "./granted-room.ts";
import type { Steps } from "./steps.ts";

/** The app's requests to the Video API, each a step, with what the API answered kept in order. */
export class VideoSessionSteps {
  readonly sessionStatuses: SessionStatus[] = [];
  readonly callStatuses: CallStatus[] = [];
  readonly clientCallId = crypto.randomUUID();
  callId = "";
  room: GrantedRoom | undefined;
  readonly #api: VideoApiClient;

  /** `api`: the stack's origin, e.g. "http://localhost:8080". */
  constructor(
    { api, authorization, fetch }: { api: string } & Omit<VideoApiClientOptions, "baseUrl">,
    private readonly steps: Steps,
  ) {
    this.#api = createVideoApiClient({ baseUrl: api, authorization, fetch });
    this.#api.use(errorAnswersThrow);
  }

  /** Creates the session and, when it is granted, starts it (as the seed does). */
  async start(identity: { clientId: string; deviceCode: string }): Promise<GrantedRoom> {
    const { session, room } = await this.steps.run(
      "create session",
      async () => {
        const body = { client_id: identity.clientId, device_code: identity.deviceCode };
        const answer = await this.#api.POST("/video/v2/sessions", { body });
        const session = bodyOf(answer);
        this.sessionStatuses.push(session.status);
        // 200 instead of 201: the device already had a live session.
        return { session, created: answer.response.status === 201, room: grantedRoom(session) };
      },
      ({ session, created, room }) =>
        `${created ? "201 new" : "200 existing"} ${describe(session)}, room ${room.roomName} ` +
        `(alias ${room.roomAlias}), queue position ${room.queuePosition}`,
    );
    this.room = room;
    if (session.status === "session_granted") {
      const started = await this.steps.run(
        "start session",
        () => this.#update(room.sessionId, "started").then(expectStatus("session_started")),
        describe,
      );
      this.sessionStatuses.push(started.status);
    }
    return room;
  }

  async end(room: GrantedRoom): Promise<void> {
    const ended = await this.steps.run(
      "end session",
      () => this.#update(room.sessionId, "ended").then(expectStatus("session_ended")),
      describe,
    );
    this.sessionStatuses.push(ended.status);
  }

  /** Reports a call status; with `media`, the step's line also says what has arrived so far. */
  async report(status: CallStatus, step = `report ${status}`, media?: CitizenMedia) {
    const room = this.room;
    if (!room) throw new Error("no session to report a call status to");
    const call = await this.steps.run(
      step,
      async () => {
        const clientCallId = this.clientCallId;
        // The seed's call status report: the call named by client_call_id, made if new.
        const answered = await this.#api.PUT("/video/v2/sessions/{session_id}/calls", {
          params: { path: { session_id: room.sessionId } },
          body: { session_id: room.sessionId, client_call_id: clientCallId, status },
        });
        return checkCall(bodyOf(answered), { clientCallId, status });
      },
      (answered) =>
        `call ${answered.call_id} ${answered.status}` +
        (media ? `; received ${media.received.describe()}` : ""),
    );
    this.callId = call.call_id;
    this.callStatuses.push(call.status);
  }

  /** A session was made and has not been ended. */
  get open(): boolean {
    return this.room !== undefined && this.sessionStatuses.at(-1) !== "session_ended";
  }

  /** Ends the session (cleaning up after a failed step). */
  async endNow(): Promise<void> {
    if (this.room) await this.#update(this.room.sessionId, "ended");
  }

  async #update(sessionId: string, status: "started" | "ended"): Promise<VideoSession> {
    const answer = await this.#api.PUT("/video/v2/sessions/{session_id}", {
      params: { path: { session_id: sessionId } },
      body: { status },
    });
    return bodyOf(answer);
  }
}

function describe(session: VideoSession): string {
  return `session ${session.session_id} ${session.status}`;
}

function expectStatus(status: SessionStatus): (session: VideoSession) => VideoSession {
  return (session) => {
    if (session.status !== status) throw new Error(`expected ${status}, got ${session.status}`);
    return session;
  };
}

function checkCall(call: VideoCall, sent: { clientCallId: string; status: CallStatus }): VideoCall {
  if (call.client_call_id !== sent.clientCallId || call.status !== sent.status) {
    const got = `${call.client_call_id} ${call.status}`;
    throw new Error(`expected call ${sent.clientCallId} ${sent.status}, got ${got}`);
  }
  return call;
}
