import type { CitizenMedia } from "./citizen-media.ts";
import { type GrantedRoom, grantedRoom } from "./granted-room.ts";
import type { Steps } from "./steps.ts";
import { type CallStatus, VideoApiClient, type VideoCall, type VideoSession } from "./video-api.ts";

/** The app's requests to the Video API, each a step, with what the API answered kept in order. */
export class VideoSessionSteps {
  readonly sessionStatuses: string[] = [];
  readonly callStatuses: string[] = [];
  readonly clientCallId = crypto.randomUUID();
  callId = "";
  room: GrantedRoom | undefined;
  readonly #api: VideoApiClient;

  constructor(
    readonly options: ConstructorParameters<typeof VideoApiClient>[0],
    private readonly steps: Steps,
  ) {
    this.#api = new VideoApiClient(options);
  }

  /** Creates the session and, when it is granted, starts it (as the seed does). */
  async start(identity: { clientId: string; deviceCode: string }): Promise<GrantedRoom> {
    const { session, room } = await this.steps.run(
      "create session",
      async () => {
        const { session, created } = await this.#api.createSession(identity);
        this.sessionStatuses.push(session.status);
        return { session, created, room: grantedRoom(session) };
      },
      ({ session, created, room }) =>
        `${created ? "201 new" : "200 existing"} ${describe(session)}, room ${room.roomName} ` +
        `(alias ${room.roomAlias}), queue position ${room.queuePosition}`,
    );
    this.room = room;
    if (session.status === "session_granted") {
      const started = await this.steps.run(
        "start session",
        () =>
          this.#api.updateSession(room.sessionId, "started").then(expectStatus("session_started")),
        describe,
      );
      this.sessionStatuses.push(started.status);
    }
    return room;
  }

  async end(room: GrantedRoom): Promise<void> {
    const ended = await this.steps.run(
      "end session",
      () => this.#api.updateSession(room.sessionId, "ended").then(expectStatus("session_ended")),
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
        const answered = await this.#api.reportCall(room.sessionId, { clientCallId, status });
        return checkCall(answered, { clientCallId, status });
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
    if (this.room) await this.#api.updateSession(this.room.sessionId, "ended");
  }
}

function describe(session: VideoSession): string {
  return `session ${session.session_id} ${session.status}`;
}

function expectStatus(status: VideoSession["status"]): (session: VideoSession) => VideoSession {
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
