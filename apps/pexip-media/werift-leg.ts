import {
  MediaStreamTrack,
  type RTCPeerConnection,
  type RTCRtpTransceiver,
  RtcpPayloadSpecificFeedback,
} from "werift";
import type { MediaLeg, TrickledCandidate } from "../../simulators/pexip/call-media.ts";
import type { AgentVideo } from "./agent-video.ts";
import { ReceivedMedia } from "./received-media.ts";
import { TestPattern } from "./test-pattern.ts";

export interface LegOptions {
  agentVideo: AgentVideo;
  silenceTimeoutMs: number;
  silent: () => void;
  closed: () => void;
}

const SILENCE_CHECK_MS = 500;
/** Feedback message types (RFC 4585, RFC 5104) that ask for a key frame: PLI and FIR. */
const KEY_FRAME_REQUESTS = new Set([1, 4]);

/** One call on the simulated node: the citizen's peer connection and what the agent sends on it. */
export class WeriftLeg implements MediaLeg {
  answerSdp = "";
  readonly #received = new ReceivedMedia();
  readonly #peer: RTCPeerConnection;
  readonly #options: LegOptions;
  readonly #pattern: TestPattern | undefined;
  readonly #mirrors = new Map<"audio" | "video", MediaStreamTrack>();
  readonly #createdAt = performance.now();
  readonly #silenceCheck: ReturnType<typeof setInterval>;
  #agentSending = false;
  #closed = false;

  constructor(peer: RTCPeerConnection, options: LegOptions) {
    this.#peer = peer;
    this.#options = options;
    this.#pattern = options.agentVideo === "test-pattern" ? new TestPattern() : undefined;
    this.#silenceCheck = setInterval(() => this.#checkSilence(), SILENCE_CHECK_MS);
    this.#silenceCheck.unref();
    // Subscribed before the offer is applied: werift announces remote tracks while applying it.
    peer.onTrack.subscribe((track) => this.#receive(track));
    peer.connectionStateChange.subscribe((state) => {
      if (state === "failed") this.#reportSilence();
      if (state === "connected" && this.#agentSending) this.#requestKeyFrame();
    });
  }

  /** Applies the offer and makes the answer, candidates included; false when the offer is bad. */
  async answer(offerSdp: string): Promise<boolean> {
    this.answerSdp = (await this.#negotiate(offerSdp)) ?? "";
    return this.answerSdp !== "";
  }

  async addCandidate({ candidate, mid }: TrickledCandidate): Promise<void> {
    if (this.#closed) return;
    // An empty candidate ends the peer's list: nothing to do, ICE goes on with what it has.
    if (candidate === "") return;
    await this.#peer.addIceCandidate({ candidate, sdpMid: mid }).catch(() => {});
  }

  async update(offerSdp: string): Promise<string | undefined> {
    return this.#closed ? undefined : this.#negotiate(offerSdp);
  }

  startAgentMedia(): void {
    if (this.#agentSending || this.#closed) return;
    this.#agentSending = true;
    this.#pattern?.start();
    // A mirrored picture can only start at a key frame: ask the citizen for one (once connected).
    if (this.#peer.connectionState === "connected") this.#requestKeyFrame();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#silenceCheck);
    this.#pattern?.stop();
    this.#peer.close().catch(() => {}); // nothing left to do if werift fails to tear down
    this.#options.closed();
  }

  /** The answer to an offer (the first, or a renegotiation); undefined when werift refuses it. */
  async #negotiate(offerSdp: string): Promise<string | undefined> {
    try {
      await this.#peer.setRemoteDescription({ type: "offer", sdp: offerSdp });
      for (const transceiver of this.#peer.getTransceivers()) this.#equip(transceiver);
      await this.#peer.setLocalDescription(await this.#peer.createAnswer());
      return this.#peer.localDescription?.sdp;
    } catch {
      return undefined;
    }
  }

  /** Gives an offered audio or video transceiver the agent's track. */
  #equip(transceiver: RTCRtpTransceiver): void {
    const { kind } = transceiver;
    if (transceiver.sender.track || (kind !== "audio" && kind !== "video")) return;
    this.#peer.addTrack(this.#agentTrack(kind));
    transceiver.sender.onRtcp.subscribe((rtcp) => {
      const feedback = rtcp instanceof RtcpPayloadSpecificFeedback ? rtcp.feedback : undefined;
      // The test pattern has a key frame every second; a mirror relays the request.
      if (feedback && KEY_FRAME_REQUESTS.has(feedback.count) && !this.#pattern) {
        this.#requestKeyFrame();
      }
    });
  }

  /** Counts what the citizen sends and, when mirroring, sends it back once the agent is in. */
  #receive(incoming: MediaStreamTrack): void {
    this.#received.watch(incoming);
    if (this.#pattern || (incoming.kind !== "audio" && incoming.kind !== "video")) return;
    const outgoing = this.#agentTrack(incoming.kind);
    incoming.onReceiveRtp.subscribe((rtp) => {
      if (this.#agentSending) outgoing.writeRtp(rtp.clone());
    });
  }

  /** One per kind: the test pattern's, or a fresh one that the citizen's packets will feed. */
  #agentTrack(kind: "audio" | "video"): MediaStreamTrack {
    if (this.#pattern) return this.#pattern[kind];
    const track = this.#mirrors.get(kind) ?? new MediaStreamTrack({ kind });
    this.#mirrors.set(kind, track);
    return track;
  }

  #requestKeyFrame(): void {
    for (const transceiver of this.#peer.getTransceivers()) {
      if (transceiver.kind !== "video") continue;
      for (const track of transceiver.receiver.tracks) {
        if (track.ssrc !== undefined) void transceiver.receiver.sendRtcpPLI(track.ssrc);
      }
    }
  }

  #checkSilence(): void {
    const lastHeard = this.#received.lastPacketAt ?? this.#createdAt;
    if (performance.now() - lastHeard > this.#options.silenceTimeoutMs) this.#reportSilence();
  }

  #reportSilence(): void {
    if (this.#closed) return;
    clearInterval(this.#silenceCheck);
    this.#options.silent();
  }
}
