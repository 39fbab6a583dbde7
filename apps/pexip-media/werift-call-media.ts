import { RTCPeerConnection } from "werift";
import type { CallMedia, CallMediaEvents, MediaLeg } from "../../simulators/pexip/call-media.ts";
import type { AgentVideo } from "./agent-video.ts";
import { LOOPBACK_ICE, MEDIA_CODECS } from "./codecs.ts";
import { LoopbackStun } from "./loopback-stun.ts";
import { WeriftLeg } from "./werift-leg.ts";

export interface WeriftCallMediaOptions {
  /** What the agent sends: the citizen's own stream back (default), or the test pattern. */
  agentVideo?: AgentVideo;
  /** How long a peer may send no RTP before the node hangs up on it (default 15 s). */
  silenceTimeoutMs?: number;
}

/**
 * The Pexip simulator's media engine: a real WebRTC peer per call (werift: ICE, DTLS-SRTP, RTP)
 * on this machine's addresses, loopback included. It needs UDP sockets (node:dgram; Node and Deno
 * have them), hence lives here and not in the web-standard simulators/.
 */
export class WeriftCallMedia implements CallMedia {
  readonly #legs = new Set<WeriftLeg>();
  readonly #agentVideo: AgentVideo;
  readonly #silenceTimeoutMs: number;
  #stun: LoopbackStun | undefined;

  constructor(options: WeriftCallMediaOptions = {}) {
    this.#agentVideo = options.agentVideo ?? "mirror";
    this.#silenceTimeoutMs = options.silenceTimeoutMs ?? 15_000;
  }

  async answer(offerSdp: string, events: CallMediaEvents): Promise<MediaLeg | undefined> {
    this.#stun ??= new LoopbackStun();
    const iceServers = [{ urls: await this.#stun.url }];
    const peer = new RTCPeerConnection({ codecs: MEDIA_CODECS, ...LOOPBACK_ICE, iceServers });
    const leg = new WeriftLeg(peer, {
      agentVideo: this.#agentVideo,
      silenceTimeoutMs: this.#silenceTimeoutMs,
      silent: () => events.silent(),
      closed: () => this.#legs.delete(leg),
    });
    this.#legs.add(leg);
    if (await leg.answer(offerSdp)) return leg;
    leg.close();
    return undefined;
  }

  /** Hangs up every call: the stack is stopping. */
  close(): void {
    for (const leg of [...this.#legs]) leg.close();
    this.#stun?.close();
    this.#stun = undefined;
  }
}
