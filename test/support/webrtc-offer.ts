// ice-char of RFC 8839: ALPHA / DIGIT / "+" / "/" — exactly 64 symbols, so a byte modulo 64 is fair.
const ICE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

interface MediaDescription {
  kind: "audio" | "video";
  mid: string;
  payloadTypes: number[];
  codecLines: string[];
}

const AUDIO: MediaDescription = {
  kind: "audio",
  mid: "0",
  payloadTypes: [111, 0, 8],
  codecLines: [
    "a=rtpmap:111 opus/48000/2",
    "a=fmtp:111 minptime=10;useinbandfec=1",
    "a=rtpmap:0 PCMU/8000",
    "a=rtpmap:8 PCMA/8000",
  ],
};

const VIDEO: MediaDescription = {
  kind: "video",
  mid: "1",
  payloadTypes: [96, 97],
  codecLines: [
    "a=rtpmap:96 VP8/90000",
    "a=rtcp-fb:96 ccm fir",
    "a=rtcp-fb:96 nack",
    "a=rtcp-fb:96 nack pli",
    "a=rtpmap:97 rtx/90000",
    "a=fmtp:97 apt=96",
  ],
};

/**
 * A WebRTC SDP offer (RFC 8829 shape: BUNDLE, rtcp-mux, trickle ICE, DTLS actpass) for one audio
 * and one video stream, with fresh ICE credentials, fingerprint and ids. No media will flow: for
 * tests of signalling, which only need an offer a conference node accepts.
 */
export function createWebRtcOffer(): string {
  const session = {
    iceUfrag: randomIceChars(8),
    icePwd: randomIceChars(24),
    fingerprint: randomFingerprint(),
    streamId: crypto.randomUUID(),
    cname: randomIceChars(16),
  };
  const lines = [
    "v=0",
    `o=- ${randomSessionId()} 2 IN IP4 127.0.0.1`,
    "s=-",
    "t=0 0",
    `a=group:BUNDLE ${AUDIO.mid} ${VIDEO.mid}`,
    `a=msid-semantic: WMS ${session.streamId}`,
    ...[AUDIO, VIDEO].flatMap((media) => mediaSection(media, session)),
  ];
  return `${lines.join("\r\n")}\r\n`;
}

function mediaSection(
  media: MediaDescription,
  session: {
    iceUfrag: string;
    icePwd: string;
    fingerprint: string;
    streamId: string;
    cname: string;
  },
): string[] {
  const ssrc = randomUint32();
  const trackId = crypto.randomUUID();
  return [
    `m=${media.kind} 9 UDP/TLS/RTP/SAVPF ${media.payloadTypes.join(" ")}`,
    "c=IN IP4 0.0.0.0",
    "a=rtcp:9 IN IP4 0.0.0.0",
    `a=ice-ufrag:${session.iceUfrag}`,
    `a=ice-pwd:${session.icePwd}`,
    "a=ice-options:trickle",
    `a=fingerprint:sha-256 ${session.fingerprint}`,
    "a=setup:actpass",
    `a=mid:${media.mid}`,
    "a=sendrecv",
    `a=msid:${session.streamId} ${trackId}`,
    "a=rtcp-mux",
    ...media.codecLines,
    `a=ssrc:${ssrc} cname:${session.cname}`,
    `a=ssrc:${ssrc} msid:${session.streamId} ${trackId}`,
  ];
}

function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

function randomIceChars(length: number): string {
  return Array.from(randomBytes(length), (byte) => ICE_CHARS[byte % 64]).join("");
}

/** A SHA-256 fingerprint's shape: 32 upper-case hex bytes joined by colons. */
function randomFingerprint(): string {
  return Array.from(randomBytes(32), (byte) =>
    byte.toString(16).padStart(2, "0").toUpperCase(),
  ).join(":");
}

/** 62 random bits, as browsers make the o= line's session id. */
function randomSessionId(): string {
  const view = new DataView(randomBytes(8).buffer);
  return BigInt.asUintN(62, view.getBigUint64(0)).toString();
}

function randomUint32(): number {
  return new DataView(randomBytes(4).buffer).getUint32(0);
}
