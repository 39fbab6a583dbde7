import { type RTCIceCandidate, RTCPeerConnection } from "werift";
import { LOOPBACK_ICE, MEDIA_CODECS } from "../pexip-media/codecs.ts";
import { ReceivedMedia } from "../pexip-media/received-media.ts";
import { TestPattern } from "../pexip-media/test-pattern.ts";

/** A local ICE candidate as `new_candidate` takes it; an empty one ends the list. */
export interface LocalCandidate {
  candidate: string;
  mid: string;
}

/**
 * The app's WebRTC side, with werift: sends the test pattern as a stand-in for the phone's camera
 * and microphone, and counts what the agent sends back. Candidates trickle (RFC 8838): the offer
 * goes without them, and they follow once the call exists.
 */
export class CitizenMedia {
  readonly received = new ReceivedMedia();
  readonly #peer: RTCPeerConnection;
  readonly #camera = new TestPattern();
  readonly #gathered: LocalCandidate[] = [];
  #send: ((candidate: LocalCandidate) => void) | undefined;

  /** `stunUrls`: the STUN servers the node offered in its `request_token` answer. */
  constructor(stunUrls: string[]) {
    const iceServers = stunUrls.map((url) => ({ urls: url }));
    this.#peer = new RTCPeerConnection({
      codecs: MEDIA_CODECS,
      ...LOOPBACK_ICE,
      iceServers,
      // One transport from the start: werift leaves the sockets of a transport that bundling
      // made redundant open after close(), which keeps the process alive.
      bundlePolicy: "max-bundle",
    });
    this.#peer.addTransceiver(this.#camera.audio, { direction: "sendrecv" });
    this.#peer.addTransceiver(this.#camera.video, { direction: "sendrecv" });
    this.#peer.onTrack.subscribe((track) => this.received.watch(track));
    this.#peer.onIceCandidate.subscribe((candidate) => this.#gather(candidate));
  }

  get connectionState(): string {
    return this.#peer.connectionState;
  }

  /** The SDP offer, before any candidate is known. */
  async offer(): Promise<string> {
    const offer = await this.#peer.createOffer();
    // Gathers this side's candidates; they wait in #gathered until `trickle` is called.
    await this.#peer.setLocalDescription(offer);
    return offer.sdp;
  }

  /** Applies the node's answer and turns the camera on. */
  async accept(answerSdp: string): Promise<void> {
    await this.#peer.setRemoteDescription({ type: "answer", sdp: answerSdp });
    this.#camera.start();
  }

  /** Sends the candidates gathered so far, and any later ones, through `send`. */
  trickle(send: (candidate: LocalCandidate) => void): void {
    this.#send = send;
    for (const candidate of this.#gathered.splice(0)) send(candidate);
  }

  /** Resolves once `count` video frames from the far end have arrived. */
  async waitForVideoFrames(count: number, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.received.videoFrames < count) {
      if (performance.now() > deadline) {
        throw new Error(
          `${this.received.videoFrames} of ${count} video frames within ${timeoutMs} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): void {
    this.#camera.stop();
    this.#peer.close().catch(() => {}); // nothing left to do if werift fails to tear down
  }

  #gather(candidate: RTCIceCandidate | undefined): void {
    const local = { candidate: candidate?.candidate ?? "", mid: candidate?.sdpMid ?? "0" };
    if (this.#send) this.#send(local);
    else this.#gathered.push(local);
  }
}
