import { nodeUrlFor } from "../../../demo/node-url.ts";
import { Conference } from "./conference.ts";
import { VideoApi, type VideoSession } from "./video-api.ts";

export type Phase = "starting" | "waiting-for-agent" | "connected" | "ending" | "ended" | "failed";

/** What the page shows; the browser test reads it as `window.citizen`. */
export interface CitizenState {
  phase: Phase | "idle";
  detail: string;
  callStatuses: string[];
  agentFramesDecoded: number;
  connectionState: string;
}

export interface CitizenView {
  state: CitizenState;
  show(phase: Phase, detail?: string): void;
  log(line: string): void;
  local: HTMLVideoElement;
  agent: HTMLVideoElement;
}

/** The app sends `call_in_call` again every 30 s while the call lasts. */
const KEEP_ALIVE_MS = 30_000;
const STATS_MS = 500;

/**
 * The mobile app's part, in a browser: a session from the API, the room joined with the guest PIN,
 * the camera sent and the agent's video shown over WebRTC, call statuses reported as the app does.
 */
export class CitizenCall {
  readonly #view: CitizenView;
  readonly #clientCallId = crypto.randomUUID();
  readonly #timers: ReturnType<typeof setInterval>[] = [];
  #api: VideoApi | undefined;
  #session: VideoSession | undefined;
  #conference: Conference | undefined;
  #peer: RTCPeerConnection | undefined;
  #camera: MediaStream | undefined;
  #agentPresent = false;
  #inCall = false;

  constructor(view: CitizenView) {
    this.#view = view;
  }

  async start(): Promise<void> {
    const { show, log } = this.#view;
    show("starting", "creating a video session");
    const api = await VideoApi.forNewDevice();
    this.#api = api;
    log(`device ${api.deviceCode} (token signed by the dev stack)`);
    let session = await api.createSession();
    if (session.status === "session_granted")
      session = await api.updateSession(session.session_id, "started");
    this.#session = session;
    const { destination_host: host, room_alias: alias, guest_pin: pin } = session;
    if (session.status !== "session_started" || !host || !alias || typeof pin !== "string") {
      throw new Error(`the session is ${session.status} ${session.reason ?? ""}`);
    }
    log(`session ${session.session_id} ${session.status}, room ${alias}`);

    this.#camera = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    this.#view.local.srcObject = this.#camera;
    const conference = await Conference.join(nodeUrlFor(host), alias, pin, "Citizen (browser)");
    this.#conference = conference;
    log(`joined ${alias} as ${conference.participantUuid}`);
    conference.listen({
      participant_create: (participant) => {
        if (participant.uuid === conference.participantUuid) return;
        this.#agentPresent = true;
        log(`${participant.display_name} joined`);
        this.#enterCallOnceSeen();
      },
      disconnect: ({ reason }) => void this.#droppedBy(String(reason)),
    });
    await this.#call(conference, this.#camera);
  }

  /** Hangs up, leaves the room and ends the session. */
  async end(): Promise<void> {
    this.#view.show("ending", "hanging up");
    this.#stop();
    await this.#conference?.hangUp();
    await this.#report("call_ended");
    await this.#conference?.leave();
    await this.#endSession();
  }

  async #call(conference: Conference, camera: MediaStream): Promise<void> {
    const peer = new RTCPeerConnection({
      iceServers: conference.stunUrls.map((urls) => ({ urls })),
    });
    this.#peer = peer;
    for (const track of camera.getTracks()) peer.addTrack(track, camera);
    peer.ontrack = ({ streams, track }) => {
      this.#view.agent.srcObject = streams[0] ?? new MediaStream([track]);
    };
    // Candidates trickle once the call exists; the ones found before wait here.
    const early: RTCIceCandidate[] = [];
    let callMade = false;
    const trickle = (candidate: RTCIceCandidate | null) =>
      void conference
        .newCandidate(candidate?.candidate ?? "", candidate?.sdpMid ?? "0")
        .catch((error: unknown) => this.#view.log(`new_candidate: ${String(error)}`));
    peer.onicecandidate = ({ candidate }) => {
      if (callMade) trickle(candidate);
      else if (candidate) early.push(candidate);
    };
    await peer.setLocalDescription();
    const answer = await conference.call(peer.localDescription?.sdp ?? "");
    callMade = true;
    await this.#report("call_ringing");
    await peer.setRemoteDescription({ type: "answer", sdp: answer });
    for (const candidate of early.splice(0)) trickle(candidate);
    if (peer.iceGatheringState === "complete") trickle(null);
    await conference.ack();
    await this.#report("call_media_pending");
    this.#view.show("waiting-for-agent", "waiting for an agent to answer");
    this.#timers.push(setInterval(() => void this.#readStats(peer), STATS_MS));
  }

  async #readStats(peer: RTCPeerConnection): Promise<void> {
    const { state } = this.#view;
    state.connectionState = peer.connectionState;
    for (const report of (await peer.getStats()).values()) {
      if (report.type === "inbound-rtp" && report.kind === "video") {
        state.agentFramesDecoded = report.framesDecoded ?? 0;
      }
    }
    this.#enterCallOnceSeen();
    if (state.phase === "connected") {
      this.#view.show("connected", `agent video: ${state.agentFramesDecoded} frames decoded`);
    }
  }

  /** In call once the agent is in the room and its video is on screen. */
  #enterCallOnceSeen(): void {
    if (this.#inCall || !this.#agentPresent || this.#view.state.agentFramesDecoded === 0) return;
    this.#inCall = true;
    this.#view.show("connected", "the agent is on the line");
    void this.#report("call_in_call");
    this.#timers.push(setInterval(() => void this.#report("call_in_call"), KEEP_ALIVE_MS));
  }

  /** The node ended the participant (token or media lost): the call dropped. */
  async #droppedBy(reason: string): Promise<void> {
    this.#view.log(`Pexip disconnected the call: ${reason}`);
    this.#stop();
    await this.#report("call_dropped");
    await this.#endSession();
  }

  async #report(status: string): Promise<void> {
    const session = this.#session;
    if (!this.#api || !session) return;
    try {
      await this.#api.reportCall(session.session_id, this.#clientCallId, status);
      this.#view.state.callStatuses.push(status);
      this.#view.log(`reported ${status}`);
    } catch (error) {
      this.#view.log(`report ${status}: ${String(error)}`);
    }
  }

  async #endSession(): Promise<void> {
    const session = this.#session;
    if (!this.#api || !session) return;
    const ended = await this.#api.updateSession(session.session_id, "ended");
    this.#view.show("ended", `session ${ended.status}`);
  }

  #stop(): void {
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    this.#peer?.close();
    for (const track of this.#camera?.getTracks() ?? []) track.stop();
  }
}
