import { RTCRtpCodecParameters } from "werift";

/**
 * The one video and one audio codec both ends offer: VP8 (what the test pattern is encoded in, and
 * what every WebRTC browser sends) and Opus. Mirroring forwards RTP unchanged, so it needs the
 * citizen's codec to be the agent's.
 */
export const MEDIA_CODECS = {
  video: [
    new RTCRtpCodecParameters({
      mimeType: "video/VP8",
      clockRate: 90_000,
      rtcpFeedback: [
        { type: "nack" },
        { type: "nack", parameter: "pli" },
        { type: "ccm", parameter: "fir" },
      ],
    }),
  ],
  audio: [new RTCRtpCodecParameters({ mimeType: "audio/opus", clockRate: 48_000, channels: 2 })],
};

/** Host candidates on loopback too: both ends of a local stack can meet on 127.0.0.1. */
export const LOOPBACK_ICE = { iceAdditionalHostAddresses: ["127.0.0.1"], iceUseIpv6: false };
