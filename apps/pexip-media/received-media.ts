import type { MediaStreamTrack } from "werift";

/** What arrived on a peer connection's remote tracks: RTP packets, payload bytes, video frames. */
export class ReceivedMedia {
  packets = 0;
  bytes = 0;
  /** Video RTP packets with the marker bit: each ends one frame. */
  videoFrames = 0;
  /** performance.now() of the latest packet; undefined before the first. */
  lastPacketAt: number | undefined;

  watch(track: MediaStreamTrack): void {
    track.onReceiveRtp.subscribe((rtp) => {
      this.packets++;
      this.bytes += rtp.payload.length;
      if (track.kind === "video" && rtp.header.marker) this.videoFrames++;
      this.lastPacketAt = performance.now();
    });
  }

  describe(): string {
    return `${this.videoFrames} video frames, ${this.packets} packets, ${formatBytes(this.bytes)}`;
  }
}

function formatBytes(bytes: number): string {
  return bytes < 10_000 ? `${bytes} B` : `${Math.round(bytes / 1000)} kB`;
}
