import { readFileSync } from "node:fs";
import { MediaStreamTrack, RtpHeader, RtpPacket } from "werift";
import { type IvfVideo, readIvf } from "./ivf.ts";
import { vp8Payloads } from "./vp8-packets.ts";

const VIDEO_CLOCK_RATE = 90_000;
const OPUS_FRAME_MS = 20;
const OPUS_SAMPLES_PER_FRAME = 960;
/** One 20 ms Opus frame of silence (RFC 6716: CELT full band, the "silence" payload). */
const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

let fixture: IvfVideo | undefined;
/** Colour bars captioned "SIMULATED AGENT", 2 s of VP8 that loop (see make-test-pattern.ts). */
function testPatternVideo(): IvfVideo {
  fixture ??= readIvf(readFileSync(new URL("./test-pattern.ivf", import.meta.url)));
  return fixture;
}

/** A looping pre-encoded video and silent audio, as werift tracks that senders can carry. */
export class TestPattern {
  readonly video = new MediaStreamTrack({ kind: "video" });
  readonly audio = new MediaStreamTrack({ kind: "audio" });
  readonly #timers: ReturnType<typeof setInterval>[] = [];

  start(): void {
    if (this.#timers.length > 0) return;
    const clip = testPatternVideo();
    let frame = 0;
    let videoSequence = randomUint16();
    this.#every(1000 / clip.framesPerSecond, () => {
      const payloads = vp8Payloads(clip.frames[frame % clip.frames.length] ?? new Uint8Array());
      const timestamp = (frame * VIDEO_CLOCK_RATE) / clip.framesPerSecond;
      payloads.forEach((payload, index) => {
        const marker = index === payloads.length - 1;
        this.video.writeRtp(packet(videoSequence++, timestamp, marker, payload));
      });
      frame++;
    });
    let audioSequence = randomUint16();
    let audioTimestamp = 0;
    this.#every(OPUS_FRAME_MS, () => {
      this.audio.writeRtp(packet(audioSequence++, audioTimestamp, false, OPUS_SILENCE));
      audioTimestamp += OPUS_SAMPLES_PER_FRAME;
    });
  }

  stop(): void {
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
  }

  #every(ms: number, action: () => void): void {
    const timer = setInterval(action, ms);
    timer.unref();
    this.#timers.push(timer);
  }
}

function packet(sequence: number, timestamp: number, marker: boolean, payload: Uint8Array) {
  const header = new RtpHeader({
    sequenceNumber: sequence & 0xffff,
    timestamp: Math.round(timestamp) >>> 0,
    marker,
  });
  return new RtpPacket(header, Buffer.from(payload));
}

function randomUint16(): number {
  return crypto.getRandomValues(new Uint16Array(1))[0] ?? 0;
}
